import { fusedStep } from "@descent/optimizers";
import type { Constraint, GradientTransformation, Regularizer, TreeLayout } from "@descent/spec";
import type { ResidentPool } from "../resident-pool.js";
import { fusedTrainingStep } from "./fused-step.js";
import { plainStep } from "./plain-step.js";
import type { TrainingStep } from "./training-step.js";

/** What {@link chooseTrainingStep} decides from. */
export interface StepChoice {
  readonly regularizers: readonly Regularizer[];
  readonly constraints: readonly Constraint[];
  /** `nonFiniteGuard`: the step reports non-finite gradients (and a plain step skips their update). */
  readonly guard: boolean;
  /** Where reused arrays come from first (resident in the kernels' memory); null: plain arrays only. */
  readonly pool: ResidentPool | null;
  /** The parameters' layout (`TrainingRun.layout`): the step reads parameters and gradients by it. */
  readonly layout?: TreeLayout;
}

/**
 * The step of one `fit` run, chosen once before the first batch: the fused step when the optimizer has
 * one (same bits, one pass), else the plain step. Every fast-path decision of training is made here.
 *
 * @example
 * const step = chooseTrainingStep(sgd({ learningRate: 0.1 }), { regularizers: [], constraints: [], guard: true, pool: null });
 */
export function chooseTrainingStep(
  optimizer: GradientTransformation<unknown>,
  choice: StepChoice,
): TrainingStep {
  const { regularizers, constraints, guard, pool, layout } = choice;
  const fused = fusedStep(optimizer);
  if (fused === undefined) return plainStep(optimizer, { constraints, checkFinite: guard });
  // Regularizers and constraints are user code handed the parameters, which they may keep: with any of
  // them the step reuses no array (a reused one would change under them) and takes none from the pool.
  const userCodeSeesParameters = regularizers.length > 0 || constraints.length > 0;
  return fusedTrainingStep(fused, {
    constraints,
    reuse: userCodeSeesParameters ? false : { pool },
    layout,
  });
}
