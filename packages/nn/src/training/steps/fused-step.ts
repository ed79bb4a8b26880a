import type { FusedStep } from "@descent/optimizers";
import type { Constraint, ParamTree, TreeLayout } from "@descent/spec";
import type { ResidentPool } from "../resident-pool.js";
import { GradientArrays } from "./gradient-arrays.js";
import { ParameterArrays } from "./parameter-arrays.js";
import { StateArrays } from "./state-arrays.js";
import type { StepResult, TrainingStep } from "./training-step.js";
import { TransientArrays } from "./transient-arrays.js";

/** Options of {@link fusedTrainingStep}. */
export interface FusedTrainingStepOptions {
  /** Applied in order to the new parameters. */
  readonly constraints: readonly Constraint[];
  /**
   * Reuse dead parameter and gradient arrays, taking new ones from `pool` (resident; null: plain arrays).
   * False: new arrays everywhere. Only when no user code is handed the arrays (see `chooseTrainingStep`).
   */
  readonly reuse: { readonly pool: ResidentPool | null } | false;
  /**
   * The layout of the parameters and gradients, checked when `fit` started: their arrays are read by it,
   * and so does the optimizer (`FusedStepOptions.layout`). Without it, each tree is flattened and checked.
   */
  readonly layout?: TreeLayout;
}

/**
 * The step of an optimizer with a fused form (`fusedStep` from @descent/optimizers):
 * `params + scale·updates` in one pass that writes the new parameters directly and reports whether every
 * gradient and new parameter is finite, then each constraint. The plain step's bits, fewer passes.
 *
 * @example
 * const step = fusedTrainingStep(fusedStep(adam({ learningRate: 0.01 }))!, { constraints: [], reuse: false });
 * const { params: next, finite } = step.apply(gradients, state, params, 1);
 */
export function fusedTrainingStep(
  fused: FusedStep<unknown>,
  options: FusedTrainingStepOptions,
): TrainingStep {
  const { constraints, reuse, layout } = options;
  const parameters = reuse === false ? null : new ParameterArrays(reuse.pool, layout);
  const gradientArrays = reuse === false ? null : new GradientArrays(reuse.pool, layout);
  const stateArrays = reuse === false ? null : new StateArrays(reuse.pool);
  const updateArrays = reuse === false ? null : new TransientArrays(reuse.pool);
  // Constraints are user code returning the next parameters: the optimizer checks their trees itself.
  const optimizerLayout = constraints.length === 0 ? layout : undefined;
  return {
    allocateGradient: gradientArrays?.allocate,
    apply(gradients, optimizerState, params, scale): StepResult {
      const stepped = fused(gradients, optimizerState, params, {
        scale,
        allocate: parameters?.allocate,
        layout: optimizerLayout,
        allocateState: stateArrays?.allocate,
        allocateUpdates: updateArrays?.allocate,
      });
      let next = stepped.params;
      parameters?.adopt(next);
      gradientArrays?.settle(gradients, stepped.gradientsReleased);
      // The updates were applied inside the step, and the state it replaced is no one's now.
      updateArrays?.recycle();
      stateArrays?.retire(optimizerState, stepped.state);
      for (const constraint of constraints) next = constraint.apply(next);
      return { params: next, optimizerState: stepped.state, finite: stepped.finite };
    },
    retire: (params: ParamTree) => parameters?.retire(params),
    expose: (params: ParamTree) => parameters?.expose(params) ?? params,
    exposeState: (state: unknown) => stateArrays?.expose(state) ?? state,
  };
}
