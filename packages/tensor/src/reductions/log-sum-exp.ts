import type { Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "../core/tensor.js";
import { extremaLayout } from "./extrema.js";
import { inDType, planReduction, type ReductionAxes } from "./layout.js";

/**
 * Stable `log Σ exp` over the given axes: `out = m + log Σᵢ exp(x[i] − m)` with `m = maxᵢ x[i]`.
 *
 * Subtracting the maximum keeps every exponential in (0, 1], so nothing overflows: `logSumExp([1000, 1000])`
 * is `1000 + log 2`, where the naive formula gives Infinity. Accumulated in float64. Edge cases: a slice
 * of all −Infinity (or an empty slice) gives −Infinity, one containing +Infinity gives +Infinity, and
 * NaN propagates. Same axes and `keepDims` as {@link sum}.
 *
 * @throws {@link ValueError} for an axis out of range or listed twice.
 * @example
 * ```ts
 * logSumExp(tensor([[0, 0], [1000, 1000]]), 1); // [0.6931472, 1000.6931]
 * ```
 */
export function logSumExp(x: TensorLike, axis?: ReductionAxes, keepDims = false): Tensor {
  const layout = planReduction("logSumExp", x, axis, keepDims);
  const { source, outer, reduced, inner } = layout;
  const results = extremaLayout(layout, 1);
  // A non-finite maximum is no useful shift (∞ − ∞ = NaN); shifting by 0 then gives the right ±∞ or NaN.
  for (let index = 0; index < results.length; index++) {
    if (!Number.isFinite(results[index]!)) results[index] = 0;
  }
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const shift = results[o]!;
      let total = 0;
      const end = (o + 1) * reduced;
      for (let index = o * reduced; index < end; index++) total += Math.exp(source[index]! - shift);
      results[o] = shift + Math.log(total);
    }
  } else {
    const totals = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      const target = o * inner;
      totals.fill(0);
      for (let r = 0; r < reduced; r++) {
        const base = (o * reduced + r) * inner;
        for (let i = 0; i < inner; i++) totals[i]! += Math.exp(source[base + i]! - results[target + i]!);
      }
      for (let i = 0; i < inner; i++) results[target + i] = results[target + i]! + Math.log(totals[i]!);
    }
  }
  return new Tensor(inDType(results, x.dtype), layout.outputShape);
}
