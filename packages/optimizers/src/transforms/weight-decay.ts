import type { GradientTransformation } from "@descent/spec";
import { type Mask, resolveMask } from "../combine/mask.js";
import { gradientLeaves, stateLeaves, updateData, updatesTree } from "../core/leaves.js";
import type { EmptyState } from "../core/types.js";
import { requireNonNegative } from "../core/validate.js";

/**
 * Adds decayed weights to the updates: `updates = g + λ·θ` (on the leaves `mask` selects; others pass through).
 * Its place in a chain decides its meaning: *before* an adaptive scaling (e.g. `scaleByAdam`) it is coupled
 * L2 regularization (PyTorch `Adam(weight_decay=λ)`); *after* it and before `scaleByLearningRate(η)` it is
 * decoupled weight decay `θ ← θ − η·λ·θ − η·adam` (Loshchilov & Hutter 2019; PyTorch `AdamW`).
 *
 * @param weightDecay - λ ≥ 0.
 * @param mask - leaves to decay (default all); e.g. `(path) => path.at(-1) !== "bias"` leaves biases alone.
 * @example
 * ```ts
 * const adamw = chain(scaleByAdam(), addDecayedWeights(0.01, (path) => path.at(-1) !== "bias"), scaleByLearningRate(1e-3));
 * ```
 */
export function addDecayedWeights(weightDecay: number, mask?: Mask): GradientTransformation<EmptyState> {
  const op = "addDecayedWeights";
  const decay = requireNonNegative(op, "weightDecay", weightDecay);
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
