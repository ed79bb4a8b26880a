import { ValueError } from "@descent/tensor";
import { rejectUnknownOptions, requireInteger, requirePositive } from "../core/validate.js";
import { initialPoint, objectiveValueAndGradient } from "./initial.js";
import { backtrackingArmijo, type LineFunction, type LinePoint, strongWolfe } from "./line-search.js";
import type { CommonMinimizeOptions, DifferentiableObjective, MinimizeResult } from "./types.js";

/** Options of the L-BFGS method of {@link minimize}. */
export interface LbfgsOptions extends CommonMinimizeOptions {
  /** Number m of (s, y) pairs kept. Default 10. */
  readonly memory?: number;
  /** `"strong-wolfe"` (default; c1 = 1e-4, c2 = 0.9) or `"backtracking"` (Armijo, halving). */
  readonly lineSearch?: "strong-wolfe" | "backtracking";
}

const optionNames = ["method", "maxIterations", "tolerance", "memory", "lineSearch"];

/**
 * Full-batch L-BFGS (Nocedal 1980; Nocedal & Wright 2006, Algorithm 7.4). The direction is
 * `d = −H·∇f` from the two-loop recursion over the last m pairs `s = x_{k+1} − x_k`, `y = ∇f_{k+1} − ∇f_k`
 * with `H₀ = (sᵀy / yᵀy)·I`; the first step is scaled to `α₀ = min(1, 1/‖∇f‖₁)`. Pairs with
 * `sᵀy ≤ 1e-10·‖s‖·‖y‖` are skipped (keeps H positive definite under a backtracking search).
 * Converged when `‖∇f‖∞ ≤ tolerance` (default 1e-6); stops unconverged when the line search cannot
 * decrease f even from a steepest-descent restart, or when f stops changing (`|Δf| ≤ 1e-15·max(1, |f|)`).
 *
 * @example
 * ```ts
 * const result = lbfgs((x) => ({ value: x[0] ** 2 + 10 * x[1] ** 2, gradient: [2 * x[0], 20 * x[1]] }), [3, -2]);
 * result.x; // ≈ [0, 0]  (same as minimize(…, { method: "lbfgs" }))
 * ```
 */
export function lbfgs(
  objective: DifferentiableObjective,
  initial: ArrayLike<number>,
  options: LbfgsOptions = {},
): MinimizeResult {
  const op = "minimize";
  rejectUnknownOptions(op, options, optionNames);
  const start = initialPoint(initial);
  const n = start.length;
  const memory = requireInteger(op, "memory", options.memory ?? 10, 1);
  const maxIterations = requireInteger(op, "maxIterations", options.maxIterations ?? 1000, 0);
  const tolerance = requirePositive(op, "tolerance", options.tolerance ?? 1e-6);
  const method = options.lineSearch ?? "strong-wolfe";
  if (method !== "strong-wolfe" && method !== "backtracking") {
    throw new ValueError(op, `lineSearch = ${JSON.stringify(method)}: use "strong-wolfe" or "backtracking"`);
  }
  const search = method === "strong-wolfe" ? strongWolfe : backtrackingArmijo;

  let evaluations = 0;
  const evaluate = (x: Float64Array) => {
    evaluations++;
    return objectiveValueAndGradient(op, objective(x), n);
  };

  let x: Float64Array = start;
  let { value, gradient }: { value: number; gradient: Float64Array } = evaluate(x);
  if (!Number.isFinite(value) || !gradient.every(Number.isFinite)) {
    throw new ValueError(
      op,
      `the objective is ${value} (or its gradient is not finite) at the initial point: start where f is finite`,
    );
  }
  const history = [value];
  const pairs: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  const direction = new Float64Array(n);
  const alphas = new Float64Array(memory);
  let iterations = 0;
  let message = "reached maxIterations";
  let converged = maxNorm(gradient) <= tolerance;
  if (converged) message = "gradient norm below tolerance at the start";

  while (!converged && iterations < maxIterations) {
    twoLoop(gradient, pairs, direction, alphas);
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      pairs.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -gradient[i]!;
      slope = dot(gradient, direction);
    }
    const phi: LineFunction = (step) => {
      const point = new Float64Array(n);
      for (let i = 0; i < n; i++) point[i] = x[i]! + step * direction[i]!;
      const result = evaluate(point);
      return {
        step,
        value: result.value,
        slope: dot(result.gradient, direction),
        x: point,
        gradient: result.gradient,
      };
    };
    const firstStep = pairs.length === 0 ? Math.min(1, 1 / sumAbs(gradient)) : 1;
    let accepted: LinePoint | null = search(phi, value, slope, firstStep);
    if (accepted === null && pairs.length > 0) {
      pairs.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -gradient[i]!;
      slope = dot(gradient, direction);
      accepted = search(phi, value, slope, Math.min(1, 1 / sumAbs(gradient)));
    }
    if (accepted === null) {
      message = "the line search found no decrease";
      break;
    }
    iterations++;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = accepted.x[i]! - x[i]!;
      y[i] = accepted.gradient[i]! - gradient[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-10 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (pairs.length === memory) pairs.shift();
      pairs.push({ s, y, rho: 1 / sy });
    }
    const change = value - accepted.value;
    x = accepted.x;
    value = accepted.value;
    gradient = accepted.gradient;
    history.push(value);
    if (maxNorm(gradient) <= tolerance) {
      converged = true;
      message = "gradient norm below tolerance";
    } else if (Math.abs(change) <= 1e-15 * Math.max(1, Math.abs(value))) {
      message = "f stopped changing";
      break;
    }
  }
  return { x, value, iterations, evaluations, converged, history, message };
}

/** `direction = −H·gradient` by the two-loop recursion (Nocedal & Wright, Algorithm 7.4). */
function twoLoop(
  gradient: Float64Array,
  pairs: readonly { s: Float64Array; y: Float64Array; rho: number }[],
  direction: Float64Array,
  alphas: Float64Array,
): void {
  const n = gradient.length;
  for (let i = 0; i < n; i++) direction[i] = gradient[i]!;
  for (let j = pairs.length - 1; j >= 0; j--) {
    const { s, y, rho } = pairs[j]!;
    const alpha = rho * dot(s, direction);
    alphas[j] = alpha;
    for (let i = 0; i < n; i++) direction[i] = direction[i]! - alpha * y[i]!;
  }
  if (pairs.length > 0) {
    const { s, y } = pairs[pairs.length - 1]!;
    const gamma = dot(s, y) / dot(y, y);
    for (let i = 0; i < n; i++) direction[i] = direction[i]! * gamma;
  }
  for (let j = 0; j < pairs.length; j++) {
    const { s, y, rho } = pairs[j]!;
    const beta = rho * dot(y, direction);
    const alpha = alphas[j]!;
    for (let i = 0; i < n; i++) direction[i] = direction[i]! + (alpha - beta) * s[i]!;
  }
  for (let i = 0; i < n; i++) direction[i] = -direction[i]!;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function maxNorm(a: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]!));
  return max;
}

function sumAbs(a: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]!);
  return sum === 0 || !Number.isFinite(sum) ? 1 : sum;
}
