import type { AppState } from "../state/app-state.js";
import type { LossName, OptimizerName, RegularizerName, ScheduleName } from "../state/choices.js";

/** What the page asks the training worker to do. */
export type Command =
  /** Build everything from a state: data, network, optimizer. Training is paused. */
  | { readonly type: "configure"; readonly state: AppState }
  | { readonly type: "play" }
  | { readonly type: "pause" }
  /** One optimizer step on one batch. */
  | { readonly type: "step" }
  /** Fresh weights and optimizer state, same data; epoch 0. */
  | { readonly type: "reset" }
  /** One step shown in phases: forward values, gradients layer by layer, then the update. */
  | { readonly type: "slowStep" }
  | { readonly type: "setOptimizer"; readonly optimizer: OptimizerName }
  | { readonly type: "setLearningRate"; readonly learningRate: number }
  | { readonly type: "setSchedule"; readonly schedule: ScheduleName }
  | { readonly type: "setBatchSize"; readonly batchSize: number }
  | {
      readonly type: "setRegularizer";
      readonly regularizer: RegularizerName;
      readonly regularizationRate: number;
    }
  /** The classifier's loss from the next step on: the weights stay, the loss history starts over. */
  | { readonly type: "setLoss"; readonly loss: LossName }
  /** Optimizer steps per frame while playing. */
  | { readonly type: "setSpeed"; readonly speed: number }
  /**
   * One weight, edited by hand: dense layer `layer` (0 = the first hidden layer, input side first), from
   * neuron `from` of the previous column to neuron `to`. The next snapshot shows it (as float32).
   */
  | {
      readonly type: "setWeight";
      readonly layer: number;
      readonly from: number;
      readonly to: number;
      readonly value: number;
    }
  /** One bias, edited by hand: neuron `unit` of dense layer `layer`. */
  | { readonly type: "setBias"; readonly layer: number; readonly unit: number; readonly value: number }
  /** New points (dataset, noise, split, seed): the network starts over. */
  | { readonly type: "setDataset"; readonly state: AppState }
  /** New architecture (features, layers, activation, initializer): the network starts over. */
  | { readonly type: "setNetwork"; readonly state: AppState };

/** What the worker tells the page. */
export type WorkerMessage =
  | { readonly type: "points"; readonly points: PointsView }
  | { readonly type: "snapshot"; readonly snapshot: Snapshot }
  | { readonly type: "error"; readonly message: string; readonly detail?: string };

export type Task = "classification" | "regression";

/** The square of the plane that the heat maps cover. */
export interface Domain {
  readonly min: number;
  readonly max: number;
}

/** Points of the data set, for drawing: `inputs` are (x₁, x₂) pairs, `targets` labels 0/1 or values. */
export interface PointsView {
  readonly version: number;
  readonly task: Task;
  readonly domain: Domain;
  readonly train: { readonly inputs: Float32Array; readonly targets: Float32Array };
  readonly test: { readonly inputs: Float32Array; readonly targets: Float32Array };
}

/** One column of the network picture: the features, a hidden layer, or the output. */
export interface ColumnView {
  readonly name: string;
  readonly labels: readonly string[];
  /** Per neuron, its output over the grid (`gridSize²` values, top row first). */
  readonly grids: readonly Float32Array[];
  /** Weights from the previous column, `[previous neurons, neurons]` row-major; null for the features. */
  readonly weights: Float32Array | null;
  readonly bias: Float32Array | null;
}

/** Norms of one dense layer's parameter gradients (or updates). */
export interface LayerNorms {
  readonly layer: string;
  readonly weights: number;
  readonly bias: number;
}

/** The phases of a slow step, as far as they have been revealed. */
export interface SlowStepView {
  readonly phase: "forward" | "backward" | "update";
  readonly batchSize: number;
  /** Batch loss the gradients come from (penalty included). */
  readonly batchLoss: number;
  /** Per column (features, hidden layers, output): each neuron's mean value over the batch. */
  readonly forwardValues: readonly (readonly number[])[];
  /** Per dense layer, input side first. */
  readonly gradientNorms: readonly LayerNorms[];
  /** How many dense layers, counted from the output, have received their gradient so far. */
  readonly revealedLayers: number;
  readonly updateNorms: readonly LayerNorms[] | null;
  /** Batch loss after the update (inference mode). */
  readonly lossAfter: number | null;
}

/** Everything the page draws, as of one moment of training. */
export interface Snapshot {
  readonly version: number;
  readonly task: Task;
  readonly running: boolean;
  readonly step: number;
  /** Frames played since the network was built or reset: each does `speed` steps (step and slow step add none). */
  readonly frame: number;
  /** Optimizer steps per frame while playing. */
  readonly speed: number;
  /** The loss trained on and shown: cross-entropy or the squared loss `½(y − ŷ)²` (always, for regression). */
  readonly loss: LossName;
  readonly epoch: number;
  readonly trainLoss: number;
  readonly testLoss: number;
  /**
   * The network's prediction ŷ for each training and test point, in the order of the `points` message:
   * P(class 1) for cross-entropy, tanh of the output for the squared loss on classes (±1), the value for
   * regression. `trainLoss` and `testLoss` are the mean loss of these.
   */
  readonly predictions: { readonly train: Float64Array; readonly test: Float64Array };
  /** The learning rate in force (the chosen rate times the schedule's factor). */
  readonly learningRate: number;
  readonly optimizer: OptimizerName;
  readonly history: {
    readonly epochs: readonly number[];
    readonly train: readonly number[];
    readonly test: readonly number[];
  };
  readonly gridSize: number;
  readonly domain: Domain;
  /** The decision boundary (P(class 1) scaled to [−1, 1]) or the regression surface, over the grid. */
  readonly output: Float32Array;
  readonly columns: readonly ColumnView[];
  /** Gradient norms of the last step, per dense layer. */
  readonly gradientNorms: readonly LayerNorms[] | null;
  /**
   * Per dense layer (input side first), per neuron: `√(Σᵢ (∂L/∂wᵢ)² + (∂L/∂b)²)` of its incoming weights and
   * bias, for the data loss over the whole training set (inference mode). 0 means the neuron is dead: it
   * receives no gradient from any training point (a relu that is negative everywhere).
   */
  readonly unitGradientNorms: readonly Float64Array[];
  readonly slow: SlowStepView | null;
}
