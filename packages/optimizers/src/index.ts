/**
 * `@descent/optimizers`: gradient descent as composable gradient transformations (optax style) —
 * `sgd`, `momentum`, `adam`, `adamw`, … built by `chain`ing small transforms, learning-rate schedules,
 * clipping and masking, JSON-exact state, and `minimize` with L-BFGS, CMA-ES and Nelder–Mead.
 *
 * @packageDocumentation
 */

export type {
  GradientTransformation,
  Mask,
  ParamTree,
  ScalarOrSchedule,
  Schedule,
  TreePath,
  UpdateResult,
} from "@descent/spec";
/** A path as a dotted name for messages: `["layer1", "bias"]` → `"layer1.bias"` (`@descent/tensor`'s `formatPath`). */
export { formatPath as pathName } from "@descent/tensor";
export {
  type AdamaxState,
  type AdamOptions,
  type AdamState,
  type AdamwState,
  adam,
  adamax,
  adamw,
  amsgrad,
  type LionState,
  lion,
  type NadamState,
  nadam,
  type RadamState,
  radam,
} from "./aliases/adam-family.js";
export {
  type AdadeltaState,
  type AdagradOptions,
  type AdagradState,
  adadelta,
  adagrad,
  type RmspropOptions,
  type RmspropState,
  rmsprop,
} from "./aliases/adaptive.js";
export { momentum, nesterov, type SgdOptions, type SgdState, sgd } from "./aliases/sgd.js";
export { type AccumulateGradientsState, accumulateGradients } from "./combine/accumulate-gradients.js";
export { type ApplyIfFiniteState, applyIfFinite } from "./combine/apply-if-finite.js";
export { chain } from "./combine/chain.js";
export {
  type InjectHyperparamsState,
  injectHyperparams,
  setHyperparams,
} from "./combine/inject-hyperparams.js";
export { type MaskedState, masked } from "./combine/masked.js";
export type { EmptyState, StateOf, StatesOf } from "./core/types.js";
export { type CmaEsOptions, cmaEs } from "./minimize/cma-es.js";
export type { FirstOrderOptions } from "./minimize/first-order.js";
export { type LbfgsOptions, lbfgs } from "./minimize/lbfgs.js";
export { minimize } from "./minimize/minimize.js";
export { type NelderMeadOptions, nelderMead } from "./minimize/nelder-mead.js";
export type {
  CommonMinimizeOptions,
  DifferentiableObjective,
  MinimizeResult,
  Objective,
  ValueAndGradient,
} from "./minimize/types.js";
export { constant, linear, piecewiseConstant } from "./schedules/aliases.js";
export { cosineDecay, oneCycle, warmupCosineDecay } from "./schedules/cosine.js";
export {
  constantSchedule,
  exponentialDecay,
  linearSchedule,
  piecewiseConstantSchedule,
  polynomialDecay,
} from "./schedules/decay.js";
export { checkOptimizerState } from "./state/check.js";
export { createOptimizer, type Optimizer, type StatefulOptimizer } from "./state/create-optimizer.js";
export { deserializeState, type JsonValue, MAX_STATE_DEPTH, serializeState } from "./state/serialize.js";
export {
  type ScaleByAdamaxState,
  type ScaleByAdamOptions,
  type ScaleByAdamState,
  scaleByAdam,
  scaleByAdamax,
} from "./transforms/adam.js";
export {
  type ScaleByNadamOptions,
  type ScaleByNadamState,
  type ScaleByRadamOptions,
  type ScaleByRadamState,
  scaleByNadam,
  scaleByRadam,
} from "./transforms/adam-variants.js";
export { clipByGlobalNorm, clipByValue } from "./transforms/clip.js";
export { type ScaleByLionState, scaleByLion } from "./transforms/lion.js";
export {
  type ScaleByAdadeltaState,
  type ScaleByAdagradState,
  type ScaleByRmsOptions,
  type ScaleByRmsState,
  scaleByAdadelta,
  scaleByAdagrad,
  scaleByRms,
} from "./transforms/rms.js";
export { identity, type ScaleByLearningRateState, scale, scaleByLearningRate } from "./transforms/scale.js";
export { type TraceOptions, type TraceState, trace } from "./transforms/trace.js";
export { addDecayedWeights } from "./transforms/weight-decay.js";
export { type FusedStep, type FusedStepOptions, type FusedStepResult, fusedStep } from "./tree/fused-step.js";
export {
  applyUpdates,
  assertSameStructure,
  fullLikeTree,
  globalNorm,
  mapTree,
  treeLeaves,
  zerosLikeTree,
  zipTrees,
} from "./tree/tree.js";
