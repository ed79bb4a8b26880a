import * as T from "@descent/tensor";
import { ValueError } from "@descent/tensor";
import { assertOptionsObject, type Operand, record, type Traced, tensorOf } from "../core/traced.js";
import { add, div, mul, sub } from "./elementwise-binary.js";
import { keptShape, reducedAxes, reducedCount } from "./reduce-axes.js";
import { type Axis, mean, sum } from "./reductions.js";
import { reshape } from "./shape-ops.js";

/** Options of {@link variance} and {@link standardDeviation}. */
export interface VarianceOptions {
  /** Divide by `n - correction` (0: population variance, 1: Bessel's sample variance). Default 0. */
  readonly correction?: number;
}

/**
 * Variance over `axis`: `Σ(x - x̄)² / (n - correction)`.
 *
 * `∂/∂xᵢ = 2(xᵢ - x̄) / (n - correction)`
 *
 * @example variance(x, 0)
 */
export function variance(x: Operand, axis?: Axis, keepDims = false, options: VarianceOptions = {}): Traced {
  const input = tensorOf(x);
  return record("variance", T.variance(input, axis, keepDims, options), [x], (g, [x]) => {
    const axes = reducedAxes("variance", axis, input.shape.length);
    const divisor = reducedCount(input.shape, axes) - (options.correction ?? 0);
    return [mul(reshape(mul(g, 2 / divisor), keptShape(input.shape, axes)), sub(x!, mean(x!, axes, true)))];
  });
}

/**
 * Standard deviation over `axis`: `√variance`.
 *
 * `∂/∂xᵢ = (xᵢ - x̄) / ((n - correction)·σ)`, taken as 0 where `σ = 0` (a constant slice).
 *
 * @example standardDeviation(x, -1)
 */
export function standardDeviation(
  x: Operand,
  axis?: Axis,
  keepDims = false,
  options: VarianceOptions = {},
): Traced {
  const input = tensorOf(x);
  const forward = T.standardDeviation(input, axis, keepDims, options);
  return record("standardDeviation", forward, [x], (g, [x], y) => {
    const axes = reducedAxes("standardDeviation", axis, input.shape.length);
    const divisor = reducedCount(input.shape, axes) - (options.correction ?? 0);
    const kept = keptShape(input.shape, axes);
    const sigma = reshape(y, kept);
    // NOTE: σ = 0 (all elements equal) has no derivative; use 0 there rather than 0/0 = NaN.
    const safeSigma = add(sigma, T.equal(tensorOf(sigma), 0));
    const scale = div(reshape(g, kept), mul(safeSigma, divisor));
    return [mul(scale, sub(x!, mean(x!, axes, true)))];
  });
}

/** Options of {@link norm}. */
export interface NormOptions {
  /** 1: `Σ|x|`, 2: `√Σx²` (default), `"inf"`: `max|x|`. */
  readonly order?: 1 | 2 | "inf";
  /** Axis or axes to reduce (negative counts from the end). Default: all axes. */
  readonly axis?: Axis;
  /** Keep each reduced axis with size 1 (so the result broadcasts against `x`). Default `false`. */
  readonly keepDims?: boolean;
}

/**
 * Vector norm over `axis` (all axes when absent).
 *
 * `∂‖x‖₂/∂xᵢ = xᵢ/‖x‖₂`, `∂‖x‖₁/∂xᵢ = sign(xᵢ)`, `∂‖x‖∞/∂xᵢ = sign(xᵢ)·[|xᵢ| = ‖x‖∞] / #ties`;
 * 0 at `x = 0` for every order (the minimum-norm subgradient).
 *
 * @example norm(gradient, { order: 2 })
 */
export function norm(x: Operand, options: NormOptions = {}): Traced {
  assertOptionsObject("norm", options);
  const input = tensorOf(x);
  const order = options.order ?? 2;
  if (order !== 1 && order !== 2 && order !== "inf") {
    throw new ValueError("norm", `order ${String(order)} is not supported: use 1, 2 or "inf"`);
  }
  return record("norm", T.norm(input, options), [x], (g, [x], y) => {
    const axes = reducedAxes("norm", options.axis, input.shape.length);
    const value = tensorOf(x!);
    const spread = reshape(g, keptShape(input.shape, axes));
    // NOTE: sign(0) = 0 gives the subgradient 0 at x = 0 for orders 1 and ∞, as abs'(0) = 0.
    if (order === 1) return [mul(spread, T.sign(value))];
    const kept = reshape(y, keptShape(input.shape, axes));
    if (order === 2) {
      // NOTE: ‖x‖ = 0 only when x = 0: dividing by ‖x‖ + 1 there gives 0 instead of 0/0 = NaN.
      return [mul(div(spread, add(kept, T.equal(tensorOf(kept), 0))), x!)];
    }
    const isExtremum = T.equal(T.abs(value), tensorOf(kept));
    const share = T.div(T.mul(T.sign(value), isExtremum), T.sum(isExtremum, axes, true));
    return [mul(spread, share)];
  });
}

/**
 * Cumulative sum along `axis`; the gradient is the reverse cumulative sum of the cotangent.
 *
 * `∂L/∂xᵢ = Σ_{k ≥ i} gₖ = Σₖ gₖ - Σ_{k ≤ i} gₖ + gᵢ`
 *
 * @example cumsum(x, 0)
 */
export function cumsum(x: Operand, axis: number): Traced {
  return record("cumsum", T.cumsum(tensorOf(x), axis), [x], (g) => [
    add(sub(sum(g, axis, true), cumsum(g, axis)), g),
  ]);
}
