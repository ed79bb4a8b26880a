import type { Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "../core/tensor.js";
import type { NumericArray } from "../elementwise/operands.js";
import {
  assertNonEmpty,
  inDType,
  planReduction,
  type ReductionAxes,
  type ReductionLayout,
} from "./layout.js";

/**
 * Sum of `count` contiguous values from `start`, in float64 with four interleaved accumulators.
 *
 * Float64 even for float32 data: a float32 running sum stops growing at 2²⁴ (adding 1 to 16777216 gives
 * 16777216) and loses about log₂(n) bits over n terms, while float64 keeps the error of a float32-sized
 * sum far below one float32 ulp until the single final rounding. The four accumulators break the
 * add-latency chain (faster) and shorten each partial sum (slightly more accurate).
 */
export function sumRange(data: NumericArray, start: number, count: number): number {
  let total0 = 0;
  let total1 = 0;
  let total2 = 0;
  let total3 = 0;
  const end = start + count;
  let index = start;
  for (; index + 3 < end; index += 4) {
    total0 += data[index]!;
    total1 += data[index + 1]!;
    total2 += data[index + 2]!;
    total3 += data[index + 3]!;
  }
  for (; index < end; index++) total0 += data[index]!;
  return total0 + total1 + total2 + total3;
}

/** Per-slice sums of a layout, in float64 (see {@link sumRange}). */
export function sumLayout({ source, outer, reduced, inner }: ReductionLayout): Float64Array {
  const totals = new Float64Array(outer * inner);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) totals[o] = sumRange(source, o * reduced, reduced);
    return totals;
  }
  for (let o = 0; o < outer; o++) {
    const target = o * inner;
    for (let r = 0; r < reduced; r++) {
      const base = (o * reduced + r) * inner;
      for (let i = 0; i < inner; i++) totals[target + i]! += source[base + i]!;
    }
  }
  return totals;
}

/**
 * Sum over the given axes: `out = Σᵢ x[i]` along `axis` (all axes when omitted).
 *
 * `axis` is one axis, a list (negative axes count from the end; `[]` reduces nothing) or undefined for
 * all; `keepDims` keeps reduced axes as size 1. Float32 data is accumulated in float64 and rounded once.
 * The sum of an empty tensor is 0. NaN anywhere in a slice gives NaN.
 *
 * @throws {@link ValueError} for an axis out of range or listed twice.
 * @example
 * ```ts
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * sum(x); // 21
 * sum(x, 0); // [5, 7, 9]
 * sum(x, -1, true); // [[6], [15]]
 * ```
 */
export function sum(x: TensorLike, axis?: ReductionAxes, keepDims = false): Tensor {
  const layout = planReduction("sum", x, axis, keepDims);
  return new Tensor(inDType(sumLayout(layout), x.dtype), layout.outputShape);
}

/**
 * Arithmetic mean over the given axes: `out = (1/n) Σᵢ x[i]` with n the number of reduced elements.
 *
 * Same axes and `keepDims` as {@link sum}; accumulated in float64.
 *
 * @throws {@link ValueError} when a reduced slice is empty (the mean of nothing is undefined), or for a bad axis.
 * @example
 * ```ts
 * mean(tensor([[1, 2], [3, 4]]), 1); // [1.5, 3.5]
 * ```
 */
export function mean(x: TensorLike, axis?: ReductionAxes, keepDims = false): Tensor {
  const layout = planReduction("mean", x, axis, keepDims);
  assertNonEmpty("mean", x, layout, "the mean of no values is undefined; check the shape or use sum");
  const totals = sumLayout(layout);
  for (let index = 0; index < totals.length; index++) totals[index]! /= layout.reduced;
  return new Tensor(inDType(totals, x.dtype), layout.outputShape);
}

/**
 * Product over the given axes: `out = ∏ᵢ x[i]`, accumulated in float64.
 *
 * Same axes and `keepDims` as {@link sum}. The product of an empty slice is 1.
 *
 * @throws {@link ValueError} for an axis out of range or listed twice.
 * @example
 * ```ts
 * prod(tensor([[1, 2], [3, 4]]), 0); // [3, 8]
 * ```
 */
export function prod(x: TensorLike, axis?: ReductionAxes, keepDims = false): Tensor {
  const { source, outer, reduced, inner, outputShape } = planReduction("prod", x, axis, keepDims);
  const products = new Float64Array(outer * inner).fill(1);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let product = 1;
      const end = (o + 1) * reduced;
      for (let index = o * reduced; index < end; index++) product *= source[index]!;
      products[o] = product;
    }
  } else {
    for (let o = 0; o < outer; o++) {
      const target = o * inner;
      for (let r = 0; r < reduced; r++) {
        const base = (o * reduced + r) * inner;
        for (let i = 0; i < inner; i++) products[target + i]! *= source[base + i]!;
      }
    }
  }
  return new Tensor(inDType(products, x.dtype), outputShape);
}
