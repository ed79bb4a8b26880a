import type { GradientTransformation, ParamTree } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { isPassThrough, registeredFusedStep, withFusedStep } from "../core/fused.js";
import { builtin, canOverwrite, markFresh, runTransform } from "../core/ownership.js";
import { treeFinite } from "../core/scaled-apply.js";
import type { StatesOf } from "../core/types.js";
import { requireTransformation } from "../core/validate.js";

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
  for (const [i, part] of parts.entries()) {
    requireTransformation("chain", `transforms[${i}] (argument ${i + 1})`, part);
  }
  const transform = builtin({
    init: (params) => parts.map((part) => part.init(params)) as unknown as StatesOf<Transforms>,
    validateState: (state, params, path) => {
      const states = checkedStates(state, parts.length);
      for (const [i, part] of parts.entries()) part.validateState?.(states[i], params, `${path}[${i}]`);
      return state as StatesOf<Transforms>;
    },
    update: (gradients, state, params) => {
      const states = checkedStates(state, parts.length);
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
  const last = parts[parts.length - 1];
  const lastStep = last === undefined ? undefined : registeredFusedStep(last);
  if (lastStep === undefined) return transform;
  const prefix = parts.slice(0, -1);
  const prefixPassesThrough = prefix.every(isPassThrough);
  return withFusedStep(transform, (gradients, state, params, options) => {
    const states = checkedStates(state, parts.length);
    // The parts before the last run as in `update`; only the last one's pass fuses with the apply.
    let updates: ParamTree = gradients;
    let overwrite = canOverwrite(gradients);
    const nextStates: unknown[] = new Array(parts.length);
    for (let i = 0; i < prefix.length; i++) {
      const { result, fresh } = runTransform(prefix[i]!, updates, states[i], params, overwrite);
      updates = result.updates;
      nextStates[i] = result.state;
      overwrite = fresh;
    }
    const stepped = lastStep(updates, states[parts.length - 1], params, options);
    nextStates[parts.length - 1] = stepped.state;
    // Pass-through parts hand the gradients on untouched, so a non-finite gradient shows in the new
    // parameters; any other part might hide it (clipping, masking): check the gradients themselves.
    const finite = stepped.finite && (prefixPassesThrough || treeFinite(gradients));
    return {
      params: stepped.params,
      state: nextStates as unknown as StatesOf<Transforms>,
      finite,
      gradientsReleased: prefixPassesThrough && stepped.gradientsReleased,
    };
  });
}

function checkedStates(state: unknown, count: number): readonly unknown[] {
  if (!Array.isArray(state) || state.length !== count) {
    throw new ValueError(
      "chain",
      `the state has ${Array.isArray(state) ? `${state.length} entries` : "no entries"} but the chain has ${count} transforms: pass the state returned by this chain's init or update`,
    );
  }
  return state;
}
