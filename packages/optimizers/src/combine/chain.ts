import type { GradientTransformation, ParamTree } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { builtin, canOverwrite, markFresh, runTransform } from "../core/ownership.js";
import type { StatesOf } from "../core/types.js";

/**
 * Composes transformations left to right: the gradients go through `transforms[0]`, its updates through
 * `transforms[1]`, and so on; the state is the tuple of the parts' states, in the same order.
 *
 * The order changes the meaning, so read a chain as a pipeline:
 * - `chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(η))` clips the raw gradients, then Adam
 *   sees clipped gradients; clipping after `scaleByAdam` would clip Adam's normalized step instead.
 * - `addDecayedWeights(λ)` before `scaleByAdam` is coupled L2 (Adam + L2); between `scaleByAdam` and
 *   `scaleByLearningRate` it is decoupled weight decay (AdamW).
 * - `scaleByLearningRate` goes last: it turns the direction into a descent step `−η·direction`.
 *
 * Formula: `updates = T_n(… T_2(T_1(g)) …)`, `state = [s_1, …, s_n]`.
 *
 * @example
 * ```ts
 * const optimizer = chain(clipByGlobalNorm(1), scaleByAdam(), addDecayedWeights(1e-2), scaleByLearningRate(1e-3));
 * let state = optimizer.init(params); // typed: readonly [EmptyState, ScaleByAdamState, EmptyState, ScaleByLearningRateState]
 * ```
 */
export function chain<Transforms extends readonly GradientTransformation<unknown>[]>(
  ...transforms: Transforms
): GradientTransformation<StatesOf<Transforms>> {
  const parts: readonly GradientTransformation<unknown>[] = transforms;
  return builtin({
    init: (params) => parts.map((part) => part.init(params)) as unknown as StatesOf<Transforms>,
    update: (gradients, state, params) => {
      const states: readonly unknown[] = state;
      if (!Array.isArray(states) || states.length !== parts.length) {
        throw new ValueError(
          "chain",
          `the state has ${Array.isArray(states) ? `${states.length} entries` : "no entries"} but the chain has ${parts.length} transforms: pass the state returned by this chain's init or update`,
        );
      }
      let updates: ParamTree = gradients;
      let overwrite = canOverwrite(gradients);
      const nextStates: unknown[] = new Array(parts.length);
      for (let i = 0; i < parts.length; i++) {
        const { result, fresh } = runTransform(parts[i]!, updates, states[i], params, overwrite);
        updates = result.updates;
        nextStates[i] = result.state;
        overwrite = fresh;
      }
      // The last part's fresh output stays fresh for an enclosing chain.
      if (overwrite && parts.length > 0) markFresh(updates);
      return { updates, state: nextStates as unknown as StatesOf<Transforms> };
    },
  });
}
