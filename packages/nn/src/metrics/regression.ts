import type { DType, Tensor as TensorLike } from "@descent/spec";
import { formatShape, ShapeError, ValueError } from "@descent/tensor";
import { sameShape } from "../layers/validate.js";
import { sampleCount } from "./labels.js";

/** The regression metrics' shape contract, as the losses': predictions and targets of one shape. */
function checkSameSize(op: string, predictions: TensorLike, targets: TensorLike<DType>): number {
  sampleCount(op, predictions, targets);
  if (!sameShape(predictions.shape, targets.shape)) {
    throw new ShapeError(
      op,
      `predictions ${formatShape(predictions.shape)} and targets ${formatShape(targets.shape)} ${
        predictions.data.length === targets.data.length
          ? `do not match: reshape targets to ${formatShape(predictions.shape)}`
          : "differ in size: pass one target per prediction"
      }`,
    );
  }
  if (predictions.data.length === 0) throw new ValueError(op, "predictions are empty");
  return predictions.data.length;
}

/**
 * Mean squared error over every element: `(1/n) Σ (ŷ − y)²`.
 *
 * @example
 * meanSquaredError(tensor([1, 2]), tensor([1, 4])) // 2
 */
export function meanSquaredError(predictions: TensorLike, targets: TensorLike<DType>): number {
  const size = checkSameSize("meanSquaredError", predictions, targets);
  let total = 0;
  for (let i = 0; i < size; i++) {
    const difference = predictions.data[i]! - targets.data[i]!;
    total += difference * difference;
  }
  return total / size;
}

/**
 * Mean absolute error over every element: `(1/n) Σ |ŷ − y|`.
 *
 * @example
 * meanAbsoluteError(tensor([1, 2]), tensor([1, 4])) // 1
 */
export function meanAbsoluteError(predictions: TensorLike, targets: TensorLike<DType>): number {
  const size = checkSameSize("meanAbsoluteError", predictions, targets);
  let total = 0;
  for (let i = 0; i < size; i++) total += Math.abs(predictions.data[i]! - targets.data[i]!);
  return total / size;
}

/**
 * Coefficient of determination `R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²`, per output column then averaged
 * (scikit-learn's `"uniform_average"`). A constant target column scores 1 when predicted exactly and 0
 * otherwise (scikit-learn's `force_finite`), so the result is never NaN or −∞.
 *
 * @example
 * r2(tensor([2.5, 0, 2, 8]), tensor([3, -0.5, 2, 7])) // 0.9486…
 */
export function r2(predictions: TensorLike, targets: TensorLike<DType>): number {
  const size = checkSameSize("r2", predictions, targets);
  const count = targets.shape[0]!;
  const outputs = size / count;
  let total = 0;
  for (let column = 0; column < outputs; column++) {
    let mean = 0;
    for (let i = 0; i < count; i++) mean += targets.data[i * outputs + column]!;
    mean /= count;
    let residual = 0;
    let spread = 0;
    for (let i = 0; i < count; i++) {
      const target = targets.data[i * outputs + column]!;
      const error = target - predictions.data[i * outputs + column]!;
      residual += error * error;
      spread += (target - mean) * (target - mean);
    }
    total += spread === 0 ? (residual === 0 ? 1 : 0) : 1 - residual / spread;
  }
  return total / outputs;
}
