import type { GradientTransformation, ParamTree } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { checkStructure } from "./structure.js";

/**
 * Checks a state that came from outside (a checkpoint, `deserializeState`, a user) against the optimizer
 * that will use it, and returns it typed: first its structure against `optimizer.init(params)` (keys, array
 * lengths, tensor shapes and dtypes), then its values against the rules the optimizer declares
 * (`validateState`: step counts whole and ≥ 0, second moments and accumulators finite and ≥ 0, moments
 * finite, …). Built-in transformations and combinators all declare their rules; a custom transformation
 * without `validateState` gets the structural check only. Nothing is copied: the state returned is `state`.
 *
 * @throws `ValueError` naming the path, the value and the rule, e.g.
 *   `scaleByAdam: state[1].count = -5 breaks the rule "a step count is a whole number ≥ 0 …": …`.
 * @example
 * ```ts
 * const state = checkOptimizerState(optimizer, deserializeState(JSON.parse(text)), params);
 * ```
 */
export function checkOptimizerState<State>(
  optimizer: GradientTransformation<State>,
  state: unknown,
  params: ParamTree,
): State {
  const op = "checkOptimizerState";
  if (
    typeof optimizer !== "object" ||
    optimizer === null ||
    typeof optimizer.init !== "function" ||
    typeof optimizer.update !== "function"
  ) {
    throw new ValueError(
      op,
      `optimizer is ${optimizer === null ? "null" : typeof optimizer} without init/update functions: pass a GradientTransformation such as adam()`,
    );
  }
  const validate = optimizer.validateState;
  if (validate !== undefined && typeof validate !== "function") {
    throw new ValueError(
      op,
      `optimizer.validateState is a ${typeof validate}: it must be a function or absent`,
    );
  }
  checkStructure(op, state, optimizer.init(params), "state");
  return validate === undefined ? (state as State) : validate.call(optimizer, state, params, "state");
}
