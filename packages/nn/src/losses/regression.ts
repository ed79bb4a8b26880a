import { abs, add, mean, minimum, mul, type Operand, square, sub, type Traced } from "@descent/autodiff";
import type { Tensor as TensorLike } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { checkOptionKeys, describe } from "../layers/validate.js";
import { checkSameShape } from "./targets.js";

/**
 * Mean squared error over every element: `L = (1/n) Σ (ŷ − y)²`. Predictions and targets must have the
 * same shape (`[N, 1]` predictions take `[N, 1]` targets: no broadcasting).
 *
 * @example
 * meanSquaredError(predictions, targets).item()
 */
export function meanSquaredError(predictions: Operand, targets: TensorLike): Traced {
  checkSameShape("meanSquaredError", predictions, targets);
  return mean(square(sub(predictions, targets)));
}

/**
 * Mean absolute error over every element: `L = (1/n) Σ |ŷ − y|` (subgradient 0 where `ŷ = y`).
 *
 * @example
 * meanAbsoluteError(predictions, targets).item()
 */
export function meanAbsoluteError(predictions: Operand, targets: TensorLike): Traced {
  checkSameShape("meanAbsoluteError", predictions, targets);
  return mean(abs(sub(predictions, targets)));
}

/**
 * Huber loss: quadratic for small errors, linear for large ones (robust to outliers). With `e = ŷ − y`:
 * `ℓ(e) = ½e²` if `|e| ≤ δ`, else `δ(|e| − ½δ)`; `L = (1/n) Σ ℓ`. Computed as `½q² + δ(|e| − q)` with
 * `q = min(|e|, δ)`, which is smooth at `|e| = δ`.
 *
 * @example
 * huber(predictions, targets, { delta: 1 }).item()
 */
export function huber(
  predictions: Operand,
  targets: TensorLike,
  options: { readonly delta?: number } = {},
): Traced {
  checkOptionKeys("huber", options, ["delta"]);
  const delta = options.delta ?? 1;
  if (typeof delta !== "number" || !(delta > 0) || !Number.isFinite(delta))
    throw new ValueError("huber", `delta is ${describe(delta)}: use a positive number`);
  checkSameShape("huber", predictions, targets);
  const error = abs(sub(predictions, targets));
  const quadratic = minimum(error, delta);
  return mean(add(mul(square(quadratic), 0.5), mul(sub(error, quadratic), delta)));
}
