import { type Traced, valueAndGrad } from "@descent/autodiff";
import type { DType, ParamTree, Tensor as TensorLike } from "@descent/spec";
import type { Tensor } from "@descent/tensor";
import type { TrainingRun } from "./run.js";
import type { ArrayAllocator } from "./steps/training-step.js";
import type { TransientArrays } from "./steps/transient-arrays.js";
import { addTrees } from "./tree-arithmetic.js";

/** What one training batch gives. */
export interface BatchGradients {
  /** `loss(model(params, x), y) + Σ penalty(params)`. */
  readonly loss: number;
  /** Its gradient with respect to the parameters: `∂loss/∂params + Σ ∂penalty/∂params`. */
  readonly gradients: ParamTree;
  /** The model's output on the batch (training mode), for step metrics. */
  readonly output: TensorLike;
  /** The model's new non-trainable state (batch-norm statistics), or undefined when it has none. */
  readonly state: ParamTree | undefined;
}

/**
 * The value and gradient of `run`'s objective on one batch: `loss(model(params, x), y) + Σ R(params)`
 * over `run`'s regularizers, in training mode with `run`'s layer randomness; the model's backward takes
 * its parameter-gradient arrays from `allocateGradient` (the training step's) and its layers their
 * step-long arrays from `transient`, recycled when the next batch starts (so the arrays of one call live
 * until the next call; null: new arrays).
 *
 * @example
 * const objective = batchObjective(run, step.allocateGradient, new TransientArrays(pool));
 * const { loss, gradients } = objective(params, state, x, y);
 */
export function batchObjective(
  run: TrainingRun,
  allocateGradient: ArrayAllocator | undefined,
  transient: TransientArrays | null,
): (params: ParamTree, state: ParamTree, x: Tensor, y: TensorLike<DType>) => BatchGradients {
  let output: TensorLike | undefined;
  let stateIn: ParamTree | undefined;
  let stateOut: ParamTree | undefined;
  const onState = (state: ParamTree) => {
    stateOut = state;
  };
  const objective = valueAndGrad((p: ParamTree, x: Tensor, y: TensorLike<DType>): Traced => {
    const result = run.model.apply(p, x, {
      training: true,
      random: run.layerRandom,
      state: stateIn,
      onState,
      allocateGradient,
      allocateTransient: transient?.allocate,
    });
    output = result.value;
    return run.loss(result, y) as Traced;
  });
  return (params, state, x, y) => {
    transient?.recycle();
    stateIn = state;
    stateOut = undefined;
    const { value, gradients: modelGradients } = objective(params, x, y);
    let loss = (value as unknown as TensorLike).data[0]!;
    let gradients = modelGradients as ParamTree;
    for (const regularizer of run.settings.regularizers) {
      loss += regularizer.penalty(params);
      gradients = addTrees(gradients, regularizer.gradient(params));
    }
    return { loss, gradients, output: output!, state: stateOut };
  };
}
