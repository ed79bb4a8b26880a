import type { BenchMeta, BenchReport, BenchTable } from "../report/schema.js";
import { formatCell, shardLabel, shardSummary } from "./markdown.js";

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function tableToHtml(table: BenchTable, svgs: ReadonlyMap<string, string>, meta: BenchMeta): string {
  const sharded = meta.shards !== undefined && table.rowShards !== undefined;
  const header =
    table.columns
      .map(
        (column) =>
          `<th>${escapeHtml(column.name)}${column.unit ? ` <small>(${escapeHtml(column.unit)})</small>` : ""}</th>`,
      )
      .join("") + (sharded ? "<th>measured on <small>(timings are this machine's)</small></th>" : "");
  const body = table.rows
    .map((row, index) => {
      const cells = row.map((cell) => formatCell(cell));
      if (sharded) cells.push(shardLabel(meta, table, index) ?? "—");
      return `<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`;
    })
    .join("\n");
  const plots = table.plots
    .map((plot) => `<figure>${svgs.get(`${table.id}-${plot.id}`) ?? ""}</figure>`)
    .join("\n");
  const details = table.details.length
    ? `<ul class="details">${table.details.map((detail) => `<li>${escapeHtml(detail)}</li>`).join("")}</ul>\n`
    : "";
  return `<section id="${escapeHtml(table.id)}">
<h2>${escapeHtml(table.title)}</h2>
<p class="question">${escapeHtml(table.question)}</p>
<p class="finding"><strong>Finding:</strong> ${escapeHtml(table.finding)}</p>
${details}<div class="scroll"><table><thead><tr>${header}</tr></thead><tbody>
${body}
</tbody></table></div>
${plots}
</section>`;
}

/** A self-contained HTML report: styles and SVG plots inline, no scripts, no CDN. */
export function reportToHtml(report: BenchReport, svgs: ReadonlyMap<string, string>): string {
  const { meta } = report;
  const navigation = report.tables
    .map((table) => `<a href="#${escapeHtml(table.id)}">${escapeHtml(table.id)}</a>`)
    .join(" · ");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>descent-bench report</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;font-size:.85rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.scroll{overflow-x:auto}
.finding{background:#eef6ee;padding:.5rem;border-left:4px solid #4a4;margin-bottom:.25rem}
.details{font-size:.9rem;color:#444;margin-top:.25rem}.question{font-style:italic}
figure{margin:1rem 0}nav{margin-bottom:1rem}
</style></head><body>
<h1>descent-bench report</h1>
${
  meta.shards
    ? `<p>Measured from ${escapeHtml(meta.date)} in <b>${meta.mode}</b> mode, seed ${meta.seed}, commit ${escapeHtml(meta.gitCommit ?? "unknown")}, merged from ${meta.shards.length} shards; each row names the shard and machine that measured it.</p>
<ul class="shards">${shardSummary(meta)
        .map((line) => `<li>${escapeHtml(line)}</li>`)
        .join("")}</ul>`
    : `<p>Measured ${escapeHtml(meta.date)} in <b>${meta.mode}</b> mode, seed ${meta.seed}, on ${escapeHtml(meta.cpuModel)} (${meta.cpuCores} cores), Node ${escapeHtml(meta.nodeVersion)}, commit ${escapeHtml(meta.gitCommit ?? "unknown")}. Every number comes from this run.</p>`
}
<nav>${navigation}</nav>
${report.tables.map((table) => tableToHtml(table, svgs, meta)).join("\n")}
</body></html>
`;
}
