import type { FloatDType, Shape, Tensor as TensorLike } from "@descent/spec";
import { describeValue } from "../core/describe.js";
import { allocate, dtypeOf } from "../core/dtype.js";
import { ValueError } from "../core/errors.js";
import { normalizeAxis, stridesOf } from "../core/shape.js";
import { assertTensor, type NumericArray } from "../elementwise/operands.js";

/** Which axes to reduce: one axis, a list (negative counts from the end; `[]` reduces nothing), or all. */
export type ReductionAxes = number | readonly number[] | undefined;

/**
 * A reduction seen as `[outer, reduced, inner]`: the result element `(o, i)` reduces
 * `source[(o·reduced + r)·inner + i]` over `r`. Every reduction only needs these loops; `inner = 1` is the
 * fast path (reducing the last axes, or everything) with a contiguous inner loop.
 */
export interface ReductionLayout {
  readonly source: NumericArray;
  readonly outer: number;
  readonly reduced: number;
  readonly inner: number;
  readonly outputShape: number[];
}

/**
 * Plans a reduction of `x` over `axis`. Reduced axes that are adjacent (ignoring size-1 axes) reduce in
 * place; scattered ones (e.g. axes 0 and 2 of a 3-D tensor) are first gathered to the end by one copy.
 *
 * @throws {@link ValueError} for an axis out of range or listed twice.
 */
export function planReduction(
  op: string,
  x: TensorLike,
  axis: ReductionAxes,
  keepDims: boolean,
): ReductionLayout {
  assertTensor(op, x, "x");
  if (typeof keepDims !== "boolean") {
    throw new ValueError(op, `keepDims is ${describeValue(keepDims)}: use true or false`);
  }
  const shape = x.shape;
  const rank = shape.length;
  const reduce = new Array<boolean>(rank).fill(axis === undefined);
  if (axis !== undefined) {
    const axes = typeof axis === "number" ? [axis] : axis;
    if (!Array.isArray(axes)) {
      throw new ValueError(
        op,
        `axis must be a number, a list of numbers or undefined, got ${describeValue(axis)}`,
      );
    }
    for (const entry of axes) {
      const normalized = normalizeAxis(op, entry, rank);
      if (reduce[normalized]) {
        throw new ValueError(op, `axis ${entry} appears twice in [${axes.join(",")}]: list each axis once`);
      }
      reduce[normalized] = true;
    }
  }
  const outputShape: number[] = [];
  for (let index = 0; index < rank; index++) {
    if (!reduce[index]) outputShape.push(shape[index]!);
    else if (keepDims) outputShape.push(1);
  }

  // Size-1 axes change no offsets, so only the others decide whether the reduced block is contiguous.
  let first = -1;
  let last = -1;
  let scattered = false;
  for (let index = 0; index < rank; index++) {
    if (shape[index] === 1) continue;
    if (reduce[index]) {
      if (first < 0) first = index;
      else if (last < index - 1 && hasKeptAxisBetween(shape, reduce, last, index)) scattered = true;
      last = index;
    }
  }
  if (first < 0) {
    return { source: x.data, outer: x.data.length, reduced: 1, inner: 1, outputShape };
  }
  if (!scattered) {
    let outer = 1;
    let reduced = 1;
    let inner = 1;
    for (let index = 0; index < rank; index++) {
      if (index < first) outer *= shape[index]!;
      else if (index > last) inner *= shape[index]!;
      else reduced *= shape[index]!;
    }
    return { source: x.data, outer, reduced, inner, outputShape };
  }
  const order: number[] = [];
  for (let index = 0; index < rank; index++) if (!reduce[index]) order.push(index);
  for (let index = 0; index < rank; index++) if (reduce[index]) order.push(index);
  let outer = 1;
  for (let index = 0; index < rank; index++) if (!reduce[index]) outer *= shape[index]!;
  const reduced = outer === 0 ? 0 : x.data.length / outer;
  return { source: permuteCopy(x.data, shape, order), outer, reduced, inner: 1, outputShape };
}

function hasKeptAxisBetween(shape: Shape, reduce: boolean[], from: number, to: number): boolean {
  for (let index = from + 1; index < to; index++) if (!reduce[index] && shape[index] !== 1) return true;
  return false;
}

/** Copies `data` (row-major `shape`) into the row-major layout of its axes permuted by `order`. */
function permuteCopy(data: NumericArray, shape: Shape, order: number[]): NumericArray {
  const out = allocate(dtypeOf(data), data.length);
  if (out.length === 0) return out;
  const strides = stridesOf(shape);
  const sizes = order.map((axis) => shape[axis]!);
  const sourceStrides = order.map((axis) => strides[axis]!);
  const last = sizes.length - 1;
  const inner = sizes[last]!;
  const innerStride = sourceStrides[last]!;
  const counters = new Array<number>(last).fill(0);
  let offset = 0;
  for (let target = 0; target < out.length; target += inner) {
    for (let i = 0; i < inner; i++) out[target + i] = data[offset + i * innerStride]!;
    for (let axis = last - 1; axis >= 0; axis--) {
      offset += sourceStrides[axis]!;
      if (++counters[axis]! < sizes[axis]!) break;
      offset -= sourceStrides[axis]! * sizes[axis]!;
      counters[axis] = 0;
    }
  }
  return out;
}

/** Throws the "empty reduction" {@link ValueError} when a slice to reduce is empty but results are expected. */
export function assertNonEmpty(op: string, x: TensorLike, layout: ReductionLayout, why: string): void {
  if (layout.reduced === 0 && layout.outer * layout.inner > 0) {
    throw new ValueError(
      op,
      `cannot reduce an empty tensor (shape [${x.shape.join(",")}] has no elements along the reduced axes): ${why}`,
    );
  }
}

/** Float64 results in the requested dtype: returned as is for float64, rounded once for float32. */
export function inDType(values: Float64Array, dtype: FloatDType): NumericArray {
  return dtype === "float64" ? values : new Float32Array(values);
}
