import type { FloatDType, Tensor as TensorLike } from "@descent/spec";
import { allocate, resultDType } from "../core/dtype.js";
import { formatShape, ShapeError, ValueError } from "../core/errors.js";
import { normalizeAxis, sizeOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { assertTensorLike, describe } from "../creation/validate.js";
import { normalizeNewAxis } from "./reshape.js";
import { copyRun } from "./slice.js";

type Data = Float32Array | Float64Array;

/**
 * Joins tensors along an existing axis: every size but `axis` must match, and
 * `result.shape[axis] = Σ tᵢ.shape[axis]`. The result is float64 when any input is.
 *
 * @example
 * ```ts
 * concat([tensor([[1, 2]]), tensor([[3, 4]])]).toNested();    // [[1, 2], [3, 4]]
 * concat([tensor([[1], [2]]), tensor([[3], [4]])], 1).shape;  // [2, 2]
 * ```
 * @throws {@link ValueError} for an empty list or a bad axis; {@link ShapeError} for scalars,
 *   differing ranks, or sizes that differ outside `axis`.
 */
export function concat(tensors: readonly TensorLike[], axis = 0): Tensor {
  const op = "concat";
  assertTensorList(op, tensors);
  const first = tensors[0]!;
  const rank = first.shape.length;
  if (rank === 0) {
    throw new ShapeError(
      op,
      `tensor 0 is a scalar (shape []): concat joins along an existing axis; use stack to create one`,
    );
  }
  const resolved = normalizeAxis(op, axis, rank);
  let total = 0;
  tensors.forEach((t, index) => {
    if (t.shape.length !== rank) {
      throw new ShapeError(
        op,
        `tensor ${index} has shape ${formatShape(t.shape)} (rank ${t.shape.length}) but tensor 0 has shape ${formatShape(first.shape)} (rank ${rank}): all tensors need the same rank`,
      );
    }
    for (let other = 0; other < rank; other++) {
      if (other !== resolved && t.shape[other] !== first.shape[other]) {
        throw new ShapeError(
          op,
          `tensor ${index} has shape ${formatShape(t.shape)} but tensor 0 has shape ${formatShape(first.shape)}: sizes must match on every axis except axis ${resolved} (they differ on axis ${other})`,
        );
      }
    }
    total += t.shape[resolved]!;
  });
  const shape = [...first.shape];
  shape[resolved] = total;
  return joinAlong(tensors, shape, resolved, resultDType(...tensors.map((t) => t.dtype)));
}

/**
 * Stacks tensors of one shape along a new axis: `result.shape = [...shape[:axis], n, ...shape[axis:]]`
 * and `result[…, i, …] = tensors[i]`. The result is float64 when any input is.
 *
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])]).toNested();     // [[1, 2], [3, 4]]
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toNested();  // [[1, 3], [2, 4]]
 * ```
 * @throws {@link ValueError} for an empty list or an axis outside `[-(rank+1), rank]`;
 *   {@link ShapeError} when the shapes differ.
 */
export function stack(tensors: readonly TensorLike[], axis = 0): Tensor {
  const op = "stack";
  assertTensorList(op, tensors);
  const first = tensors[0]!;
  tensors.forEach((t, index) => {
    const same = t.shape.length === first.shape.length && t.shape.every((size, a) => size === first.shape[a]);
    if (!same) {
      throw new ShapeError(
        op,
        `tensor ${index} has shape ${formatShape(t.shape)} but tensor 0 has shape ${formatShape(first.shape)}: all tensors need the same shape`,
      );
    }
  });
  const resolved = normalizeNewAxis(op, axis, first.shape);
  const shape = [...first.shape];
  shape.splice(resolved, 0, tensors.length);
  return joinAlong(tensors, shape, resolved, resultDType(...tensors.map((t) => t.dtype)));
}

/**
 * Cuts `t` along `axis` into consecutive pieces. `sizes` lists the size of each piece (one may be
 * `-1`: the rest), or is a number of equal pieces. `concat(split(t, sizes, axis), axis)` equals `t`.
 *
 * @example
 * ```ts
 * split(arange(6), [2, 4]).map((p) => p.toArray());  // [[0, 1], [2, 3, 4, 5]]
 * split(zeros([4, 6]), 3, 1).map((p) => p.shape);    // [[4, 2], [4, 2], [4, 2]]
 * ```
 * @throws {@link ShapeError} when the sizes do not add up to the axis size (or the count does not
 *   divide it); {@link ValueError} for a bad size or axis.
 */
export function split(t: TensorLike, sizes: number | readonly number[], axis = 0): Tensor[] {
  const op = "split";
  assertTensorLike(op, t);
  const rank = t.shape.length;
  if (rank === 0) throw new ShapeError(op, "the input is a scalar (shape []): split needs at least one axis");
  const resolved = normalizeAxis(op, axis, rank);
  const dimension = t.shape[resolved]!;
  const pieces = resolveSplitSizes(op, sizes, dimension, resolved);
  return cutAlong(t, resolved, pieces, false);
}

/**
 * Splits `t` into its slices along `axis`, removing that axis: the inverse of {@link stack}.
 *
 * @example
 * ```ts
 * unstack(tensor([[1, 2], [3, 4]])).map((r) => r.toArray());     // [[1, 2], [3, 4]]
 * unstack(tensor([[1, 2], [3, 4]]), 1).map((c) => c.toArray());  // [[1, 3], [2, 4]]
 * ```
 * @throws {@link ShapeError} for a scalar; {@link ValueError} for a bad axis.
 */
export function unstack(t: TensorLike, axis = 0): Tensor[] {
  const op = "unstack";
  assertTensorLike(op, t);
  if (t.shape.length === 0)
    throw new ShapeError(op, "the input is a scalar (shape []): unstack needs at least one axis");
  const resolved = normalizeAxis(op, axis, t.shape.length);
  return cutAlong(t, resolved, new Array<number>(t.shape[resolved]!).fill(1), true);
}

function assertTensorList(op: string, tensors: readonly TensorLike[]): void {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new ValueError(op, `tensors is ${describe(tensors)}: pass a non-empty array of tensors`);
  }
  for (let index = 0; index < tensors.length; index++)
    assertTensorLike(op, tensors[index], `tensor ${index}`);
}

function resolveSplitSizes(
  op: string,
  sizes: number | readonly number[],
  dimension: number,
  axis: number,
): number[] {
  if (typeof sizes === "number") {
    if (!Number.isInteger(sizes) || sizes < 1) {
      throw new ValueError(op, `the number of pieces is ${sizes}: use a positive integer or a list of sizes`);
    }
    if (dimension % sizes !== 0) {
      throw new ShapeError(
        op,
        `axis ${axis} of size ${dimension} does not divide into ${sizes} equal pieces: pass a list of sizes instead, e.g. [${nearlyEqualSizes(dimension, sizes).join(", ")}]`,
      );
    }
    return new Array<number>(sizes).fill(dimension / sizes);
  }
  if (!Array.isArray(sizes)) {
    throw new ValueError(op, `sizes is ${describe(sizes)}: pass a list of sizes or a number of equal pieces`);
  }
  const shown = `[${sizes.map(describe).join(",")}]`;
  let inferred = -1;
  let known = 0;
  sizes.forEach((size, index) => {
    if (typeof size !== "number" || !Number.isInteger(size) || size < -1) {
      throw new ValueError(
        op,
        `sizes ${shown} holds ${describe(size)}: use non-negative integers and at most one -1`,
      );
    }
    if (size === -1) {
      if (inferred !== -1)
        throw new ValueError(op, `sizes ${shown} has more than one -1: at most one size can be inferred`);
      inferred = index;
    } else {
      known += size;
    }
  });
  const resolved = [...sizes];
  if (inferred !== -1 && known <= dimension) resolved[inferred] = dimension - known;
  else if (known !== dimension || inferred !== -1) {
    throw new ShapeError(
      op,
      `sizes ${shown} add up to ${known} but axis ${axis} has size ${dimension}: make them add up to ${dimension}`,
    );
  }
  return resolved;
}

/** `count` sizes adding up to `dimension` that differ by at most one: (7, 3) → [3, 2, 2]. */
function nearlyEqualSizes(dimension: number, count: number): number[] {
  const base = Math.floor(dimension / count);
  return Array.from({ length: count }, (_, index) => base + (index < dimension % count ? 1 : 0));
}

/** Writes `tensors` one after the other along `axis` of an output of `shape` (inputs already checked). */
function joinAlong(
  tensors: readonly TensorLike[],
  shape: readonly number[],
  axis: number,
  dtype: FloatDType,
): Tensor {
  const output = allocate(dtype, sizeOf(shape));
  if (output.length === 0) return new Tensor(output, shape);
  const outer = sizeOf(shape.slice(0, axis));
  const chunks = tensors.map((t) => t.data.length / outer);
  const row = output.length / outer;
  for (let k = 0; k < tensors.length; k++) {
    const data: Data = tensors[k]!.data;
    const chunk = chunks[k]!;
    let target = 0;
    for (let previous = 0; previous < k; previous++) target += chunks[previous]!;
    for (let o = 0, source = 0; o < outer; o++, source += chunk, target += row)
      copyRun(data, source, output, target, chunk);
  }
  return new Tensor(output, shape);
}

/** Cuts `t` along `axis` into pieces of the given sizes, dropping the axis when `squeeze`. */
function cutAlong(t: TensorLike, axis: number, sizes: readonly number[], squeeze: boolean): Tensor[] {
  const outer = sizeOf(t.shape.slice(0, axis));
  const inner = sizeOf(t.shape.slice(axis + 1));
  const row = t.shape[axis]! * inner;
  const pieces: Tensor[] = [];
  let start = 0;
  for (const size of sizes) {
    const chunk = size * inner;
    const output = allocate(t.dtype, outer * chunk);
    if (chunk > 0) {
      for (let o = 0, source = start * inner, target = 0; o < outer; o++, source += row, target += chunk) {
        copyRun(t.data, source, output, target, chunk);
      }
    }
    const shape = [...t.shape];
    if (squeeze) shape.splice(axis, 1);
    else shape[axis] = size;
    pieces.push(new Tensor(output, shape));
    start += size;
  }
  return pieces;
}
