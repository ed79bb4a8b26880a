import type { BenchMeta, BenchReport, BenchTable } from "../report/schema.js";

/** Formats a cell for text output: numbers to 4 significant digits, booleans as yes/no, null as "—". */
export function formatCell(value: string | number | boolean | null): string {
  if (value === null) return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string") return value;
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * The label of the shard that measured a row of a merged report, e.g. `shard 2/3 (node-b)`; `null` for a row of
 * an unsharded run.
 *
 * @example
 * shardLabel(report.meta, table, 0); // "shard 1/3 (runner-1)"
 */
export function shardLabel(meta: BenchMeta, table: BenchTable, row: number): string | null {
  const index = table.rowShards?.[row];
  const shard = meta.shards?.find((entry) => entry.index === index);
  return shard ? `shard ${shard.index}/${shard.count} (${shard.machine.hostname})` : null;
}

/**
 * Where a merged report was measured: one sentence per shard (machine, units, estimated and measured seconds).
 *
 * @example
 * shardSummary(report.meta); // ["Shard 1/2 ran on runner-1 (…): 7 units, estimated 12 s, took 13.1 s.", …]
 */
export function shardSummary(meta: BenchMeta): string[] {
  return (meta.shards ?? []).map(
    (shard) =>
      `Shard ${shard.index}/${shard.count} ran on ${shard.machine.hostname} (${shard.machine.cpuModel}, ${shard.machine.cpus} cores, ${shard.machine.os} ${shard.machine.arch}, Node ${shard.machine.nodeVersion}): ${shard.units.length} units, estimated ${shard.estimatedCost.toFixed(1)} s, took ${shard.seconds.toFixed(1)} s.`,
  );
}

/** One table as Markdown: heading, question, finding and its details, the table, and links to its plots' SVG files. */
export function tableToMarkdown(table: BenchTable, meta?: BenchMeta): string {
  const sharded = meta?.shards !== undefined && table.rowShards !== undefined;
  const header = [
    ...table.columns.map((column) => (column.unit ? `${column.name} (${column.unit})` : column.name)),
    ...(sharded ? ["measured on (timings are this machine's)"] : []),
  ];
  const lines = [
    `## ${table.title}`,
    "",
    `*${table.question}*`,
    "",
    `**Finding:** ${table.finding}`,
    "",
    ...(table.details.length
      ? [...table.details.map((detail) => `- ${detail.replace(/\n/g, " ")}`), ""]
      : []),
    `| ${header.map(escapeCell).join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...table.rows.map((row, index) => {
      const cells = row.map((cell) => formatCell(cell));
      if (sharded && meta) cells.push(shardLabel(meta, table, index) ?? "—");
      return `| ${cells.map(escapeCell).join(" | ")} |`;
    }),
  ];
  for (const plot of table.plots) lines.push("", `![${plot.title}](${table.id}-${plot.id}.svg)`);
  return lines.join("\n");
}

/** The whole report as Markdown, with the provenance of every number. */
export function reportToMarkdown(report: BenchReport): string {
  const { meta } = report;
  const durations = Object.entries(meta.durationsSeconds)
    .map(([id, seconds]) => `${id} ${seconds.toFixed(1)} s`)
    .join(", ");
  return [
    "# descent-bench report",
    "",
    meta.shards
      ? `Measured from ${meta.date} in ${meta.mode} mode, seed ${meta.seed}, commit ${meta.gitCommit ?? "unknown"}, merged from ${meta.shards.length} shards; each row names the shard and machine that measured it.`
      : `Measured ${meta.date} in ${meta.mode} mode, seed ${meta.seed}, on ${meta.cpuModel} (${meta.cpuCores} cores), Node ${meta.nodeVersion}, commit ${meta.gitCommit ?? "unknown"}.`,
    ...shardSummary(meta).map((line) => `- ${line}`),
    `Every number below comes from this run. Durations${meta.shards ? " (an experiment split over shards: the sum of its units' wall times)" : ""}: ${durations}.`,
    "",
    ...report.tables.map((table) => `${tableToMarkdown(table, meta)}\n`),
  ].join("\n");
}
