/**
 * descent-bench as a library: the runner, the experiment registry and the report schema.
 *
 * @packageDocumentation
 */

export type { Experiment, ExperimentContext, ExperimentResult, Finding, Mode } from "./experiment.js";
export { experimentIds, experiments } from "./experiments/registry.js";
export {
  type BenchReport,
  type BenchTable,
  MAX_FINDING_SENTENCES,
  reportSchema,
  validateReport,
} from "./report/schema.js";
export { countSentences } from "./report/sentences.js";
export { type RunOptions, runBenchmarks, writeReport } from "./runner.js";
