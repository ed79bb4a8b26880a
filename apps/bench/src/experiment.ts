import type { ReportColumn, ReportPlot, ReportTable } from "@descent/spec";

/** How much work an experiment does: `tiny` for tests (seconds), `quick` for `pnpm bench`, `full` for `--full`. */
export type Mode = "tiny" | "quick" | "full";

/** What the runner hands an experiment. An experiment never prints and never formats output. */
export interface ExperimentContext {
  readonly mode: Mode;
  /** The run's seed; experiments derive every random stream from it. */
  readonly seed: number;
  /** Reports progress in [0, 1] with an optional short label (the runner draws the bar). */
  progress(fraction: number, label?: string): void;
  /** Where Fashion-MNIST's IDX files are, when installed (full mode uses it). */
  readonly fashionMnistDirectory: string;
}

/** One table of the report: an id, the question it answers, its settings per mode, and `run`. */
export interface Experiment<Settings = unknown> {
  readonly id: string;
  readonly title: string;
  readonly question: string;
  readonly settings: { readonly [mode in Mode]: Settings };
  run(settings: Settings, context: ExperimentContext): Promise<ExperimentResult>;
}

/** An experiment's conclusion, computed from its measurements: a short answer, then what backs it. */
export interface Finding {
  /** The answer in at most three sentences (the report's schema counts them). */
  readonly finding: string;
  /** The measurements behind it, one sentence or short paragraph each, shown below the answer. */
  readonly details: readonly string[];
}

/** What an experiment returns: the table's body (the runner adds id, title and question). */
export interface ExperimentResult extends Finding {
  readonly columns: readonly ReportColumn[];
  readonly rows: ReportTable["rows"];
  readonly plots: readonly ReportPlot[];
}

/** Declares an experiment with its settings type inferred. */
export function defineExperiment<Settings>(experiment: Experiment<Settings>): Experiment<Settings> {
  return experiment;
}

/**
 * Builds a finding from its headline sentences (at most three) and its detail sentences.
 *
 * @example
 * findingOf([`SGD reached the target first.`], [`Adam took ${epochs} epochs.`]);
 */
export function findingOf(headline: readonly string[], details: readonly string[] = []): Finding {
  return { finding: headline.join(" "), details };
}

/** A column helper: `column("time per epoch", "s")`. */
export function column(name: string, unit = ""): ReportColumn {
  return { name, unit };
}
