import { toyDatasets } from "@descent/data";
import type {
  ActivationName,
  DatasetName,
  FeatureName,
  InitializerName,
  LossName,
  OptimizerName,
  RegularizerName,
  ScheduleName,
} from "./choices.js";

/** The whole set-up of the page: what the URL holds and what the worker trains. */
export interface AppState {
  readonly dataset: DatasetName;
  /** Noise in percent, 0–50 (the Playground's slider). */
  readonly noise: number;
  /** Share of the points used for training, in percent, 10–90. */
  readonly trainPercent: number;
  /** Seed of the data, the initial weights, the shuffling and dropout. */
  readonly seed: number;
  readonly features: readonly FeatureName[];
  /** Neurons per hidden layer, input side first. */
  readonly hiddenLayers: readonly number[];
  readonly activation: ActivationName;
  /** relu'(0), used when the activation is relu. */
  readonly reluSubgradient: number;
  readonly initializer: InitializerName;
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  readonly schedule: ScheduleName;
  /** Points per step: 1 is stochastic, the whole training set is batch gradient descent. */
  readonly batchSize: number;
  readonly regularizer: RegularizerName;
  /** λ of a penalty, or the dropout probability. */
  readonly regularizationRate: number;
  /** The classifier's loss (regression always trains on the squared loss: see {@link effectiveLoss}). */
  readonly loss: LossName;
  /** Optimizer steps per frame while playing (one of `SPEEDS`). */
  readonly speed: number;
  /** Draw the test points on the output picture too. */
  readonly showTestData: boolean;
  /** Show only the sign of the output: a crisp decision boundary. */
  readonly discretize: boolean;
}

/** The Playground's starting point: circle, x₁ and x₂, two hidden layers of 4 and 2 tanh neurons, SGD. */
export const DEFAULT_STATE: AppState = Object.freeze({
  dataset: "circle",
  noise: 0,
  trainPercent: 50,
  seed: 1,
  features: Object.freeze(["x1", "x2"]) as readonly FeatureName[],
  hiddenLayers: Object.freeze([4, 2]),
  activation: "tanh",
  reluSubgradient: 0,
  initializer: "glorotUniform",
  optimizer: "sgd",
  learningRate: 0.03,
  schedule: "constant",
  batchSize: 10,
  regularizer: "none",
  regularizationRate: 0,
  loss: "crossEntropy",
  speed: 50,
  showTestData: false,
  discretize: false,
});

/** The settings that define the data: changing one regenerates the points and starts training over. */
export const DATA_KEYS = [
  "dataset",
  "noise",
  "trainPercent",
  "seed",
] as const satisfies readonly (keyof AppState)[];

/** The settings that define the network: changing one builds a fresh network. */
export const NETWORK_KEYS = [
  "features",
  "hiddenLayers",
  "activation",
  "reluSubgradient",
  "initializer",
] as const satisfies readonly (keyof AppState)[];

/** How the output picture is drawn: these settings never reach the worker. */
export const VIEW_KEYS = ["showTestData", "discretize"] as const satisfies readonly (keyof AppState)[];

/** Whether a toy set is classified (labels 0/1) or regressed. */
export function taskOf(dataset: DatasetName): "classification" | "regression" {
  return toyDatasets[dataset].task;
}

/**
 * The loss a set-up trains on: the chosen one for classification; regression has no cross-entropy, so it
 * always uses the squared loss `½(y − ŷ)²` on a linear output (as the TensorFlow Playground).
 *
 * @example
 * effectiveLoss({ dataset: "regressionPlane", loss: "crossEntropy" }) // "squared"
 */
export function effectiveLoss(state: Pick<AppState, "dataset" | "loss">): LossName {
  return taskOf(state.dataset) === "regression" ? "squared" : state.loss;
}

/** Number of points a toy set has (the Playground's sizes: 500 to classify, 1200 to regress). */
export function pointCount(dataset: DatasetName): number {
  return dataset === "regressionPlane" || dataset === "multiGaussian" ? 1200 : 500;
}

/** Number of training points of a set-up. */
export function trainCount(state: Pick<AppState, "dataset" | "trainPercent">): number {
  // As splitDataset counts: the test part is rounded, the training part gets the rest.
  const count = pointCount(state.dataset);
  return count - Math.round(count * (1 - state.trainPercent / 100));
}
