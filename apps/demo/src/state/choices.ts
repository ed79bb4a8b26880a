import { activations } from "@descent/activations";
import { toyDatasets } from "@descent/data";

/** Every toy 2-D set of `@descent/data`, by id. */
export const DATASET_NAMES = Object.keys(toyDatasets) as DatasetName[];
export type DatasetName = keyof typeof toyDatasets;

/** The input features a network can see, computed from the point (x₁, x₂). */
export const FEATURES = {
  x1: { label: "x₁", compute: (x1: number, _x2: number) => x1 },
  x2: { label: "x₂", compute: (_x1: number, x2: number) => x2 },
  x1Squared: { label: "x₁²", compute: (x1: number, _x2: number) => x1 * x1 },
  x2Squared: { label: "x₂²", compute: (_x1: number, x2: number) => x2 * x2 },
  x1x2: { label: "x₁x₂", compute: (x1: number, x2: number) => x1 * x2 },
  sinX1: { label: "sin x₁", compute: (x1: number, _x2: number) => Math.sin(x1) },
  sinX2: { label: "sin x₂", compute: (_x1: number, x2: number) => Math.sin(x2) },
} as const;
export type FeatureName = keyof typeof FEATURES;
export const FEATURE_NAMES = Object.keys(FEATURES) as FeatureName[];

/** Every activation of `@descent/activations` (softmax and logSoftmax act across a layer's neurons). */
export type ActivationName = keyof typeof activations;
export const ACTIVATION_NAMES = Object.keys(activations) as ActivationName[];

/** relu'(0): any element of the subdifferential [0, 1]; these three are the ones worth comparing. */
export const RELU_SUBGRADIENTS = [0, 0.5, 1] as const;

/** Every optimizer alias of `@descent/optimizers`. */
export const OPTIMIZER_NAMES = [
  "sgd",
  "momentum",
  "nesterov",
  "adagrad",
  "rmsprop",
  "adadelta",
  "adam",
  "adamw",
  "adamax",
  "amsgrad",
  "nadam",
  "radam",
  "lion",
] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Weight initializers of `@descent/nn` offered for the dense layers (biases start at zero). */
export const INITIALIZER_NAMES = [
  "glorotUniform",
  "glorotNormal",
  "heUniform",
  "heNormal",
  "lecunUniform",
  "lecunNormal",
  "orthogonal",
  "truncatedNormal",
  "normal",
  "uniform",
  "zeros",
] as const;
export type InitializerName = (typeof INITIALIZER_NAMES)[number];

/** The Playground's learning rates. */
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;

/** Learning-rate schedules, as a factor of the chosen rate over epochs. */
export const SCHEDULES = {
  constant: "constant",
  exponential: "×½ every 100 epochs",
  step: "÷10 at epochs 200, 400",
  cosine: "cosine, 500 epochs",
  warmupCosine: "warm-up 20 + cosine",
  oneCycle: "one cycle, 500 epochs",
} as const;
export type ScheduleName = keyof typeof SCHEDULES;
export const SCHEDULE_NAMES = Object.keys(SCHEDULES) as ScheduleName[];

/** Regularization: a penalty added to the loss, or dropout after each hidden layer. */
export const REGULARIZERS = {
  none: "none",
  l1: "L1",
  l2: "L2",
  elasticNet: "elastic net",
  dropout: "dropout",
} as const;
export type RegularizerName = keyof typeof REGULARIZERS;
export const REGULARIZER_NAMES = Object.keys(REGULARIZERS) as RegularizerName[];

/** Penalty strengths λ (L1, L2, elastic net: λ₁ = λ₂ = λ). */
export const PENALTY_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
/** Dropout probabilities (must stay below 1). */
export const DROPOUT_RATES = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;

/** The rates a regularizer accepts. */
export function ratesFor(regularizer: RegularizerName): readonly number[] {
  return regularizer === "dropout" ? DROPOUT_RATES : PENALTY_RATES;
}

/**
 * The loss a classifier trains on: binary cross-entropy on a sigmoid output (labels 0/1), or the
 * TensorFlow Playground's squared loss `½(t − ŷ)²` on a tanh output (labels t = ±1). Regression always
 * uses the squared loss, on a linear output (see {@link effectiveLoss}).
 */
export const LOSSES = {
  crossEntropy: "cross-entropy",
  squared: "squared ½(y−ŷ)²",
} as const;
export type LossName = keyof typeof LOSSES;
export const LOSS_NAMES = Object.keys(LOSSES) as LossName[];

/** Training speed while playing: optimizer steps per frame (a frame is 1/60 s of the worker's clock). */
export const SPEEDS = [1, 2, 5, 10, 25, 50, 100] as const;

/** Limits of the network editor. */
export const MAX_HIDDEN_LAYERS = 6;
export const MAX_NEURONS = 8;
