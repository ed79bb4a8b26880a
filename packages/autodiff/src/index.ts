/**
 * `@descent/autodiff`: reverse-mode automatic differentiation (backpropagation) over
 * `@descent/tensor`. Ops on {@link Traced} values record how each value was computed; `valueAndGrad`
 * walks that graph backwards, applying each op's vector-Jacobian product.
 *
 * @packageDocumentation
 */

export { type CustomOpDefinition, customOp } from "./api/custom-op.js";
export type {
  Argnums,
  ArgumentsOf,
  GradientOf,
  GradientOptions,
  GradientsOf,
  InputOf,
  TracedOf,
  TracedTree,
  ValueAndGradients,
  ValueOf,
} from "./api/types.js";
export { grad, valueAndGrad } from "./api/value-and-grad.js";
export { type BackwardRule, isTraced, type Operand, stopGradient, Traced } from "./core/traced.js";
export { unbroadcast } from "./core/unbroadcast.js";
export { cast } from "./ops/cast.js";
export {
  add,
  clip,
  div,
  maximum,
  minimum,
  mul,
  pow,
  sub,
  where,
} from "./ops/elementwise-binary.js";
export {
  abs,
  cos,
  erf,
  exp,
  expm1,
  log,
  log1p,
  neg,
  reciprocal,
  relu,
  rsqrt,
  sigmoid,
  sin,
  softplus,
  sqrt,
  square,
  tanh,
} from "./ops/elementwise-unary.js";
export { dot, type MatmulOptions, matmul, outer } from "./ops/linalg.js";
export {
  argmax,
  argmin,
  equal,
  floor,
  greater,
  greaterEqual,
  isFinite,
  less,
  lessEqual,
  notEqual,
  round,
  sign,
} from "./ops/non-differentiable.js";
export { type Axis, logSumExp, max, mean, min, prod, sum } from "./ops/reductions.js";
export { broadcastTo, expandDims, flatten, permute, reshape, squeeze, transpose } from "./ops/shape-ops.js";
export { concat, gather, pad, slice, split, stack, tile, unstack } from "./ops/slicing.js";
export {
  cumsum,
  type NormOptions,
  norm,
  standardDeviation,
  type VarianceOptions,
  variance,
} from "./ops/statistics.js";
export {
  type CheckGradientOptions,
  checkGradient,
  type GradientCheck,
  type GradientCheckElement,
} from "./testing/check-gradient.js";
