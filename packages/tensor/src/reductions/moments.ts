import type { Tensor as TensorLike } from "@descent/spec";
import { ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { describe, readOptions } from "../creation/validate.js";
import { assertNonEmpty, inDType, planReduction, type ReductionAxes } from "./layout.js";
import { sumLayout } from "./sum.js";

/** Options of {@link variance} and {@link standardDeviation}. */
export interface VarianceOptions {
  /**
   * Subtracted from the count in the denominator: 0 (default) for the population variance, 1 for the
   * unbiased sample variance (Bessel's correction, `ddof = 1` in NumPy, `unbiased` in PyTorch).
   */
  readonly correction?: number;
}

function varianceValues(
  op: string,
  x: TensorLike,
  axis: ReductionAxes,
  keepDims: boolean,
  given: VarianceOptions,
): { values: Float64Array; shape: number[] } {
  const correction = readOptions(op, given, ["correction"]).correction ?? 0;
  if (typeof correction !== "number" || !Number.isFinite(correction) || correction < 0) {
    throw new ValueError(
      op,
      `options.correction must be a finite number ≥ 0 (0 or 1 usually), got ${describe(correction)}`,
    );
  }
  const layout = planReduction(op, x, axis, keepDims);
  assertNonEmpty(op, x, layout, "the variance of no values is undefined; check the shape");
  const { source, outer, reduced, inner } = layout;
  const denominator = reduced - correction;
  if (denominator <= 0 && outer * inner > 0) {
    throw new ValueError(
      op,
      `correction ${correction} leaves no degrees of freedom for slices of ${reduced} element(s): use a smaller correction or reduce over more elements`,
    );
  }
  // Two passes (mean, then squared deviations): no catastrophic cancellation, unlike E[x²] − E[x]².
  const means = sumLayout(layout);
  for (let index = 0; index < means.length; index++) means[index]! /= reduced;
  const results = new Float64Array(means.length);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const center = means[o]!;
      let total = 0;
      const end = (o + 1) * reduced;
      for (let index = o * reduced; index < end; index++) {
        const deviation = source[index]! - center;
        total += deviation * deviation;
      }
      results[o] = total / denominator;
    }
  } else {
    for (let o = 0; o < outer; o++) {
      const target = o * inner;
      for (let r = 0; r < reduced; r++) {
        const base = (o * reduced + r) * inner;
        for (let i = 0; i < inner; i++) {
          const deviation = source[base + i]! - means[target + i]!;
          results[target + i]! += deviation * deviation;
        }
      }
    }
    for (let index = 0; index < results.length; index++) results[index]! /= denominator;
  }
  return { values: results, shape: layout.outputShape };
}

/**
 * Variance over the given axes: `out = Σᵢ (x[i] − x̄)² / (n − correction)` with `x̄` the mean of the n
 * reduced elements.
 *
 * Two passes in float64 (mean, then squared deviations), so large offsets do not cancel. Same axes and
 * `keepDims` as {@link sum}. NaN propagates.
 *
 * @throws {@link ValueError} for an empty slice, `n − correction ≤ 0`, a negative correction, or a bad axis.
 * @example
 * ```ts
 * variance(tensor([1, 2, 3, 4])); // 1.25
 * variance(tensor([1, 2, 3, 4]), 0, false, { correction: 1 }); // 1.6666666
 * ```
 */
export function variance(
  x: TensorLike,
  axis?: ReductionAxes,
  keepDims = false,
  options: VarianceOptions = {},
): Tensor {
  const { values, shape } = varianceValues("variance", x, axis, keepDims, options);
  return new Tensor(inDType(values, x.dtype), shape);
}

/**
 * Standard deviation over the given axes: `out = √(Σᵢ (x[i] − x̄)² / (n − correction))`.
 *
 * The square root of {@link variance}, with the same arguments and errors.
 *
 * @example
 * ```ts
 * standardDeviation(tensor([[1, 3], [5, 5]]), 1); // [1, 0]
 * ```
 */
export function standardDeviation(
  x: TensorLike,
  axis?: ReductionAxes,
  keepDims = false,
  options: VarianceOptions = {},
): Tensor {
  const { values, shape } = varianceValues("standardDeviation", x, axis, keepDims, options);
  for (let index = 0; index < values.length; index++) values[index] = Math.sqrt(values[index]!);
  return new Tensor(inDType(values, x.dtype), shape);
}
