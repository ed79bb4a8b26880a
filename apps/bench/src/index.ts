/**
 * descent-bench as a library: the runner, the experiment registry and the report schema.
 *
 * @packageDocumentation
 */

export type { Experiment, ExperimentContext, ExperimentResult, Mode } from "./experiment.js";
export { experimentIds, experiments } from "./experiments/registry.js";
export { reportSchema, validateReport } from "./report/schema.js";
export { type RunOptions, runBenchmarks, writeReport } from "./runner.js";
