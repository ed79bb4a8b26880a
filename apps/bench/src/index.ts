/**
 * descent-bench as a library: the runner, the experiment registry, the report schema, and sharding (run a shard, merge shards).
 *
 * @packageDocumentation
 */

export type {
  CombinedResult,
  Experiment,
  ExperimentContext,
  ExperimentResult,
  ExperimentUnits,
  Finding,
  Mode,
  WorkUnit,
} from "./experiment.js";
export { experimentIds, experiments } from "./experiments/registry.js";
export { isTimingColumn, isTimingLabel, nonTimingView, TIMING } from "./report/non-timing.js";
export {
  type BenchMeta,
  type BenchReport,
  type BenchTable,
  MAX_FINDING_SENTENCES,
  type MachineInfo,
  reportSchema,
  type ShardProvenance,
  validateReport,
} from "./report/schema.js";
export { countSentences } from "./report/sentences.js";
export { type RunOptions, runBenchmarks, writeReport } from "./runner.js";
export {
  type LoadedPartial,
  type MergeRefusal,
  mergePartials,
  mergeShardDirectories,
  readPartial,
  ShardMergeError,
} from "./shard/merge.js";
export {
  PARTIAL_FILE,
  PARTIAL_SCHEMA_VERSION,
  type PartialReport,
  partialReportSchema,
} from "./shard/partial-report.js";
export { parseShardId, runShard, type ShardId, type ShardRunOptions } from "./shard/run-shard.js";
export { assignShards, type PlannedUnit, planUnits, runAllUnits } from "./shard/units.js";
