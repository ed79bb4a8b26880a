import type { GradientTransformation } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";
import { rejectUnknownOptions, requireInteger, requirePositive } from "../core/validate.js";
import { applyUpdates } from "../tree/tree.js";
import { initialPoint, objectiveValueAndGradient } from "./initial.js";
import type { CommonMinimizeOptions, DifferentiableObjective, MinimizeResult } from "./types.js";

/** Options of the `first-order` method of {@link minimize}: any gradient transformation (`adam()`, `sgd()`, …). */
export interface FirstOrderOptions<State> extends CommonMinimizeOptions {
  /** The optimizer to run, e.g. `adam({ learningRate: 0.01 })`. */
  readonly optimizer: GradientTransformation<State>;
}

/**
 * Runs a first-order optimizer on a vector objective: `x ← x + T(∇f(x))` for `maxIterations` steps
 * (default 1000), the parameters held as one float64 tensor named `x`. Converged when `‖∇f‖∞ ≤ tolerance`
 * (default 1e-6). Returns the last iterate (first-order methods do not track a best point).
 */
export function firstOrder<State>(
  objective: DifferentiableObjective,
  initial: ArrayLike<number>,
  options: FirstOrderOptions<State>,
): MinimizeResult {
  const op = "minimize";
  rejectUnknownOptions(op, options, ["method", "maxIterations", "tolerance", "optimizer"]);
  const start = initialPoint(initial);
  const n = start.length;
  const maxIterations = requireInteger(op, "maxIterations", options.maxIterations ?? 1000, 0);
  const tolerance = requirePositive(op, "tolerance", options.tolerance ?? 1e-6);
  const { optimizer } = options;
  if (typeof optimizer?.init !== "function" || typeof optimizer.update !== "function") {
    throw new ValueError(
      op,
      "method first-order needs an optimizer option: pass e.g. optimizer: adam({ learningRate: 0.01 })",
    );
  }
  let params = { x: new Tensor(start, [n]) };
  let state = optimizer.init(params);
  let evaluations = 0;
  const evaluate = (x: Float64Array) => {
    evaluations++;
    const { value, gradient } = objectiveValueAndGradient(op, objective(x), n);
    return { value, gradient: new Tensor(gradient, [n]) };
  };
  let current = evaluate(params.x.data as Float64Array);
  const history = [current.value];
  let iterations = 0;
  let converged = maxNorm(current.gradient.data) <= tolerance;
  while (!converged && iterations < maxIterations) {
    const { updates, state: next } = optimizer.update({ x: current.gradient }, state, params);
    state = next;
    const stepped = applyUpdates(params, updates).x as Tensor;
    params = { x: stepped };
    iterations++;
    current = evaluate(stepped.data as Float64Array);
    history.push(current.value);
    if (!Number.isFinite(current.value)) break;
    converged = maxNorm(current.gradient.data) <= tolerance;
  }
  return {
    x: Float64Array.from(params.x.data),
    value: current.value,
    iterations,
    evaluations,
    converged,
    history,
    message: converged
      ? "gradient norm below tolerance"
      : Number.isFinite(current.value)
        ? "reached maxIterations"
        : "the objective became non-finite",
  };
}

function maxNorm(a: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]!));
  return Number.isNaN(max) ? Number.POSITIVE_INFINITY : max;
}
