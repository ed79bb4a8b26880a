import type { ReportPlot } from "@descent/spec";

/** One row of the misconceptions table: a claim of the first article and the evidence measured in this run. */
export interface ClaimResult {
  readonly claim: string;
  /** The article's words (quoted or closely paraphrased). */
  readonly articleSays: string;
  readonly setup: string;
  readonly measurement: string;
  /** Computed from the measurement: "holds: …", "does not hold: …", "holds in part: …". */
  readonly verdict: string;
  /** A short clause for the table's finding (what was measured, with its numbers). */
  readonly headline: string;
  readonly plots?: readonly ReportPlot[];
}

/** Formats a number for prose: `digits` significant digits, exponent notation when tiny or huge. */
export function formatValue(value: number, digits = 3): string {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e5) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

/** A fraction as a percentage with one decimal: `0.9512 → "95.1 %"`. */
export function formatPercent(fraction: number): string {
  return `${(100 * fraction).toFixed(1)} %`;
}
