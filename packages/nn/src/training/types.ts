import type { Constraint, GradientTransformation, Metric, ParamTree, Regularizer } from "@descent/spec";
import type { Model } from "../layers/sequential.js";
import type { MetricName } from "../metrics/registry.js";
import type { TrainingData } from "./batches.js";
import type { LossFunction, LossName } from "./loss-registry.js";

/** The numbers logged at the end of an epoch: `loss`, `validationLoss`, `validationAccuracy`, …. */
export interface EpochLogs {
  /** 0-based epoch index. */
  readonly epoch: number;
  /** Mean training loss over the epoch's batches (penalty included), weighted by batch size. */
  readonly loss: number;
  readonly [name: string]: number;
}

/** What happened during training. Deterministic for a given seed. */
export interface History {
  /** One entry per finished epoch. */
  readonly epochs: EpochLogs[];
  /**
   * Per optimizer step: the training loss of the batch (penalty included), `steps.loss[k]` for step `k`;
   * with `stepMetrics`, each metric on the batch's outputs too (NaN where a metric is undefined for a batch).
   */
  readonly steps: { readonly loss: number[]; readonly [metric: string]: number[] };
  /** Why training ended. */
  stopReason: "completed" | "earlyStopping" | "stopped";
}

/** Everything needed to continue training bit-identically from the end of a step. */
export interface TrainingCheckpoint {
  /** Optimizer steps done. */
  readonly step: number;
  /** Epoch in progress (0-based) and batches of it already done. */
  readonly epoch: number;
  /** Batches of that epoch already done. */
  readonly batchInEpoch: number;
  /** The `seed` the run started with. */
  readonly seed: number;
  /** RNG states: the shuffler at the start of the current epoch, the layers' generator (dropout) now. */
  readonly shuffleRandomState: readonly number[];
  /** State of the layers' generator (dropout) at the end of the step. */
  readonly layerRandomState: readonly number[];
  /** The optimizer's state (plain data, as its `init` built it and `update` advanced it). */
  readonly optimizerState: unknown;
  /** The learning-rate multiplier in force (see {@link TrainingContext.learningRateScale}). */
  readonly learningRateScale: number;
  /** Partial sums of the current epoch's loss. */
  readonly epochLossSum: number;
  /** Samples seen so far in the current epoch (the weight of `epochLossSum`). */
  readonly epochSampleCount: number;
  /** The history up to the checkpoint. */
  readonly history: History;
  /** Saved state of callbacks that have one, by callback name. */
  readonly callbacks: Readonly<Record<string, unknown>>;
}

/** The live state of a `fit` run, as callbacks see it. Callbacks may change the writable fields. */
export interface TrainingContext {
  /** The model being trained. */
  readonly model: Model;
  /** Epochs the run will do at most (`options.epochs`). */
  readonly epochs: number;
  /** Optimizer steps in each epoch (batches per pass over the data). */
  readonly stepsPerEpoch: number;
  /** Number of training samples. */
  readonly sampleCount: number;
  /** Samples per step (the last batch of an epoch may be smaller). */
  readonly batchSize: number;
  /** Whether `validationData` was given (the logs then hold `validationLoss`, …). */
  readonly hasValidation: boolean;
  /** Epoch in progress (0-based), optimizer steps done, batches done in this epoch. */
  readonly epoch: number;
  /** Optimizer steps done. */
  readonly step: number;
  /** Batches done in the current epoch. */
  readonly batchInEpoch: number;
  /** Loss of the latest batch. */
  readonly lastLoss: number;
  /** What happened so far; the current epoch's logs are added when it ends. */
  readonly history: History;
  /** Current parameters (replace to restore other weights, e.g. early stopping; the names must stay the same). */
  params: ParamTree;
  /** Current non-trainable state (batch-norm running statistics). */
  state: ParamTree;
  /** The optimizer's current state (replace it together with `params` to restore a snapshot). */
  optimizerState: unknown;
  /**
   * Multiplies every update: with optimizers whose chain ends in a learning-rate scale (all built-in
   * ones), setting it to `s` trains exactly as with learning rate `s·η`. Schedules and plateaus set it.
   */
  learningRateScale: number;
  /** Set to stop after the current step. */
  stopTraining: boolean;
  /** The full state to save for a bit-identical resume (see {@link TrainingCheckpoint}). */
  checkpoint(): TrainingCheckpoint;
}

/** Hooks into the training loop. Every hook is optional. */
export interface Callback {
  /** Identifies the callback's saved state in checkpoints. */
  readonly name: string;
  /** Called once before the first step of the run (of a resumed run too). */
  onTrainBegin?(context: TrainingContext): void;
  /** Called at the start of every epoch, before its first batch. */
  onEpochBegin?(context: TrainingContext): void;
  /**
   * Called after every optimizer step (the parameters already updated); set `context.stopTraining` to stop
   * here.
   */
  onStepEnd?(context: TrainingContext): void;
  /** Called at the end of every epoch with its logs (validation numbers included). */
  onEpochEnd?(context: TrainingContext, logs: EpochLogs): void;
  /** Called once when training ends without an error or an abort (`history.stopReason` says why). */
  onTrainEnd?(context: TrainingContext): void;
  /** Plain-data state to save in checkpoints, and to restore on resume. */
  getState?(): unknown;
  /** Restores what {@link Callback.getState} returned, when training resumes from a checkpoint. */
  setState?(state: unknown): void;
}

/** Options of `fit`. */
export interface FitOptions {
  /** Any gradient transformation (`sgd`, `adam`, a `chain`, …). */
  readonly optimizer: GradientTransformation<unknown>;
  /** A loss function `(predictions, targets) → scalar`, or the name of a built-in loss. */
  readonly loss: LossFunction | LossName;
  /** Passes over the data. Default 1. */
  readonly epochs?: number;
  /**
   * Gradient-descent variant: `"batch"` (one step per epoch on all N samples), `"stochastic"` (one sample
   * per step), `"mini-batch"` (default: `batchSize` samples per step).
   */
  readonly mode?: "batch" | "stochastic" | "mini-batch";
  /** Samples per step in `"mini-batch"` mode. Default 32. The last batch of an epoch may be smaller. */
  readonly batchSize?: number;
  /** Reshuffle the samples every epoch. Default true. */
  readonly shuffle?: boolean;
  /** Seeds shuffling and dropout. Default 0. Same seed and inputs ⇒ bit-identical parameters. */
  readonly seed?: number;
  /** Evaluated at the end of every epoch: `validationLoss` and `validation<Metric>` in the logs. */
  readonly validationData?: TrainingData;
  /** Metrics reported on the validation data (and, with `trainingMetrics`, on the training data). */
  readonly metrics?: readonly (MetricName | Metric)[];
  /**
   * Record the metrics on every training batch's outputs (training mode, before the update) in
   * `history.steps`. Cheap for accuracy-like metrics. Default false.
   */
  readonly stepMetrics?: boolean;
  /** Also evaluate the metrics on the whole training set (inference mode) at the end of every epoch. Default false. */
  readonly trainingMetrics?: boolean;
  /** Added to the loss (penalty) and its gradient (∂R/∂θ). */
  readonly regularizers?: readonly Regularizer[];
  /** Applied to the parameters after every step (max-norm, non-negativity, …). */
  readonly constraints?: readonly Constraint[];
  /**
   * Hooks run at the start and end of training, epochs and steps (early stopping, schedules, checkpoints,
   * logging).
   */
  readonly callbacks?: readonly Callback[];
  /** Initial non-trainable state. Default `model.initState()` (in the parameters' dtype). */
  readonly state?: ParamTree;
  /** Continue from a checkpoint (pass the checkpoint's params as `params` and its state as `state`). */
  readonly resume?: TrainingCheckpoint;
  /**
   * Stop with a `NonFiniteError` as soon as the loss or a gradient is NaN or infinite (naming the step,
   * the layer and what to try), before the bad update is applied. Default true.
   */
  readonly nonFiniteGuard?: boolean;
  /** Samples per forward pass when evaluating. Default 1024. */
  readonly evaluationBatchSize?: number;
}

/** What `fit` returns. */
export interface FitResult {
  /** The trained parameters. */
  readonly params: ParamTree;
  /**
   * The final non-trainable state (batch-norm running statistics); pass it to `model.apply` for inference.
   */
  readonly state: ParamTree;
  /** The optimizer's final state, to continue training with the same optimizer. */
  readonly optimizerState: unknown;
  /** Losses and metrics per epoch and per step, and why training ended. */
  readonly history: History;
  /** Optimizer steps done in total (including steps before a resume). */
  readonly step: number;
}
