import type { BenchReport, BenchTable } from "../report/schema.js";

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

/** One table as Markdown: heading, question, finding and its details, the table, and links to its plots' SVG files. */
export function tableToMarkdown(table: BenchTable): string {
  const header = table.columns.map((column) =>
    column.unit ? `${column.name} (${column.unit})` : column.name,
  );
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
    ...table.rows.map((row) => `| ${row.map((cell) => escapeCell(formatCell(cell))).join(" | ")} |`),
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
    `Measured ${meta.date} in ${meta.mode} mode, seed ${meta.seed}, on ${meta.cpuModel} (${meta.cpuCores} cores), Node ${meta.nodeVersion}, commit ${meta.gitCommit ?? "unknown"}.`,
    `Every number below comes from this run. Durations: ${durations}.`,
    "",
    ...report.tables.map((table) => `${tableToMarkdown(table)}\n`),
  ].join("\n");
}
