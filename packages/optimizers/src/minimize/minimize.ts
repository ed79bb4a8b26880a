import { ValueError } from "@descent/tensor";
import { type CmaEsOptions, cmaEs } from "./cma-es.js";
import { type FirstOrderOptions, firstOrder } from "./first-order.js";
import { type LbfgsOptions, lbfgs } from "./lbfgs.js";
import { type NelderMeadOptions, nelderMead } from "./nelder-mead.js";
import type { DifferentiableObjective, MinimizeResult, Objective } from "./types.js";

/**
 * Minimizes a function of a vector, beyond first-order gradient descent.
 *
 * - `"lbfgs"`: full-batch L-BFGS with memory m and a strong-Wolfe (default) or backtracking-Armijo line
 *   search; the objective returns `{ value, gradient }`. Converged when `‖∇f‖∞ ≤ tolerance` (1e-6).
 * - `"cma-es"`: derivative-free CMA-ES with a seeded generator (`seed`, default 0); the objective returns a number.
 * - `"nelder-mead"`: derivative-free simplex search; the objective returns a number.
 * - `"first-order"`: any gradient transformation of this package as `optimizer` (e.g. `adam()`).
 *
 * Every method returns `{ x, value, iterations, evaluations, converged, history, message }`.
 *
 * @example
 * ```ts
 * const rosenbrock = (x) => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2;
 * const result = minimize(rosenbrock, [-1.2, 1], { method: "cma-es", seed: 1 });
 * result.x; // ≈ [1, 1]
 * ```
 */
export function minimize(
  objective: DifferentiableObjective,
  initial: ArrayLike<number>,
  options: LbfgsOptions & { readonly method: "lbfgs" },
): MinimizeResult;
export function minimize<State>(
  objective: DifferentiableObjective,
  initial: ArrayLike<number>,
  options: FirstOrderOptions<State> & { readonly method: "first-order" },
): MinimizeResult;
export function minimize(
  objective: Objective,
  initial: ArrayLike<number>,
  options:
    | (CmaEsOptions & { readonly method: "cma-es" })
    | (NelderMeadOptions & { readonly method: "nelder-mead" }),
): MinimizeResult;
export function minimize(
  objective: DifferentiableObjective | Objective,
  initial: ArrayLike<number>,
  options:
    | (LbfgsOptions & { readonly method: "lbfgs" })
    | (FirstOrderOptions<unknown> & { readonly method: "first-order" })
    | (CmaEsOptions & { readonly method: "cma-es" })
    | (NelderMeadOptions & { readonly method: "nelder-mead" }),
): MinimizeResult {
  const op = "minimize";
  if (typeof objective !== "function")
    throw new ValueError(op, "the objective must be a function of a Float64Array");
  switch (options?.method) {
    case "lbfgs":
      return lbfgs(objective as DifferentiableObjective, initial, options);
    case "first-order":
      return firstOrder(objective as DifferentiableObjective, initial, options);
    case "cma-es":
      return cmaEs(objective as Objective, initial, options);
    case "nelder-mead":
      return nelderMead(objective as Objective, initial, options);
    default:
      throw new ValueError(
        op,
        `method = ${JSON.stringify((options as { method?: unknown } | undefined)?.method)}: use "lbfgs", "cma-es", "nelder-mead" or "first-order"`,
      );
  }
}
