export type { TrainingData } from "./batches.js";
export {
  type CheckpointOptions,
  checkpoint,
  type EarlyStoppingOptions,
  earlyStopping,
  learningRateScheduler,
  type MonitorMode,
  type ReduceOnPlateauOptions,
  reduceOnPlateau,
} from "./callbacks.js";
export { parseTrainingCheckpoint } from "./checkpoint-schema.js";
export { type EvaluateOptions, evaluate, type PredictOptions, predict } from "./evaluate.js";
export { fit } from "./fit.js";
export { type FitAsyncOptions, type FitProgress, fitAsync, TrainingAbortedError } from "./fit-async.js";
export type { LossFunction, LossName } from "./loss-registry.js";
export { NonFiniteError, type NonFiniteReport } from "./non-finite.js";
export type {
  Callback,
  EpochLogs,
  FitOptions,
  FitResult,
  History,
  TrainingCheckpoint,
  TrainingContext,
} from "./types.js";
