import type { Tensor as TensorLike } from "@descent/spec";
import { describeValue } from "../core/describe.js";
import { ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import {
  assertNonEmpty,
  inDType,
  planReduction,
  type ReductionAxes,
  type ReductionLayout,
} from "./layout.js";

/** Per-slice maxima (`sign = 1`) or minima (`sign = −1`) in float64; a NaN in a slice makes its result NaN. */
export function extremaLayout(
  { source, outer, reduced, inner }: ReductionLayout,
  sign: 1 | -1,
): Float64Array {
  const results = new Float64Array(outer * inner).fill(-sign * Infinity);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let best = -sign * Infinity;
      const end = (o + 1) * reduced;
      // `!(value <= best)` is true for a larger value and for NaN; the first NaN ends the slice.
      if (sign === 1) {
        for (let index = o * reduced; index < end; index++) {
          const value = source[index]!;
          if (!(value <= best)) {
            best = value;
            if (Number.isNaN(value)) break;
          }
        }
      } else {
        for (let index = o * reduced; index < end; index++) {
          const value = source[index]!;
          if (!(value >= best)) {
            best = value;
            if (Number.isNaN(value)) break;
          }
        }
      }
      results[o] = best;
    }
    return results;
  }
  for (let o = 0; o < outer; o++) {
    const target = o * inner;
    for (let r = 0; r < reduced; r++) {
      const base = (o * reduced + r) * inner;
      for (let i = 0; i < inner; i++) {
        const value = source[base + i]!;
        const best = results[target + i]!;
        if ((sign === 1 ? value > best : value < best) || Number.isNaN(value)) results[target + i] = value;
      }
    }
  }
  return results;
}

/**
 * Maximum over the given axes: `out = maxᵢ x[i]`.
 *
 * Same axes and `keepDims` as {@link sum}. NaN propagates: a slice containing NaN has maximum NaN
 * (like `np.max`, unlike `np.nanmax`).
 *
 * @throws {@link ValueError} when a reduced slice is empty (no identity for max), or for a bad axis.
 * @example
 * ```ts
 * max(tensor([[1, 5], [3, 2]]), 1); // [5, 3]
 * ```
 */
export function max(x: TensorLike, axis?: ReductionAxes, keepDims = false): Tensor {
  const layout = planReduction("max", x, axis, keepDims);
  assertNonEmpty("max", x, layout, "the maximum of no values is undefined; check the shape");
  return new Tensor(inDType(extremaLayout(layout, 1), x.dtype), layout.outputShape);
}

/**
 * Minimum over the given axes: `out = minᵢ x[i]`. NaN propagates, as in {@link max}.
 *
 * @throws {@link ValueError} when a reduced slice is empty (no identity for min), or for a bad axis.
 * @example
 * ```ts
 * min(tensor([[1, 5], [3, 2]])); // 1
 * ```
 */
export function min(x: TensorLike, axis?: ReductionAxes, keepDims = false): Tensor {
  const layout = planReduction("min", x, axis, keepDims);
  assertNonEmpty("min", x, layout, "the minimum of no values is undefined; check the shape");
  return new Tensor(inDType(extremaLayout(layout, -1), x.dtype), layout.outputShape);
}

function argExtremum(
  op: string,
  x: TensorLike,
  axis: number | undefined,
  keepDims: boolean,
  sign: 1 | -1,
): Tensor {
  if (axis !== undefined && typeof axis !== "number") {
    throw new ValueError(op, `takes a single axis (a number) or none, got ${describeValue(axis)}`);
  }
  const layout = planReduction(op, x, axis, keepDims);
  assertNonEmpty(
    op,
    x,
    layout,
    `the position of the ${sign === 1 ? "maximum" : "minimum"} of no values is undefined`,
  );
  const { source, outer, reduced, inner } = layout;
  const indices = new Float64Array(outer * inner);
  // Strict comparisons keep the first occurrence on ties; the first NaN wins and is never replaced.
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let bestIndex = 0;
      let best = source[o * reduced * inner + i]!;
      for (let r = 1; r < reduced && !Number.isNaN(best); r++) {
        const value = source[(o * reduced + r) * inner + i]!;
        if ((sign === 1 ? value > best : value < best) || Number.isNaN(value)) {
          best = value;
          bestIndex = r;
        }
      }
      indices[o * inner + i] = bestIndex;
    }
  }
  return new Tensor(indices, layout.outputShape);
}

/**
 * Index of the maximum along `axis`: `out = argmaxᵢ x[i]` (over the flattened tensor when `axis` is omitted).
 *
 * Indices are float64 values (exact up to 2⁵³). Ties give the first occurrence; a NaN counts as the
 * maximum, so the index of the first NaN is returned (as NumPy does).
 *
 * @throws {@link ValueError} for an empty slice, a list of axes, or an axis out of range.
 * @example
 * ```ts
 * argmax(tensor([[1, 5, 5], [7, 2, 0]]), 1); // [1, 0]
 * argmax(tensor([[1, 5], [7, 2]])); // 2 (flat index)
 * ```
 */
export function argmax(x: TensorLike, axis?: number, keepDims = false): Tensor {
  return argExtremum("argmax", x, axis, keepDims, 1);
}

/**
 * Index of the minimum along `axis`: `out = argminᵢ x[i]`. Same conventions as {@link argmax}.
 *
 * @throws {@link ValueError} for an empty slice, a list of axes, or an axis out of range.
 * @example
 * ```ts
 * argmin(tensor([3, 1, 1])); // 1
 * ```
 */
export function argmin(x: TensorLike, axis?: number, keepDims = false): Tensor {
  return argExtremum("argmin", x, axis, keepDims, -1);
}
