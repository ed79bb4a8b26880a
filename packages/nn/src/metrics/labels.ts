import type { DType, Tensor as TensorLike } from "@descent/spec";
import { formatShape, ShapeError, ValueError } from "@descent/tensor";
import { checkAnyTensor, checkTensor } from "../layers/validate.js";

/**
 * The shape contract of the classification metrics: class scores `[N, C]` against integer labels `[N]` /
 * `[N, 1]` or one-hot rows of the same `[N, C]`; one score per sample `[N]` / `[N, 1]` against labels
 * `[N]` / `[N, 1]`. One-hot rows with another number of classes than the scores are a ShapeError.
 */
export function checkClassShapes(op: string, predictions: TensorLike, targets: TensorLike<DType>): void {
  const predicted = columnsOf(op, "predictions", predictions);
  const actual = columnsOf(op, "targets", targets);
  if (actual > 1 && predicted !== actual) {
    throw new ShapeError(
      op,
      `predictions ${formatShape(predictions.shape)} and one-hot targets ${formatShape(targets.shape)} have different numbers of classes: pass scores [N, ${actual}] or integer labels [N]`,
    );
  }
}

/** Number of samples (axis 0) of a metric input, checking both inputs agree. */
export function sampleCount(op: string, predictions: TensorLike, targets: TensorLike<DType>): number {
  checkTensor(op, "predictions", predictions);
  checkAnyTensor(op, "targets", targets);
  if (predictions.shape.length === 0 || targets.shape.length === 0) {
    throw new ShapeError(op, "predictions and targets need a batch axis: got a scalar");
  }
  const count = predictions.shape[0]!;
  if (targets.shape[0] !== count) {
    throw new ShapeError(
      op,
      `predictions ${formatShape(predictions.shape)} and targets ${formatShape(targets.shape)} have different numbers of samples (${count} ≠ ${targets.shape[0]})`,
    );
  }
  if (count === 0)
    throw new ValueError(op, "predictions and targets are empty: a metric needs at least one sample");
  return count;
}

/** Columns per sample: 1 for `[N]` and `[N, 1]`, `C` for `[N, C]`. Rank > 2 is rejected. */
export function columnsOf(op: string, name: string, tensor: TensorLike<DType>): number {
  if (tensor.shape.length === 1) return 1;
  if (tensor.shape.length === 2) return tensor.shape[1]!;
  throw new ShapeError(op, `${name} of shape ${formatShape(tensor.shape)}: expected [N] or [N, C]`);
}

/** Index of the largest of `count` values starting at `offset` (the first one on ties; NaN wins, so it shows). */
export function argmaxRow(data: Float32Array | Float64Array, offset: number, count: number): number {
  let best = 0;
  let bestValue = data[offset]!;
  for (let j = 1; j < count; j++) {
    const value = data[offset + j]!;
    if (value > bestValue || (Number.isNaN(value) && !Number.isNaN(bestValue))) {
      best = j;
      bestValue = value;
    }
  }
  return best;
}

/**
 * Integer class labels from targets: `[N]` or `[N, 1]` integer labels (an int32 tensor, or integral floats)
 * are read as they are; `[N, C]` one-hot (or probability) rows give their argmax.
 */
export function targetClasses(
  op: string,
  targets: TensorLike<DType>,
  count: number,
  predictions?: TensorLike,
): Int32Array {
  // Against class scores [N, C], a label outside [0, C) is a mistake to name, not a wrong prediction to count.
  const classes = predictions?.shape.length === 2 && predictions.shape[1]! > 1 ? predictions.shape[1]! : 0;
  const columns = columnsOf(op, "targets", targets);
  if (columns === 0)
    throw new ShapeError(
      op,
      `targets ${formatShape(targets.shape)} have no columns: expected [N], [N, 1] or [N, C]`,
    );
  const labels = new Int32Array(count);
  const data = targets.data;
  if (columns === 1) {
    for (let i = 0; i < count; i++) {
      const value = data[i]!;
      if (!Number.isInteger(value) || value < 0 || value > 2 ** 24) {
        throw new ValueError(
          op,
          `target ${i} is ${value}: class labels must be non-negative integers (or pass one-hot rows [N, C])`,
        );
      }
      if (classes > 0 && value >= classes) {
        throw new ValueError(
          op,
          `label ${value} at index ${i} is outside [0, ${classes - 1}]: the predictions have ${classes} classes`,
        );
      }
      labels[i] = value;
    }
  } else {
    if (targets.dtype === "int32") {
      throw new ShapeError(
        op,
        `targets ${formatShape(targets.shape)} are int32 with ${columns} columns: int32 targets are class labels, [N] or [N, 1] (pass one-hot rows as float32)`,
      );
    }
    for (let i = 0; i < count; i++)
      labels[i] = argmaxRow(data as Float32Array | Float64Array, i * columns, columns);
  }
  return labels;
}

/** Predicted classes: the argmax of `[N, C]` scores, or `score ≥ threshold` for `[N]` / `[N, 1]` binary scores. */
export function predictedClasses(
  op: string,
  predictions: TensorLike,
  count: number,
  threshold: number,
): Int32Array {
  const columns = columnsOf(op, "predictions", predictions);
  if (columns === 0)
    throw new ShapeError(
      op,
      `predictions ${formatShape(predictions.shape)} have no columns: expected [N], [N, 1] or [N, C]`,
    );
  const classes = new Int32Array(count);
  const data = predictions.data;
  if (columns === 1) {
    for (let i = 0; i < count; i++) {
      const value = data[i]!;
      if (Number.isNaN(value))
        throw new ValueError(op, `prediction ${i} is NaN: the model output is not finite`);
      classes[i] = value >= threshold ? 1 : 0;
    }
  } else {
    for (let i = 0; i < count; i++) classes[i] = argmaxRow(data, i * columns, columns);
  }
  return classes;
}

/**
 * Scores of the positive class for binary ranking metrics: `[N]` / `[N, 1]` scores as they are, the
 * second column of `[N, 2]`.
 */
export function positiveScores(op: string, predictions: TensorLike, count: number): Float64Array {
  const columns = columnsOf(op, "predictions", predictions);
  if (columns > 2) {
    throw new ShapeError(
      op,
      `predictions ${formatShape(predictions.shape)} have ${columns} classes: ${op} is binary (pass one column of scores, or compute it one-vs-rest per class)`,
    );
  }
  if (columns === 0)
    throw new ShapeError(op, `predictions ${formatShape(predictions.shape)} have no columns`);
  const scores = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const value = predictions.data[columns === 2 ? i * 2 + 1 : i]!;
    if (Number.isNaN(value))
      throw new ValueError(op, `prediction ${i} is NaN: the model output is not finite`);
    scores[i] = value;
  }
  return scores;
}

/** Binary labels (0/1) from `[N]` / `[N, 1]` labels or `[N, 2]` one-hot rows. */
export function binaryTargets(op: string, targets: TensorLike<DType>, count: number): Uint8Array {
  const labels = targetClasses(op, targets, count);
  const result = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    if (labels[i]! > 1)
      throw new ValueError(op, `target ${i} is class ${labels[i]}: ${op} expects binary labels 0 or 1`);
    result[i] = labels[i]!;
  }
  return result;
}
