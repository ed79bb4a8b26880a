import type {
  ActivationName,
  DatasetName,
  FeatureName,
  InitializerName,
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
