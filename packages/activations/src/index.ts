/**
 * `@descent/activations`: activation functions with scalar and vectorized forms, documented and
 * selectable subgradients at kinks, numerically stable tails, autodiff integration through fast
 * fused kernels, and a registry by name.
 *
 * @packageDocumentation
 */

export { type ActivationKernels, defineActivation } from "./define.js";
export { applyActivation } from "./differentiable.js";
export {
  type CeluOptions,
  celu,
  type EluOptions,
  elu,
  SELU_ALPHA,
  SELU_SCALE,
  type SeluOptions,
  selu,
} from "./exponential.js";
export { type GeluOptions, gelu, mish, silu, swish } from "./gated.js";
export { erf, erfc } from "./math/erf.js";
export {
  type HardSigmoidOptions,
  type HardTanhKinkOptions,
  type HardTanhOptions,
  hardSigmoid,
  hardTanh,
  type LeakyReluOptions,
  leakyRelu,
  linear,
  type Relu6Options,
  type ReluOptions,
  relu,
  relu6,
} from "./piecewise-linear.js";
export {
  type ActivationByName,
  type ActivationName,
  type ActivationOptionsByName,
  activations,
  type ElementwiseActivationName,
  getActivation,
  isActivationName,
  type RegisteredActivation,
} from "./registry.js";
export { logSigmoid, type SoftplusOptions, sigmoid, softplus, softsign, tanh } from "./sigmoid-family.js";
export {
  type AxisActivation,
  logSoftmax,
  logSoftmaxActivation,
  type SoftmaxOptions,
  softmax,
  softmaxActivation,
} from "./softmax.js";
export type { ActivationConfig, ElementwiseActivation, FloatArray, NamedActivation } from "./types.js";
