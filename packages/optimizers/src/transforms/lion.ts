import type { GradientTransformation, ParamTree } from "@descent/spec";
import { z } from "zod";
import {
  gradientLeaves,
  nextStateData,
  stateLeaves,
  stateTree,
  updateData,
  updatesTree,
} from "../core/leaves.js";
import { rejectUnknownOptions, requireState, requireUnitInterval } from "../core/validate.js";
import { finiteTree, stateRules } from "../state/rules.js";
import { zerosLikeTree } from "../tree/tree.js";

/** State of {@link scaleByLion}: the momentum `m`. */
export interface ScaleByLionState {
  /** Momentum `m_t = β2·m_{t−1} + (1−β2)·g`, keyed like the parameters. */
  readonly mu: ParamTree;
}

/**
 * Lion's sign update (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), as the paper
 * and optax: `updates = sign(β1·m_{t−1} + (1−β1)·g)`, then `m_t = β2·m_{t−1} + (1−β2)·g`
 * (sign(0) = 0). Every update has magnitude 1 per element: use a learning rate 3–10× smaller than Adam's.
 *
 * @param options.beta1 - interpolation for the update, ∈ [0, 1). Default 0.9.
 * @param options.beta2 - momentum decay, ∈ [0, 1). Default 0.99.
 * @example
 * ```ts
 * const lion = chain(scaleByLion(), scaleByLearningRate(1e-4));
 * ```
 */
export function scaleByLion(
  options: { readonly beta1?: number; readonly beta2?: number } = {},
): GradientTransformation<ScaleByLionState> {
  const op = "scaleByLion";
  rejectUnknownOptions(op, options, ["beta1", "beta2"]);
  const beta1 = requireUnitInterval(op, "beta1", options.beta1 ?? 0.9);
  const beta2 = requireUnitInterval(op, "beta2", options.beta2 ?? 0.99);
  return {
    init: (params) => ({ mu: zerosLikeTree(params) }),
    validateState: stateRules(op, z.object({ mu: finiteTree })),
    update: (gradients, state) => {
      requireState(op, state);
      const leaves = gradientLeaves(op, gradients);
      const mus = stateLeaves(op, leaves, state.mu, "state.mu");
      const nextMus = mus.map(nextStateData);
      const outputs = leaves.flat.leaves.map((leaf, k) => {
        const g = leaf.data;
        const m = mus[k]!.data;
        const mOut = nextMus[k]!;
        const out = updateData(leaves, k);
        for (let i = 0; i < g.length; i++) {
          const gi = g[i]!;
          const mi = m[i]!;
          const direction = beta1 * mi + (1 - beta1) * gi;
          mOut[i] = beta2 * mi + (1 - beta2) * gi;
          out[i] = direction > 0 ? 1 : direction < 0 ? -1 : direction;
        }
        return out;
      });
      return { updates: updatesTree(leaves, outputs), state: { mu: stateTree(leaves, nextMus) } };
    },
  };
}
