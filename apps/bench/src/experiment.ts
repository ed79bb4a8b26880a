import type { ReportColumn, ReportPlot, ReportTable } from "@descent/spec";
import { runAllUnits } from "./shard/units.js";

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

/**
 * One table of the report: an id, the question it answers, its settings per mode, and `run`.
 *
 * For `descent-bench --shard i/N` an experiment is either one work unit whose declared `cost` (per mode) is
 * its whole run, or it lists finer `units` (grid points, seeds, repetitions) that shards run separately.
 *
 * @example
 * defineExperiment({ id: "demo", title: "Demo", question: "Does it run?", settings: { tiny: 1, quick: 2, full: 3 },
 *   cost: { tiny: 1, quick: 10, full: 60 }, async run(size) { return table(size); } });
 */
export interface Experiment<Settings = unknown> {
  readonly id: string;
  readonly title: string;
  readonly question: string;
  readonly settings: { readonly [mode in Mode]: Settings };
  /** Estimated seconds of the whole run per mode on 2 cores; shards are balanced by it (ignored when `units` is set). */
  readonly cost: { readonly [mode in Mode]: number };
  /** Finer work units, when the experiment is a grid; then `run` is `runAllUnits(units, …)` (`defineExperiment` sets it). */
  readonly units?: ExperimentUnits<Settings>;
  run(settings: Settings, context: ExperimentContext): Promise<ExperimentResult>;
}

/** A piece of an experiment that runs on its own (one grid point, seed or repetition) and its declared cost. */
export interface WorkUnit {
  /** Unique within its experiment, the same in every run of one commit and mode. */
  readonly id: string;
  /** Estimated seconds on 2 cores; only its ratio to other units' costs matters. */
  readonly cost: number;
}

/** What a split experiment's `combine` returns: its table, and for each row the unit that measured it. */
export interface CombinedResult extends ExperimentResult {
  /** `rowUnits[i]` is the id of the unit that row `i` comes from (a row never mixes units' timings). */
  readonly rowUnits: readonly string[];
}

/**
 * How an experiment splits into work units: list them, run one (its part is plain JSON data: numbers, strings,
 * booleans, null, arrays and plain objects), and combine every part into the table.
 *
 * @example
 * const units: ExperimentUnits<{ seeds: number }, { loss: number }> = {
 *   list: (settings) => Array.from({ length: settings.seeds }, (_, seed) => ({ id: `seed-${seed}`, cost: 1 })),
 *   async run(settings, unitId, context) { return { loss: train(context.seed + Number(unitId.slice(5))) }; },
 *   combine(settings, parts) { return tableOf(parts); },
 * };
 */
export interface ExperimentUnits<Settings, Part = unknown> {
  list(settings: Settings): readonly WorkUnit[];
  run(settings: Settings, unitId: string, context: ExperimentContext): Promise<Part>;
  /** `parts` holds every listed unit's part, keyed by unit id, in `list` order. */
  combine(settings: Settings, parts: ReadonlyMap<string, Part>, context: ExperimentContext): CombinedResult;
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

/**
 * What {@link defineExperiment} takes: an experiment that runs whole (its own `run`), or one split into `units`,
 * whose `run` is always `runAllUnits(units, …)` and so is not written out.
 */
export type ExperimentDefinition<Settings> =
  | (Omit<Experiment<Settings>, "units"> & { readonly units?: undefined })
  | (Omit<Experiment<Settings>, "units" | "run"> & { readonly units: ExperimentUnits<Settings> });

/** Declares an experiment with its settings type inferred; a split one gets `run = runAllUnits(units, …)`. */
export function defineExperiment<Settings>(experiment: ExperimentDefinition<Settings>): Experiment<Settings> {
  const { units } = experiment;
  if (units === undefined) return experiment as Experiment<Settings>;
  return { ...experiment, units, run: (settings, context) => runAllUnits(units, settings, context) };
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
