/**
 * `@descent/regularizers`: penalties added to the loss (L1, L2, elastic net), the same penalties
 * as gradient transformations (coupled L2, proximal L1), and weight
 * constraints applied after each step (max-norm, unit-norm, min-max-norm, non-negativity).
 *
 * Depends on `@descent/spec` and `@descent/tensor` only: the transformations fit any optimizer
 * chain built on the spec's `GradientTransformation`, without importing an optimizers package.
 *
 * @packageDocumentation
 */

export { maxNorm, minMaxNorm, type NormConstraintOptions, nonNeg, unitNorm } from "./constraints.js";
export {
  createElementwiseRegularizer,
  type ElementwiseKernels,
  type ElementwiseRegularizer,
} from "./elementwise.js";
export {
  type ElasticNetOptions,
  elasticNet,
  type L1Options,
  type L2Convention,
  type L2Options,
  l1,
  l2,
} from "./penalties.js";
export { allParameters, isWeightParameter, type SelectionOptions } from "./selection.js";
export {
  asTransform,
  type EmptyState,
  type ProximalL1Options,
  proximalL1,
  type StepState,
  softThreshold,
} from "./transforms.js";
