import type { Tensor as TensorLike } from "@descent/spec";
import { ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { describe, readOptions } from "../creation/validate.js";
import { inDType, planReduction, type ReductionAxes, type ReductionLayout } from "./layout.js";

/** Options of {@link norm}. */
export interface NormOptions {
  /** 1 (sum of absolute values), 2 (Euclidean, the default) or `"inf"` (largest absolute value). */
  readonly order?: 1 | 2 | "inf";
  /** Axes to reduce (all when omitted), as in {@link sum}. */
  readonly axis?: ReductionAxes;
  /** Keep reduced axes as size 1. */
  readonly keepDims?: boolean;
}

/** Below this a float64 sum of squares may have lost digits to underflow (squares of values below ~1e-154). */
const UNDERFLOW_RISK = 1e-280;

/**
 * Vector norm over the given axes (entry-wise: over two axes, order 2 is the Frobenius norm):
 * `‖x‖₁ = Σ|xᵢ|`, `‖x‖₂ = √(Σ xᵢ²)`, `‖x‖∞ = max |xᵢ|`.
 *
 * Accumulated in float64. For float64 inputs whose squares overflow or underflow (|x| beyond ~1e154 or
 * below ~1e-154), the 2-norm is recomputed scaled by the largest |xᵢ|, so `norm([1e200, 1e200])` is
 * `1.414e200`, not Infinity. The norm of an empty slice is 0. NaN propagates.
 *
 * @throws {@link ValueError} for an unknown order or a bad axis.
 * @example
 * ```ts
 * norm(tensor([3, 4])); // 5
 * norm(tensor([[1, -2], [3, -4]]), { order: 1, axis: 1 }); // [3, 7]
 * norm(tensor([1, -7, 3]), { order: "inf" }); // 7
 * ```
 */
export function norm(x: TensorLike, given: NormOptions = {}): Tensor {
  const options = readOptions("norm", given, ["order", "axis", "keepDims"]);
  const order = options.order ?? 2;
  if (order !== 1 && order !== 2 && order !== "inf") {
    throw new ValueError("norm", `order must be 1, 2 or "inf", got ${describe(order)}`);
  }
  const layout = planReduction("norm", x, options.axis, options.keepDims ?? false);
  if (order === "inf") return new Tensor(inDType(maxAbsolute(layout), x.dtype), layout.outputShape);
  const results = powerSums(layout, order, undefined);
  if (order === 2) {
    // Float32 data cannot trip this: its squares always fit float64's range.
    let rescue = false;
    if (x.dtype === "float64") {
      for (const value of results) if (value === Infinity || value < UNDERFLOW_RISK) rescue = true;
    }
    if (rescue) {
      const scales = maxAbsolute(layout);
      for (let index = 0; index < scales.length; index++) {
        if (!(scales[index]! > 0 && Number.isFinite(scales[index]!))) scales[index] = 1;
      }
      const scaled = powerSums(layout, 2, scales);
      for (let index = 0; index < results.length; index++) {
        results[index] = scales[index]! * Math.sqrt(scaled[index]!);
      }
    } else {
      for (let index = 0; index < results.length; index++) results[index] = Math.sqrt(results[index]!);
    }
  }
  return new Tensor(inDType(results, x.dtype), layout.outputShape);
}

/** max |xᵢ| per slice, NaN propagating; 0 for an empty slice. */
function maxAbsolute({ source, outer, reduced, inner }: ReductionLayout): Float64Array {
  const results = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < reduced; r++) {
      const base = (o * reduced + r) * inner;
      for (let i = 0; i < inner; i++) {
        const value = Math.abs(source[base + i]!);
        const target = o * inner + i;
        if (value > results[target]! || Number.isNaN(value)) results[target] = value;
      }
    }
  }
  return results;
}

/** Σ (|x| / scale)^power per slice (power 1 or 2), with a scale per result element or none. */
function powerSums(
  { source, outer, reduced, inner }: ReductionLayout,
  power: 1 | 2,
  scales: Float64Array | undefined,
): Float64Array {
  const totals = new Float64Array(outer * inner);
  if (inner === 1 && scales === undefined) {
    for (let o = 0; o < outer; o++) {
      let total = 0;
      const end = (o + 1) * reduced;
      if (power === 1) for (let index = o * reduced; index < end; index++) total += Math.abs(source[index]!);
      else {
        for (let index = o * reduced; index < end; index++) total += source[index]! * source[index]!;
      }
      totals[o] = total;
    }
    return totals;
  }
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < reduced; r++) {
      const base = (o * reduced + r) * inner;
      for (let i = 0; i < inner; i++) {
        const target = o * inner + i;
        const value = scales === undefined ? source[base + i]! : source[base + i]! / scales[target]!;
        totals[target]! += power === 1 ? Math.abs(value) : value * value;
      }
    }
  }
  return totals;
}
