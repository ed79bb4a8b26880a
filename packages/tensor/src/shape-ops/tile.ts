import type { Tensor as TensorLike } from "@descent/spec";
import { allocate } from "../core/dtype.js";
import { formatShape, ShapeError, ValueError } from "../core/errors.js";
import { sizeOf, stridesOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { assertTensorLike, describe } from "../creation/validate.js";
import { repeatBlock } from "./broadcast.js";

type Data = Float32Array | Float64Array;

/**
 * Repeats the whole tensor `reps[a]` times along each axis `a`:
 * `result.shape[a] = t.shape[a] · reps[a]`, `result[i] = t[i mod t.shape]`.
 *
 * `reps` has one entry per axis. Each block is written once and then duplicated with `copyWithin`.
 *
 * @example
 * ```ts
 * tile(tensor([1, 2]), [3]).toArray();         // [1, 2, 1, 2, 1, 2]
 * tile(tensor([[1, 2]]), [2, 2]).toNested();   // [[1, 2, 1, 2], [1, 2, 1, 2]]
 * ```
 * @throws {@link ShapeError} when `reps` does not have one entry per axis; {@link ValueError} for a
 *   repetition count that is not a non-negative integer.
 */
export function tile(t: TensorLike, reps: readonly number[]): Tensor {
  const op = "tile";
  assertTensorLike(op, t);
  if (!Array.isArray(reps)) {
    throw new ValueError(op, `reps is ${describe(reps)}: pass one repetition count per axis, e.g. [2, 1]`);
  }
  const rank = t.shape.length;
  if (reps.length !== rank) {
    throw new ShapeError(
      op,
      `reps [${reps.join(",")}] has ${reps.length} entries but the tensor has rank ${rank} (${formatShape(t.shape)}): give one repetition count per axis (use expandDims to add axes)`,
    );
  }
  for (const count of reps) {
    if (typeof count !== "number" || !Number.isInteger(count) || count < 0) {
      throw new ValueError(
        op,
        `reps [${reps.map(describe).join(",")}] holds ${describe(count)}: every repetition count must be a non-negative integer`,
      );
    }
  }
  const shape = t.shape.map((size, axis) => size * reps[axis]!);
  const output = allocate(t.dtype, sizeOf(shape), op);
  if (output.length > 0) {
    if (rank === 0) output[0] = t.data[0]!;
    else tileInto(t.data, t.shape, stridesOf(t.shape), reps, stridesOf(shape), output, 0, 0, 0);
  }
  return new Tensor(output, shape);
}

function tileInto(
  input: Data,
  inputShape: readonly number[],
  inputStrides: readonly number[],
  reps: readonly number[],
  outputStrides: readonly number[],
  output: Data,
  axis: number,
  inputOffset: number,
  outputOffset: number,
): void {
  const count = inputShape[axis]!;
  if (axis === inputShape.length - 1) {
    for (let i = 0; i < count; i++) output[outputOffset + i] = input[inputOffset + i]!;
  } else {
    for (let i = 0; i < count; i++) {
      tileInto(
        input,
        inputShape,
        inputStrides,
        reps,
        outputStrides,
        output,
        axis + 1,
        inputOffset + i * inputStrides[axis]!,
        outputOffset + i * outputStrides[axis]!,
      );
    }
  }
  const segment = count * outputStrides[axis]!;
  repeatBlock(output, outputOffset, segment, segment * reps[axis]!);
}
