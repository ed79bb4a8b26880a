import type { FusedStep, GradientTransformation } from "@descent/spec";
import { requireTransformation } from "../core/validate.js";

export type { FusedStep, FusedStepOptions, FusedStepResult } from "@descent/spec";

/**
 * The one-pass training step of an optimizer, when it declares one (`optimizer.fusedApply`):
 * `params + scale·optimizer.update(g)` computed in a single pass that writes the new parameters directly,
 * with the same numbers as `applyUpdates(params, update(...).updates)` bit for bit. Built-in optimizers
 * whose chain ends in a learning-rate step (`sgd`, `momentum`, `adam`, …, `chain(…, scaleByLearningRate(η))`)
 * declare it, and so does any copy of them (`{ ...adam() }`, or one made by a second installed copy of
 * this package); transformations without the member return `undefined` (use `update` and `applyUpdates`).
 * The optimizer stays a pure `(init, update)` value and its state is the same as `update` returns.
 *
 * `θ' = θ + s·update(g, state, θ)`, plus whether every gradient and new parameter is finite.
 *
 * @example
 * ```ts
 * const step = fusedStep(optimizer);
 * if (step) ({ params, state } = step(gradients, state, params));
 * else ({ updates, state } = optimizer.update(gradients, state, params)), (params = applyUpdates(params, updates));
 * ```
 */
export function fusedStep<State>(optimizer: GradientTransformation<State>): FusedStep<State> | undefined {
  requireTransformation("fusedStep", "optimizer", optimizer);
  if (optimizer.fusedApply === undefined) return undefined;
  return (gradients, state, params, options) => optimizer.fusedApply!(gradients, state, params, options);
}
