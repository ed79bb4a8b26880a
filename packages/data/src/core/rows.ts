import type { DType, Tensor as TensorLike } from "@descent/spec";

/** Number of values in one sample (row) of a tensor: the product of every axis but the first. */
export function rowSizeOf(tensor: TensorLike<DType>): number {
  let size = 1;
  for (let axis = 1; axis < tensor.shape.length; axis++) size *= tensor.shape[axis]!;
  return size;
}

/** Number of samples (rows) of a tensor: its first axis, 1 for a scalar. */
export function rowCountOf(tensor: TensorLike<DType>): number {
  return tensor.shape.length === 0 ? 1 : tensor.shape[0]!;
}

/**
 * Copies rows `indices[start … end−1]` of `source` (rows of `rowSize` values) into `target`, one after
 * the other from row 0. A plain loop: no per-row views or closures on the hot path.
 */
export function gatherRows(
  source: Float32Array | Float64Array | Int32Array,
  rowSize: number,
  indices: ArrayLike<number>,
  start: number,
  end: number,
  target: Float32Array | Float64Array | Int32Array,
): void {
  let offset = 0;
  if (rowSize === 1) {
    for (let i = start; i < end; i++) target[offset++] = source[indices[i]!]!;
    return;
  }
  for (let i = start; i < end; i++) {
    const from = indices[i]! * rowSize;
    const to = from + rowSize;
    for (let k = from; k < to; k++) target[offset++] = source[k]!;
  }
}
