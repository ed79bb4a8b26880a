import * as T from "@descent/tensor";
import { type Operand, record, type Traced, tensorOf } from "../core/traced.js";
import { div, mul, sub, where } from "./elementwise-binary.js";
import { exp } from "./elementwise-unary.js";
import { expandTo, keptShape, reducedAxes, reducedCount } from "./reduce-axes.js";
import { reshape } from "./shape-ops.js";

/** Axes to reduce over: one axis, a list (empty = no reduction), or all when absent. */
export type Axis = number | readonly number[];

/**
 * Sum over `axis` (all axes when absent); the gradient is broadcast back.
 *
 * `∂/∂xᵢ = 1`
 *
 * @example sum(square(x))
 */
export function sum(x: Operand, axis?: Axis, keepDims = false): Traced {
  const input = tensorOf(x);
  return record("sum", T.sum(input, axis, keepDims), [x], (g) => [
    expandTo(g, input.shape, reducedAxes("sum", axis, input.shape.length)),
  ]);
}

/**
 * Mean over `axis` (all axes when absent).
 *
 * `∂/∂xᵢ = 1/n` for the `n` elements averaged
 *
 * @example mean(square(sub(prediction, target)))
 */
export function mean(x: Operand, axis?: Axis, keepDims = false): Traced {
  const input = tensorOf(x);
  return record("mean", T.mean(input, axis, keepDims), [x], (g) => {
    const axes = reducedAxes("mean", axis, input.shape.length);
    // Scale before broadcasting: the cotangent is the smaller tensor.
    return [expandTo(mul(g, 1 / reducedCount(input.shape, axes)), input.shape, axes)];
  });
}

/**
 * Largest element over `axis`. Ties share the gradient equally.
 *
 * `∂/∂xᵢ = [xᵢ = max] / #{j : xⱼ = max}`
 *
 * @example max(logits, -1)
 */
export function max(x: Operand, axis?: Axis, keepDims = false): Traced {
  const input = tensorOf(x);
  return record("max", T.max(input, axis, keepDims), [x], (g, [x], y) => {
    const axes = reducedAxes("max", axis, input.shape.length);
    return [mul(reshape(g, keptShape(input.shape, axes)), extremumShare(x!, y, axes))];
  });
}

/**
 * Smallest element over `axis`. Ties share the gradient equally.
 *
 * `∂/∂xᵢ = [xᵢ = min] / #{j : xⱼ = min}`
 *
 * @example min(distances, -1)
 */
export function min(x: Operand, axis?: Axis, keepDims = false): Traced {
  const input = tensorOf(x);
  return record("min", T.min(input, axis, keepDims), [x], (g, [x], y) => {
    const axes = reducedAxes("min", axis, input.shape.length);
    return [mul(reshape(g, keptShape(input.shape, axes)), extremumShare(x!, y, axes))];
  });
}

/** `[xᵢ = extremum] / count of ties`, a constant. */
function extremumShare(x: Operand, extremum: Operand, axes: readonly number[]): T.Tensor {
  const value = tensorOf(x);
  // NOTE: ties split the gradient equally (as JAX and PyTorch's full reductions): the average of the
  // one-sided derivatives, independent of the order of the elements.
  const isExtremum = T.equal(value, T.reshape(tensorOf(extremum), keptShape(value.shape, axes)));
  return T.div(isExtremum, T.sum(isExtremum, axes, true));
}

/**
 * `ln Σ exp(x)` over `axis`, computed stably; its gradient is the softmax.
 *
 * `∂/∂xᵢ = exp(xᵢ - y)`
 *
 * @example logSumExp(logits, -1)
 */
export function logSumExp(x: Operand, axis?: Axis, keepDims = false): Traced {
  const input = tensorOf(x);
  return record("logSumExp", T.logSumExp(input, axis, keepDims), [x], (g, [x], y) => {
    const axes = reducedAxes("logSumExp", axis, input.shape.length);
    const kept = keptShape(input.shape, axes);
    return [mul(reshape(g, kept), exp(sub(x!, reshape(y, kept))))];
  });
}

/**
 * Product over `axis`. The gradient is the product of the other elements, exact with zeros.
 *
 * `∂/∂xᵢ = ∏_{j≠i} xⱼ`
 *
 * @example prod(x, 1)
 */
export function prod(x: Operand, axis?: Axis, keepDims = false): Traced {
  const input = tensorOf(x);
  return record("prod", T.prod(input, axis, keepDims), [x], (g, [x]) => {
    const axes = reducedAxes("prod", axis, input.shape.length);
    // y/xᵢ fails where xᵢ = 0, so count the zeros of each product: with none, ∏_{j≠i} = ∏'/xᵢ where
    // ∏' is the product of the non-zero elements; with one, the zero gets ∏' and the others 0; with more, all get 0.
    const value = tensorOf(x!);
    const isZero = T.equal(value, 0);
    const zeros = T.sum(isZero, axes, true);
    const nonZero = where(isZero, 1, x!);
    const productOfNonZero = prod(nonZero, axes, true);
    const others = where(
      isZero,
      mul(productOfNonZero, T.equal(zeros, 1)),
      mul(div(productOfNonZero, nonZero), T.equal(zeros, 0)),
    );
    return [mul(reshape(g, keptShape(input.shape, axes)), others)];
  });
}
