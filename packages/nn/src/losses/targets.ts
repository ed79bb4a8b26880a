import type { Operand } from "@descent/autodiff";
import type { Tensor as TensorLike } from "@descent/spec";
import { formatShape, ShapeError, ValueError } from "@descent/tensor";
import { tensorOfOperand } from "../layers/operands.js";

/** Throws unless predictions and targets hold the same number of elements with the same batch size. */
export function checkSameSize(op: string, predictions: Operand, targets: TensorLike): void {
  const shape = tensorOfOperand(predictions).shape;
  let size = 1;
  for (const dimension of shape) size *= dimension;
  if (
    size !== targets.data.length ||
    (shape.length > 0 && targets.shape.length > 0 && shape[0] !== targets.shape[0])
  ) {
    throw new ShapeError(
      op,
      `predictions ${formatShape(shape)} and targets ${formatShape(targets.shape)} do not match: pass one target per prediction`,
    );
  }
  if (size === 0) throw new ValueError(op, "predictions are empty: a loss needs at least one element");
}

/** Per-class weights as an array, checked against the number of classes. */
export function readClassWeights(
  op: string,
  weights: readonly number[] | TensorLike | undefined,
  classes: number,
): Float64Array | undefined {
  if (weights === undefined) return undefined;
  const values = Array.isArray(weights) ? weights : Array.from((weights as TensorLike).data);
  if (values.length !== classes) {
    throw new ValueError(
      op,
      `classWeights has ${values.length} entries for ${classes} classes: give one weight per class`,
    );
  }
  for (const [c, value] of values.entries()) {
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new ValueError(op, `classWeights[${c}] is ${value}: weights must be finite and ≥ 0`);
    }
  }
  return Float64Array.from(values);
}
