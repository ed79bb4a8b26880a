import type { GradientTransformation, Mask } from "@descent/spec";
import { requireMask, resolveMask } from "@descent/tensor";
import { gradientLeaves, stateLeaves, updateData, updatesTree } from "../core/leaves.js";
import type { EmptyState } from "../core/types.js";
import { requireNonNegative } from "../core/validate.js";

/**
 * Weight decay, the one transform for it in descent: adds decayed weights to the updates,
 * `updates = g + λ·θ` on the leaves `mask` selects (other leaves pass through unchanged).
 *
 * **Default: every parameter is decayed**, biases and normalization scales included — as optax's
 * `add_decayed_weights`, PyTorch's `AdamW` and Keras' `weight_decay` do. To decay weights only, pass a
 * mask, e.g. `(path) => path.at(-1) !== "bias"`, or `(path, tensor) => tensor.shape.length > 1` (matrices
 * and kernels, not vectors), or a tree of booleans keyed like the parameters.
 *
 * Its place in a chain decides its meaning: *before* an adaptive scaling (e.g. `scaleByAdam`) it is coupled
 * L2 regularization (PyTorch `Adam(weight_decay=λ)`); *after* it and before `scaleByLearningRate(η)` it is
 * decoupled weight decay `θ ← θ − η·λ·θ − η·adam` (Loshchilov & Hutter 2019; PyTorch `AdamW`), and a
 * learning-rate schedule then scales the decay too.
 *
 * @param weightDecay - λ ≥ 0.
 * @param mask - leaves to decay: a predicate `(path, tensor) => boolean` or a tree of booleans. Default: all.
 * @example
 * ```ts
 * const adamw = chain(scaleByAdam(), addDecayedWeights(0.01, (path) => path.at(-1) !== "bias"), scaleByLearningRate(1e-3));
 * ```
 */
export function addDecayedWeights(weightDecay: number, mask?: Mask): GradientTransformation<EmptyState> {
  const op = "addDecayedWeights";
  const decay = requireNonNegative(op, "weightDecay", weightDecay);
  if (mask !== undefined) requireMask(op, "mask", mask);
  return {
    init: () => ({}),
    update: (gradients, state, params) => {
      const leaves = gradientLeaves(op, gradients);
      const weights = stateLeaves(op, leaves, params, "params");
      const selected = mask === undefined ? null : resolveMask(op, mask, leaves.flat);
      const outputs = leaves.flat.leaves.map((leaf, k) => {
        const g = leaf.data;
        if (selected !== null && !selected[k]) return g;
        const p = weights[k]!.data;
        const out = updateData(leaves, k);
        for (let i = 0; i < g.length; i++) out[i] = g[i]! + decay * p[i]!;
        return out;
      });
      return { updates: updatesTree(leaves, outputs), state };
    },
  };
}
