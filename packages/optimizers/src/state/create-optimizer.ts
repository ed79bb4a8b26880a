import type { GradientTransformation, ParamTree } from "@descent/spec";
import { requireTransformation } from "../core/validate.js";
import { fusedStep } from "../tree/fused-step.js";
import { applyUpdates } from "../tree/tree.js";
import { checkOptimizerState } from "./check.js";
import { deserializeState, type JsonValue, serializeState } from "./serialize.js";

/**
 * Any optimizer, whatever its state: the type to declare when optimizers are swapped
 * (`let optimizer: Optimizer = adam(); optimizer = sgd();`) or passed around (as `fit` takes them).
 * Each optimizer function returns a {@link GradientTransformation} with its own state type
 * (`GradientTransformation<AdamState>`); every one of them is an `Optimizer`.
 *
 * @example
 * ```ts
 * let optimizer: Optimizer = adam({ learningRate: 1e-3 });
 * if (plain) optimizer = sgd({ learningRate: 0.1 });
 * fit(model, params, data, { optimizer, loss: "meanSquaredError" });
 * ```
 */
export type Optimizer = GradientTransformation<unknown>;

/**
 * A stateful convenience around a gradient transformation (what {@link createOptimizer} returns);
 * everything it holds is in `params` and `state`.
 */
export interface StatefulOptimizer<State> {
  /** The transformation being run. */
  readonly transform: GradientTransformation<State>;
  /** The current parameters. */
  readonly params: ParamTree;
  /** The current optimizer state: plain data keyed by parameter name (save it with {@link StatefulOptimizer.saveState}). */
  readonly state: State;
  /** One step: `state, updates = transform.update(gradients, state, params)`, `params ← params + updates`. Returns the new params. */
  step(gradients: ParamTree): ParamTree;
  /** `serializeState(state)`: JSON-safe, restores bit for bit. */
  saveState(): JsonValue;
  /** Restores a state saved by {@link StatefulOptimizer.saveState}, checked first: structure against this optimizer's own state, values against its rules (`checkOptimizerState`). */
  loadState(saved: JsonValue): void;
  /** Replaces the parameters (e.g. after loading a model); the state is kept. */
  setParams(params: ParamTree): void;
}

/**
 * Wraps a transformation and parameters into an object with `step(gradients)`. It holds nothing that
 * `params` and `saveState()` do not show: saving both and loading them resumes training bit-identically.
 *
 * @example
 * ```ts
 * const optimizer = createOptimizer(adam({ learningRate: 1e-3 }), params);
 * for (const batch of batches) optimizer.step(gradientsOf(optimizer.params, batch));
 * const checkpoint = JSON.stringify({ optimizer: optimizer.saveState() });
 * ```
 */
export function createOptimizer<State>(
  transform: GradientTransformation<State>,
  params: ParamTree,
): StatefulOptimizer<State> {
  requireTransformation("createOptimizer", "transform", transform);
  let currentParams = params;
  let currentState = transform.init(params);
  const fused = fusedStep(transform);
  return {
    transform,
    get params() {
      return currentParams;
    },
    get state() {
      return currentState;
    },
    step(gradients) {
      if (fused !== undefined) {
        const stepped = fused(gradients, currentState, currentParams);
        currentParams = stepped.params;
        currentState = stepped.state;
        return currentParams;
      }
      const { updates, state } = transform.update(gradients, currentState, currentParams);
      currentParams = applyUpdates(currentParams, updates);
      currentState = state;
      return currentParams;
    },
    saveState() {
      return serializeState(currentState);
    },
    loadState(saved) {
      const restored = deserializeState(saved, transform.init(currentParams));
      currentState = checkOptimizerState(transform, restored, currentParams);
    },
    setParams(next) {
      currentParams = next;
    },
  };
}
