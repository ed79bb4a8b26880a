import type { GradientTransformation } from "@descent/spec";
import { gradientLeaves, updateData, updatesTree } from "../core/leaves.js";
import type { EmptyState } from "../core/types.js";
import { rejectUnknownOptions, requireNonNegative, requirePositive } from "../core/validate.js";
import { globalNorm } from "../tree/tree.js";
import { scaleTree } from "./scale.js";

/**
 * Clips every update element to `[−maxAbsoluteValue, maxAbsoluteValue]`:
 * `updates = min(max(g, −c), c)`, as PyTorch's `clip_grad_value_` and optax's `clip`. NaN stays NaN.
 *
 * @example
 * ```ts
 * const clipped = chain(clipByValue(1), adam({ learningRate: 1e-3 }));
 * ```
 */
export function clipByValue(maxAbsoluteValue: number): GradientTransformation<EmptyState> {
  const op = "clipByValue";
  const limit = requireNonNegative(op, "maxAbsoluteValue", maxAbsoluteValue);
  return {
    init: () => ({}),
    update: (gradients, state) => {
      const leaves = gradientLeaves(op, gradients);
      const outputs = leaves.flat.leaves.map((leaf, k) => {
        const g = leaf.data;
        const out = updateData(leaves, k);
        for (let i = 0; i < g.length; i++) {
          const gi = g[i]!;
          out[i] = Math.min(Math.max(gi, -limit), limit);
        }
        return out;
      });
      return { updates: updatesTree(leaves, outputs), state };
    },
  };
}

/**
 * Rescales all updates together when their global norm exceeds `maxNorm`, as PyTorch's `clip_grad_norm_`:
 * `updates = g · min(1, maxNorm / (‖g‖ + ε))` with `‖g‖ = √(Σ g²)` over every leaf.
 *
 * @param options.epsilon - ε ≥ 0 guarding the division. Default 1e-6 (PyTorch); optax uses 0 (`g · maxNorm/‖g‖`).
 * @example
 * ```ts
 * const optimizer = chain(clipByGlobalNorm(1), adam({ learningRate: 1e-3 }));
 * ```
 */
export function clipByGlobalNorm(
  maxNorm: number,
  options: { readonly epsilon?: number } = {},
): GradientTransformation<EmptyState> {
  const op = "clipByGlobalNorm";
  rejectUnknownOptions(op, options, ["epsilon"]);
  requirePositive(op, "maxNorm", maxNorm);
  const epsilon = requireNonNegative(op, "epsilon", options.epsilon ?? 1e-6);
  return {
    init: () => ({}),
    update: (gradients, state) => {
      const norm = globalNorm(gradients);
      const factor = maxNorm / (norm + epsilon);
      // Under the limit the updates pass through untouched (no copy, no rounding).
      if (factor >= 1) return { updates: gradients, state };
      return { updates: scaleTree(op, gradients, factor), state };
    },
  };
}
