import type { Tensor as TensorLike } from "@descent/spec";
import { allocate } from "../core/dtype.js";
import { formatShape, ShapeError } from "../core/errors.js";
import { shapesEqual, sizeOf, stridesOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { assertShapeArgument, assertTensorLike } from "../creation/validate.js";

type Data = Float32Array | Float64Array;

/**
 * Repeats `t` along axes of size 1 (and new leading axes) to reach `shape`, NumPy style: shapes are
 * aligned from the right, and each input size must equal the target size or be 1.
 * `result[i₀, …] = t[j…]` with `j_a = 0` where the input size is 1, else `j_a = i_a`.
 *
 * Returns `t`'s data unchanged (shared) when the shape already matches; otherwise a copy written
 * block by block (a repeated block is duplicated with `copyWithin`, doubling each time).
 *
 * @example
 * ```ts
 * broadcastTo(tensor([1, 2, 3]), [2, 3]).toNested(); // [[1, 2, 3], [1, 2, 3]]
 * broadcastTo(tensor([[1], [2]]), [2, 2]).toNested(); // [[1, 1], [2, 2]]
 * ```
 * @throws {@link ShapeError} when an input size is neither 1 nor the target size, or the target
 *   has fewer axes than the input.
 */
export function broadcastTo(t: TensorLike, shape: readonly number[]): Tensor {
  const op = "broadcastTo";
  assertTensorLike(op, t);
  assertShapeArgument(op, shape);
  const rank = shape.length;
  const inputRank = t.shape.length;
  if (inputRank > rank) {
    throw new ShapeError(
      op,
      `cannot broadcast ${formatShape(t.shape)} to ${formatShape(shape)}: the target has fewer axes (${rank}) than the input (${inputRank}); use reshape or squeeze to drop axes`,
    );
  }
  const inputShape = [...new Array<number>(rank - inputRank).fill(1), ...t.shape];
  for (let axis = 0; axis < rank; axis++) {
    const from = inputShape[axis]!;
    if (from !== shape[axis] && from !== 1) {
      throw new ShapeError(
        op,
        `cannot broadcast ${formatShape(t.shape)} to ${formatShape(shape)}: input axis ${axis - (rank - inputRank)} has size ${from} but the target has ${shape[axis]} (sizes must be equal or 1; use tile to repeat data)`,
      );
    }
  }
  if (shapesEqual(t.shape, shape)) return new Tensor(t.data, shape);
  const output = allocate(t.dtype, sizeOf(shape), op);
  if (output.length > 0) {
    if (rank === 0) output[0] = t.data[0]!;
    else broadcastInto(t.data, inputShape, stridesOf(inputShape), shape, stridesOf(shape), output, 0, 0, 0);
  }
  return new Tensor(output, shape);
}

/** Internal: writes the broadcast of `input` (shape padded to the output rank) into `output`. */
export function broadcastInto(
  input: Data,
  inputShape: readonly number[],
  inputStrides: readonly number[],
  outputShape: readonly number[],
  outputStrides: readonly number[],
  output: Data,
  axis: number,
  inputOffset: number,
  outputOffset: number,
): void {
  const count = outputShape[axis]!;
  const repeated = inputShape[axis] === 1;
  if (axis === outputShape.length - 1) {
    if (repeated) output.fill(input[inputOffset]!, outputOffset, outputOffset + count);
    else for (let i = 0; i < count; i++) output[outputOffset + i] = input[inputOffset + i]!;
    return;
  }
  const block = outputStrides[axis]!;
  if (repeated) {
    broadcastInto(
      input,
      inputShape,
      inputStrides,
      outputShape,
      outputStrides,
      output,
      axis + 1,
      inputOffset,
      outputOffset,
    );
    repeatBlock(output, outputOffset, block, count * block);
    return;
  }
  const inputStride = inputStrides[axis]!;
  for (let i = 0; i < count; i++) {
    broadcastInto(
      input,
      inputShape,
      inputStrides,
      outputShape,
      outputStrides,
      output,
      axis + 1,
      inputOffset + i * inputStride,
      outputOffset + i * block,
    );
  }
}

/** Fills `data[offset + block … offset + total)` with copies of `data[offset … offset + block)`, doubling each copy. */
export function repeatBlock(data: Data, offset: number, block: number, total: number): void {
  let filled = block;
  while (filled < total) {
    const length = Math.min(filled, total - filled);
    data.copyWithin(offset + filled, offset, offset + length);
    filled += length;
  }
}
