import type { ReportColumn, ReportPlot } from "@descent/spec";
import type { BenchReport, BenchTable } from "./schema.js";

/** What stands in for a machine-dependent number in {@link nonTimingView}. */
export const TIMING = "<timing>";

const TIMING_WORDS = new Set([
  "time",
  "seconds",
  "second",
  "s",
  "ms",
  "µs",
  "ns",
  "memory",
  "mb",
  "gflop",
  "speedup",
]);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * Whether a column or plot axis holds machine-dependent measurements: its name or unit mentions a time or memory
 * unit (time, s, ms, µs, ns, seconds, MB, memory, GFLOP/s, samples/s, speedup), unless it is the theory's value
 * ("…, theory"). Everything else (accuracies, losses, counts, flags, gradient norms, settings) must be the same on
 * every machine for one seed, mode and commit.
 *
 * @example
 * isTimingLabel("time per epoch (s)"); // true
 * isTimingLabel("test accuracy (fraction)"); // false
 */
export function isTimingLabel(label: string): boolean {
  const tokens = words(label);
  return !tokens.includes("theory") && tokens.some((token) => TIMING_WORDS.has(token));
}

/**
 * {@link isTimingLabel} of a column's name and unit.
 *
 * @example
 * isTimingColumn({ name: "training time", unit: "s per run" }); // true
 */
export function isTimingColumn(column: ReportColumn): boolean {
  return isTimingLabel(`${column.name} ${column.unit}`);
}

function plotView(plot: ReportPlot) {
  const xTiming = isTimingLabel(plot.xLabel);
  const yTiming = isTimingLabel(plot.yLabel);
  return {
    ...plot,
    series: plot.series.map((series) => ({
      name: series.name,
      points: series.points.map(([x, y]) => [xTiming ? TIMING : x, yTiming ? TIMING : y]),
    })),
  };
}

function tableView(table: BenchTable) {
  const timing = table.columns.map(isTimingColumn);
  const anyTiming = timing.some(Boolean);
  return {
    id: table.id,
    title: table.title,
    question: table.question,
    columns: table.columns,
    rows: table.rows.map((row) =>
      row.map((cell, index) => (timing[index] && typeof cell === "number" ? TIMING : cell)),
    ),
    // A finding and its details are computed from every column, timings included, so they are compared only
    // for tables without a timing column.
    finding: anyTiming ? TIMING : table.finding,
    details: anyTiming ? TIMING : table.details,
    plots: table.plots.map(plotView),
  };
}

/**
 * A report with every machine-dependent value replaced by `"<timing>"`: what two runs of one commit, seed and mode
 * must agree on, whether sharded or not, on any machines.
 *
 * Timing (replaced): `meta` except seed, mode and commit (date, machine, durations, shards); the numbers in timing
 * columns ({@link isTimingColumn}; a `null` or a text such as "not reached" in such a column is kept, as it says
 * whether something happened); the finding and details of a table that has a timing column (they quote timings);
 * plot coordinates on a timing axis; `rowShards` (which shard measured a row). Everything else is compared.
 *
 * @example
 * expect(nonTimingView(merged)).toEqual(nonTimingView(unsharded));
 */
export function nonTimingView(report: BenchReport) {
  return {
    meta: { seed: report.meta.seed, mode: report.meta.mode, gitCommit: report.meta.gitCommit },
    tables: report.tables.map(tableView),
  };
}
