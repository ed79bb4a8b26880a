import { applyUpdates } from "@descent/optimizers";
import type { Constraint, GradientTransformation, ParamTree } from "@descent/spec";
import { nonFiniteGradients } from "../non-finite.js";
import { scaleTree } from "../tree-arithmetic.js";
import type { StepResult, TrainingStep } from "./training-step.js";

/** Options of {@link plainStep}. */
export interface PlainStepOptions {
  /** Applied in order to the new parameters. */
  readonly constraints: readonly Constraint[];
  /** Check the gradients before the update and skip the update when one is NaN or ±∞ (`nonFiniteGuard`). */
  readonly checkFinite: boolean;
}

/**
 * The reference step, for any optimizer: `updates = optimizer.update(g, state, params)`, then
 * `params + scale·updates`, then each constraint. New arrays everywhere; nothing is reused.
 *
 * @example
 * const step = plainStep(sgd({ learningRate: 0.1 }), { constraints: [], checkFinite: true });
 * const { params: next } = step.apply(gradients, state, params, 1);
 */
export function plainStep(
  optimizer: GradientTransformation<unknown>,
  options: PlainStepOptions,
): TrainingStep {
  const { constraints, checkFinite } = options;
  return {
    allocateGradient: undefined,
    apply(gradients, optimizerState, params, scale): StepResult {
      // NOTE: checked before the update, so a user optimizer never sees a step the loop rejects.
      if (checkFinite && nonFiniteGradients(gradients).length > 0)
        return { params, optimizerState, finite: false };
      const result = optimizer.update(gradients, optimizerState, params);
      let next = applyUpdates(params, scale === 1 ? result.updates : scaleTree(result.updates, scale));
      for (const constraint of constraints) next = constraint.apply(next);
      return { params: next, optimizerState: result.state, finite: true };
    },
    retire() {},
    expose: (params: ParamTree) => params,
    exposeState: (state: unknown) => state,
  };
}
