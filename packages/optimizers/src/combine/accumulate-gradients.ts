import type { GradientTransformation, ParamTree } from "@descent/spec";
import { z } from "zod";
import { gradientLeaves, nextStateData, stateLeaves, stateTree, updatesTree } from "../core/leaves.js";
import { requireInteger, requireState, requireStateCount, requireTransformation } from "../core/validate.js";
import { finiteTree, stateRules } from "../state/rules.js";
import { zerosLikeTree } from "../tree/tree.js";

/** State of {@link accumulateGradients}: micro-steps taken in the current cycle, the running sum, and the inner state (`null` without one). */
export interface AccumulateGradientsState<Inner> {
  /** Micro-steps taken in the current cycle (`0 … steps − 1`). */
  readonly count: number;
  /** Running sum of this cycle's gradients, keyed like the parameters. */
  readonly sum: ParamTree;
  /** The inner transformation's state (`null` without one), advanced once per cycle. */
  readonly inner: Inner;
}

/**
 * Gradient accumulation over `steps` micro-batches (optax's `MultiSteps`): sums the gradients and emits
 * zero updates for `steps − 1` calls; on the `steps`-th it emits the mean `(1/k)·Σ_{j=1..k} g_j`, passed
 * through `transform` when given, and starts a new cycle. Wrap the optimizer (do not chain it after this):
 * the inner optimizer then steps — and counts steps — only once per `steps` micro-batches.
 *
 * @example
 * ```ts
 * const optimizer = accumulateGradients(4, adam({ learningRate: 1e-3 })); // effective batch ×4
 * ```
 */
export function accumulateGradients(steps: number): GradientTransformation<AccumulateGradientsState<null>>;
export function accumulateGradients<Inner>(
  steps: number,
  transform: GradientTransformation<Inner>,
): GradientTransformation<AccumulateGradientsState<Inner>>;
export function accumulateGradients<Inner>(
  steps: number,
  transform?: GradientTransformation<Inner>,
): GradientTransformation<AccumulateGradientsState<Inner | null>> {
  const op = "accumulateGradients";
  requireInteger(op, "steps", steps, 1);
  if (transform !== undefined) requireTransformation(op, "transform", transform);
  const countRule = `the micro-step count is a whole number in [0, steps − 1] = [0, ${steps - 1}]`;
  const ownRules = stateRules<AccumulateGradientsState<Inner | null>>(
    op,
    z.object({
      count: z
        .int({ error: countRule })
        .min(0, { error: countRule })
        .max(steps - 1, { error: countRule }),
      sum: finiteTree,
    }),
  );
  return {
    init: (params) => ({ count: 0, sum: zerosLikeTree(params), inner: transform?.init(params) ?? null }),
    validateState: (state, params, path) => {
      const checked = ownRules(state, params, path);
      transform?.validateState?.(checked.inner, params, `${path}.inner`);
      return checked;
    },
    update: (gradients, state, params) => {
      requireState(op, state);
      const leaves = gradientLeaves(op, gradients);
      const sums = stateLeaves(op, leaves, state.sum, "state.sum");
      const count = requireStateCount(op, "state.count", state.count) + 1;
      const complete = count >= steps;
      const outputs = leaves.flat.leaves.map((leaf, k) => {
        const g = leaf.data;
        const s = sums[k]!.data;
        const out = nextStateData(sums[k]!);
        if (complete) for (let i = 0; i < g.length; i++) out[i] = (s[i]! + g[i]!) / steps;
        else for (let i = 0; i < g.length; i++) out[i] = s[i]! + g[i]!;
        return out;
      });
      if (!complete) {
        const zeros = leaves.flat.leaves.map((leaf) => nextStateData(leaf));
        return {
          updates: updatesTree(leaves, zeros),
          state: { count, sum: stateTree(leaves, outputs), inner: state.inner },
        };
      }
      const mean = stateTree(leaves, outputs);
      const sum = zerosLikeTree(mean);
      if (transform === undefined) return { updates: mean, state: { count: 0, sum, inner: null } };
      const result = transform.update(mean, state.inner as Inner, params);
      return {
        updates: result.updates,
        state: { count: 0, sum, inner: result.state },
      };
    },
  };
}
