import type { Tensor as TensorLike } from "@descent/spec";
import { allocate } from "../core/dtype.js";
import { formatShape, ShapeError, ValueError } from "../core/errors.js";
import { sizeOf, stridesOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { assertNumber, assertTensorLike, describe } from "../creation/validate.js";

type Data = Float32Array | Float64Array;

/** Runs shorter than this are copied element by element: `set(subarray(…))` allocates a view per call. */
const SHORT_RUN = 32;

/**
 * A contiguous block of `t`: along each axis `a`, the elements `begin[a] … begin[a] + size[a] − 1`.
 *
 * A negative `begin[a]` counts from the end (`-1` = last element); `size[a] = -1` means "to the
 * end". `begin` and `size` may be shorter than the rank: missing axes are taken whole. Copies
 * (trailing whole axes are copied as single runs).
 *
 * @example
 * ```ts
 * const t = tensor([[1, 2, 3], [4, 5, 6]]);
 * slice(t, [0, 1], [2, 2]).toNested();  // [[2, 3], [5, 6]]
 * slice(t, [1]).toNested();             // [[4, 5, 6]]
 * slice(t, [0, -1]).toNested();         // [[3], [6]]
 * ```
 * @throws {@link ValueError} when `begin` or `size` is longer than the rank or holds a
 *   non-integer; {@link ShapeError} when the block leaves the tensor.
 */
export function slice(t: TensorLike, begin: readonly number[], size?: readonly number[]): Tensor {
  const op = "slice";
  assertTensorLike(op, t);
  const shape = t.shape;
  const rank = shape.length;
  const sizes = size ?? [];
  if (!Array.isArray(begin) || !Array.isArray(sizes) || begin.length > rank || sizes.length > rank) {
    throw new ValueError(
      op,
      `begin ${listOf(begin)} and size ${listOf(size)} must be arrays of at most ${rank} integers for shape ${formatShape(shape)}`,
    );
  }
  const start = new Array<number>(rank);
  const outputShape = new Array<number>(rank);
  for (let axis = 0; axis < rank; axis++) {
    const dimension = shape[axis]!;
    const first = begin[axis] ?? 0;
    const count = sizes[axis] ?? -1;
    if (!Number.isInteger(first) || !Number.isInteger(count)) {
      throw new ValueError(
        op,
        `begin ${listOf(begin)} and size ${listOf(size)} must hold integers (axis ${axis} has ${describe(first)}, ${describe(count)})`,
      );
    }
    if (first < -dimension || first > dimension) {
      throw new ShapeError(
        op,
        `begin ${listOf(begin)} is out of range for shape ${formatShape(shape)} at axis ${axis}: use a begin in [${-dimension}, ${dimension}]`,
      );
    }
    const from = first < 0 ? first + dimension : first;
    if (count < -1 || from + count > dimension) {
      throw new ShapeError(
        op,
        `begin ${listOf(begin)} with size ${listOf(size)} goes past the end of axis ${axis} (size ${dimension}) of ${formatShape(shape)}: ${from} + ${count} > ${dimension}; use a size of at most ${dimension - from} (or -1 for the rest)`,
      );
    }
    start[axis] = from;
    outputShape[axis] = count === -1 ? dimension - from : count;
  }
  const output = allocate(t.dtype, sizeOf(outputShape));
  if (output.length > 0) copyBlock(t.data, shape, start, outputShape, output);
  return new Tensor(output, outputShape);
}

/**
 * Pads `t` with `value`: `paddings[a] = [before, after]` adds that many elements before and after
 * axis `a`, so `result.shape[a] = before + t.shape[a] + after` and `result[i + before] = t[i]`.
 *
 * @example
 * ```ts
 * pad(tensor([[1, 2]]), [[1, 0], [0, 1]]).toNested(); // [[0, 0, 0], [1, 2, 0]]
 * pad(tensor([1]), [[2, 2]], -1).toArray();           // [-1, -1, 1, -1, -1]
 * ```
 * @throws {@link ShapeError} unless there is one `[before, after]` pair per axis;
 *   {@link ValueError} for a padding that is not a non-negative integer or a non-number value.
 */
export function pad(t: TensorLike, paddings: readonly (readonly [number, number])[], value = 0): Tensor {
  const op = "pad";
  assertTensorLike(op, t);
  assertNumber(op, value, "value");
  const shape = t.shape;
  const rank = shape.length;
  if (!Array.isArray(paddings) || paddings.length !== rank) {
    throw new ShapeError(
      op,
      `paddings has ${Array.isArray(paddings) ? paddings.length : describe(paddings)} entries but the tensor has rank ${rank} (${formatShape(shape)}): give one [before, after] pair per axis`,
    );
  }
  const before = new Array<number>(rank);
  const outputShape = new Array<number>(rank);
  for (let axis = 0; axis < rank; axis++) {
    const pair = paddings[axis];
    const valid =
      Array.isArray(pair) &&
      pair.length === 2 &&
      pair.every((amount) => typeof amount === "number" && Number.isInteger(amount) && amount >= 0);
    if (!valid) {
      throw new ValueError(
        op,
        `paddings[${axis}] is ${Array.isArray(pair) ? `[${pair.map(describe).join(", ")}]` : describe(pair)}: use a pair [before, after] of non-negative integers`,
      );
    }
    before[axis] = pair[0];
    outputShape[axis] = pair[0] + shape[axis]! + pair[1];
  }
  const output = allocate(t.dtype, sizeOf(outputShape), op);
  if (value !== 0) output.fill(value);
  if (t.data.length > 0) placeBlock(t.data, shape, before, outputShape, output);
  return new Tensor(output, outputShape);
}

/** Copies the block of `input` starting at `start` with shape `blockShape` into the dense `output`. */
function copyBlock(
  input: Data,
  shape: readonly number[],
  start: readonly number[],
  blockShape: readonly number[],
  output: Data,
): void {
  const strides = stridesOf(shape);
  const pivot = lastPartialAxis(shape, blockShape);
  if (pivot < 0) {
    output.set(input);
    return;
  }
  const run = blockShape[pivot]! * strides[pivot]!;
  let offset = 0;
  for (let axis = 0; axis <= pivot; axis++) offset += start[axis]! * strides[axis]!;
  stridedCopy(input, output, blockShape, strides, pivot, offset, run, true);
}

/** Writes the dense `input` into the block of `output` starting at `start` (the inverse of {@link copyBlock}). */
function placeBlock(
  input: Data,
  shape: readonly number[],
  start: readonly number[],
  outputShape: readonly number[],
  output: Data,
): void {
  const strides = stridesOf(outputShape);
  const pivot = lastPartialAxis(outputShape, shape);
  if (pivot < 0) {
    output.set(input);
    return;
  }
  const run = shape[pivot]! * strides[pivot]!;
  let offset = 0;
  for (let axis = 0; axis <= pivot; axis++) offset += start[axis]! * strides[axis]!;
  stridedCopy(input, output, shape, strides, pivot, offset, run, false);
}

/** The last axis where the block is not the whole axis; every axis after it is contiguous. −1 if none. */
function lastPartialAxis(shape: readonly number[], blockShape: readonly number[]): number {
  for (let axis = shape.length - 1; axis >= 0; axis--) if (blockShape[axis] !== shape[axis]) return axis;
  return -1;
}

/**
 * Copies a block run by run. The strided side walks the axes `< pivot` of `blockShape` with
 * `strides` from `startOffset`; the dense side advances by `run`. `fromStrided` picks the direction.
 */
function stridedCopy(
  input: Data,
  output: Data,
  blockShape: readonly number[],
  strides: readonly number[],
  pivot: number,
  startOffset: number,
  run: number,
  fromStrided: boolean,
): void {
  let outer = 1;
  for (let axis = 0; axis < pivot; axis++) outer *= blockShape[axis]!;
  const index = new Array<number>(pivot).fill(0);
  let offset = startOffset;
  for (let k = 0, dense = 0; k < outer; k++, dense += run) {
    if (fromStrided) copyRun(input, offset, output, dense, run);
    else copyRun(input, dense, output, offset, run);
    for (let axis = pivot - 1; axis >= 0; axis--) {
      index[axis]!++;
      offset += strides[axis]!;
      if (index[axis]! < blockShape[axis]!) break;
      offset -= strides[axis]! * blockShape[axis]!;
      index[axis] = 0;
    }
  }
}

/** `output[target … target + length) = input[source … source + length)`. Internal. */
export function copyRun(input: Data, source: number, output: Data, target: number, length: number): void {
  if (length < SHORT_RUN) {
    for (let i = 0; i < length; i++) output[target + i] = input[source + i]!;
  } else {
    output.set(input.subarray(source, source + length), target);
  }
}

function listOf(values: unknown): string {
  return Array.isArray(values) ? `[${values.map(describe).join(",")}]` : describe(values);
}
