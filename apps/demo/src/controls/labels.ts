import { toyDatasets } from "@descent/data";
import {
  ACTIVATION_NAMES,
  type ActivationName,
  DATASET_NAMES,
  type DatasetName,
  INITIALIZER_NAMES,
  type InitializerName,
  LEARNING_RATES,
  LOSS_NAMES,
  LOSSES,
  type LossName,
  OPTIMIZER_NAMES,
  type OptimizerName,
  REGULARIZER_NAMES,
  REGULARIZERS,
  RELU_SUBGRADIENTS,
  type RegularizerName,
  ratesFor,
  SCHEDULE_NAMES,
  SCHEDULES,
  type ScheduleName,
  SPEEDS,
} from "../state/choices.js";
import type { Choice } from "./elements.js";

const OPTIMIZER_TEXT: Record<OptimizerName, string> = {
  sgd: "SGD",
  momentum: "Momentum",
  nesterov: "Nesterov",
  adagrad: "Adagrad",
  rmsprop: "RMSprop",
  adadelta: "Adadelta",
  adam: "Adam",
  adamw: "AdamW",
  adamax: "Adamax",
  amsgrad: "AMSGrad",
  nadam: "Nadam",
  radam: "RAdam",
  lion: "Lion",
};

const INITIALIZER_TEXT: Record<InitializerName, string> = {
  glorotUniform: "Glorot uniform",
  glorotNormal: "Glorot normal",
  heUniform: "He uniform",
  heNormal: "He normal",
  lecunUniform: "LeCun uniform",
  lecunNormal: "LeCun normal",
  orthogonal: "Orthogonal",
  truncatedNormal: "Truncated normal (σ 0.5)",
  normal: "Normal (σ 0.5)",
  uniform: "Uniform (±0.5)",
  zeros: "Zeros",
};

export const datasetChoices: readonly Choice<DatasetName>[] = DATASET_NAMES.map((value) => ({
  value,
  text: toyDatasets[value].title.replace(/ \(regression\)$/, ""),
  group: toyDatasets[value].task === "classification" ? "Classification" : "Regression",
}));

export const activationChoices: readonly Choice<ActivationName>[] = ACTIVATION_NAMES.map((value) => ({
  value,
  text: value,
}));

export const optimizerChoices: readonly Choice<OptimizerName>[] = OPTIMIZER_NAMES.map((value) => ({
  value,
  text: OPTIMIZER_TEXT[value],
}));

export const initializerChoices: readonly Choice<InitializerName>[] = INITIALIZER_NAMES.map((value) => ({
  value,
  text: INITIALIZER_TEXT[value],
}));

export const learningRateChoices: readonly Choice<number>[] = LEARNING_RATES.map((value) => ({
  value,
  text: String(value),
}));

export const scheduleChoices: readonly Choice<ScheduleName>[] = SCHEDULE_NAMES.map((value) => ({
  value,
  text: SCHEDULES[value],
}));

export const regularizerChoices: readonly Choice<RegularizerName>[] = REGULARIZER_NAMES.map((value) => ({
  value,
  text: REGULARIZERS[value],
}));

export const reluSubgradientChoices: readonly Choice<number>[] = RELU_SUBGRADIENTS.map((value) => ({
  value,
  text: String(value),
}));

export const lossChoices: readonly Choice<LossName>[] = LOSS_NAMES.map((value) => ({
  value,
  text: LOSSES[value],
}));

export const speedChoices: readonly Choice<number>[] = SPEEDS.map((value) => ({
  value,
  text: `${value} step${value === 1 ? "" : "s"} / frame`,
}));

export function rateChoices(regularizer: RegularizerName): Choice<number>[] {
  return ratesFor(regularizer).map((value) => ({ value, text: String(value) }));
}
