import type { Operand } from "@descent/autodiff";
import type { DType, Tensor as TensorLike } from "@descent/spec";
import { formatShape, ShapeError, ValueError } from "@descent/tensor";
import { checkAnyTensor, checkTensor, describe, operandTensor, sameShape } from "../layers/validate.js";

/**
 * The shape contract of the element-wise losses: predictions and targets have the same shape, because
 * they are combined element by element and a broadcast (`[N, 1]` against `[N]` gives `[N, N]`) would
 * silently compute another loss. Checks both tensors, and returns the predictions' tensor. Targets must be
 * float unless `labels` (the margin losses read int32 class labels too).
 */
export function checkSameShape(
  op: string,
  predictions: Operand,
  targets: TensorLike<DType>,
  labels = false,
): TensorLike {
  const predicted = operandTensor(op, "predictions", predictions);
  if (labels) checkAnyTensor(op, "targets", targets);
  else checkTensor(op, "targets", targets);
  const shape = predicted.shape;
  if (!sameShape(shape, targets.shape)) {
    const fix =
      predicted.data.length === targets.data.length
        ? `reshape targets to ${formatShape(shape)}`
        : "pass one target per prediction";
    throw new ShapeError(
      op,
      `predictions ${formatShape(shape)} and targets ${formatShape(targets.shape)} do not match: ${fix} (losses do not broadcast)`,
    );
  }
  if (predicted.data.length === 0)
    throw new ValueError(op, "predictions are empty: a loss needs at least one element");
  return predicted;
}

/** Per-class weights as an array, checked against the number of classes. */
export function readClassWeights(
  op: string,
  weights: readonly number[] | TensorLike | undefined,
  classes: number,
): Float64Array | undefined {
  if (weights === undefined) return undefined;
  if (!Array.isArray(weights)) checkTensor(op, "options.classWeights", weights);
  const values: readonly unknown[] = Array.isArray(weights)
    ? weights
    : Array.from((weights as TensorLike).data);
  if (values.length !== classes) {
    throw new ValueError(
      op,
      `classWeights has ${values.length} entries for ${classes} classes: give one weight per class`,
    );
  }
  for (const [c, value] of values.entries()) {
    if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) {
      throw new ValueError(op, `classWeights[${c}] is ${describe(value)}: weights must be finite and ≥ 0`);
    }
  }
  return Float64Array.from(values as number[]);
}
