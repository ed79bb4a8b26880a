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
import { rejectUnknownOptions, requireBoolean, requireState, requireUnitInterval } from "../core/validate.js";
import { finiteTree, stateRules } from "../state/rules.js";
import { zerosLikeTree } from "../tree/tree.js";

/** State of {@link trace}: the momentum buffer `b`, keyed like the parameters. */
export interface TraceState {
  /** Momentum buffer `b_t = μ·b_{t−1} + g`, keyed like the parameters. */
  readonly momentum: ParamTree;
}

/** Options of {@link trace}. */
export interface TraceOptions {
  /** Momentum coefficient μ ∈ [0, 1). Default 0.9. */
  readonly decay?: number;
  /** Nesterov's look-ahead: `updates = g + μ·b_t` instead of `b_t`. Default false. */
  readonly nesterov?: boolean;
}

/**
 * Momentum (heavy ball), as PyTorch's SGD with dampening 0 and optax's `trace`:
 * `b_t = μ·b_{t−1} + g_t` (b_0 = 0, so b_1 = g_1), `updates = b_t`, or with `nesterov`
 * `updates = g_t + μ·b_t`. Follow it with {@link scaleByLearningRate}.
 *
 * @example
 * ```ts
 * const heavyBall = chain(trace({ decay: 0.9 }), scaleByLearningRate(0.01));
 * ```
 */
export function trace(options: TraceOptions = {}): GradientTransformation<TraceState> {
  const op = "trace";
  rejectUnknownOptions(op, options, ["decay", "nesterov"]);
  const decay = requireUnitInterval(op, "decay", options.decay ?? 0.9);
  const nesterov = requireBoolean(op, "nesterov", options.nesterov ?? false);
  return {
    init: (params) => ({ momentum: zerosLikeTree(params) }),
    validateState: stateRules(op, z.object({ momentum: finiteTree })),
    update: (gradients, state) => {
      requireState(op, state);
      const leaves = gradientLeaves(op, gradients);
      const buffers = stateLeaves(op, leaves, state.momentum, "state.momentum");
      const nextBuffers = buffers.map(nextStateData);
      if (!nesterov) {
        // The updates are the new buffer itself (no second array); it is kept in the state, so not fresh.
        leaves.flat.leaves.forEach((leaf, k) => {
          const g = leaf.data;
          const b = buffers[k]!.data;
          const out = nextBuffers[k]!;
          for (let i = 0; i < g.length; i++) out[i] = decay * b[i]! + g[i]!;
        });
        const momentum = stateTree(leaves, nextBuffers);
        return { updates: momentum, state: { momentum } };
      }
      const outputs = leaves.flat.leaves.map((leaf, k) => {
        const g = leaf.data;
        const b = buffers[k]!.data;
        const next = nextBuffers[k]!;
        const out = updateData(leaves, k);
        for (let i = 0; i < g.length; i++) {
          const gi = g[i]!;
          const bi = decay * b[i]! + gi;
          next[i] = bi;
          out[i] = gi + decay * bi;
        }
        return out;
      });
      return { updates: updatesTree(leaves, outputs), state: { momentum: stateTree(leaves, nextBuffers) } };
    },
  };
}
