export type { Padding } from "@descent/tensor";
export { type ActivationLike, activation } from "./activation.js";
export {
  type Conv2dOptions,
  type Conv2dParams,
  conv2d,
  type Size2d,
} from "./convolution.js";
export type {
  ActivationFactory,
  CustomActivation,
  CustomObjects,
  CustomRegistry,
  FromConfigOptions,
  LayerFactory,
} from "./custom-objects.js";
export { type DenseOptions, type DenseParams, type DenseWeights, dense } from "./dense.js";
export type { Fusion } from "./fusion.js";
export { type BatchNormOptions, batchNorm, layerNorm, type NormalizationParams } from "./normalization.js";
export {
  type AvgPool2dOptions,
  avgPool2d,
  globalAveragePool2d,
  type MaxPool2dOptions,
  maxPool2d,
} from "./pooling.js";
export { layerFromConfig, modelFromConfig } from "./registry.js";
export { type Model, sequential } from "./sequential.js";
export { dropout, flatten, softmax } from "./simple.js";
export type { ApplyOptions, Layer, LayerConfig, Params } from "./types.js";
