import { rejectUnknownOptions, requireBoolean, requireInteger, requirePositive } from "../core/validate.js";
import { initialPoint, objectiveValue } from "./initial.js";
import type { CommonMinimizeOptions, MinimizeResult, Objective } from "./types.js";

/** Options of the Nelder–Mead method of {@link minimize}. */
/** `maxIterations` defaults to 1000·n. */
export interface NelderMeadOptions extends CommonMinimizeOptions {
  /** Edge length of the initial simplex along each axis. Default: 5 % of each coordinate (0.00025 for zeros), as SciPy. */
  readonly initialStep?: number;
  /** Dimension-dependent coefficients of Gao & Han (2012), better above ~5 dimensions. Default false. */
  readonly adaptive?: boolean;
  /** Upper bound on objective evaluations. Default `2·maxIterations + n + 1`. */
  readonly maxEvaluations?: number;
}

const optionNames = ["method", "maxIterations", "tolerance", "initialStep", "adaptive", "maxEvaluations"];

/**
 * Nelder–Mead simplex search (Nelder & Mead 1965, in the form of Lagarias et al. 1998 and SciPy):
 * each iteration reflects the worst vertex through the centroid `c` of the others, `x_r = c + ρ(c − x_worst)`,
 * then expands (`c + χ(x_r − c)`), contracts outside/inside (`c ± ψ(x_r − c)` / `c − ψ(c − x_worst)`), or
 * shrinks every vertex toward the best by σ. Coefficients ρ = 1, χ = 2, ψ = ½, σ = ½ (or Gao–Han's with
 * `adaptive`). NaN values count as +∞. Converged when both `max|f_i − f_best| ≤ tolerance` and
 * `max‖x_i − x_best‖∞ ≤ tolerance` (SciPy's `fatol`, `xatol`; default 1e-8).
 *
 * @example
 * ```ts
 * const result = nelderMead((x) => Math.abs(x[0] - 3) + (x[1] + 1) ** 2, [0, 0]);
 * result.x; // ≈ [3, −1]  (no gradient needed, kinks are fine)
 * ```
 */
export function nelderMead(
  objective: Objective,
  initial: ArrayLike<number>,
  options: NelderMeadOptions = {},
): MinimizeResult {
  const op = "minimize";
  rejectUnknownOptions(op, options, optionNames);
  const start = initialPoint(initial);
  const n = start.length;
  const maxIterations = requireInteger(
    op,
    "maxIterations",
    options.maxIterations ?? 200 * Math.max(n, 1) * 5,
    0,
  );
  const maxEvaluations = requireInteger(
    op,
    "maxEvaluations",
    options.maxEvaluations ?? maxIterations * 2 + n + 1,
    1,
  );
  const tolerance = requirePositive(op, "tolerance", options.tolerance ?? 1e-8);
  const adaptive = requireBoolean(op, "adaptive", options.adaptive ?? false);
  const initialStep =
    options.initialStep === undefined ? undefined : requirePositive(op, "initialStep", options.initialStep);
  const reflection = 1;
  const expansion = adaptive ? 1 + 2 / n : 2;
  const contraction = adaptive ? 0.75 - 1 / (2 * n) : 0.5;
  const shrinkage = adaptive ? 1 - 1 / n : 0.5;

  let evaluations = 0;
  const evaluate = (x: Float64Array) => {
    evaluations++;
    return objectiveValue(op, objective(x));
  };

  const vertices: Float64Array[] = [start];
  for (let j = 0; j < n; j++) {
    const vertex = Float64Array.from(start);
    const coordinate = vertex[j]!;
    vertex[j] = coordinate + (initialStep ?? (coordinate !== 0 ? 0.05 * coordinate : 0.00025));
    vertices.push(vertex);
  }
  const values = vertices.map(evaluate);
  const order = () => {
    const indices = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
    const sortedVertices = indices.map((i) => vertices[i]!);
    const sortedValues = indices.map((i) => values[i]!);
    for (let i = 0; i <= n; i++) {
      vertices[i] = sortedVertices[i]!;
      values[i] = sortedValues[i]!;
    }
  };
  order();
  const history = [values[0]!];
  const centroid = new Float64Array(n);
  const along = (from: Float64Array, coefficient: number, to: Float64Array) => {
    const point = new Float64Array(n);
    for (let i = 0; i < n; i++) point[i] = from[i]! + coefficient * (to[i]! - from[i]!);
    return point;
  };

  let iterations = 0;
  let converged = false;
  let message = "reached maxIterations";
  while (iterations < maxIterations) {
    if (spread(vertices, values) <= tolerance) {
      converged = true;
      message = "simplex smaller than tolerance";
      break;
    }
    if (evaluations >= maxEvaluations) {
      message = "reached maxEvaluations";
      break;
    }
    iterations++;
    centroid.fill(0);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) centroid[i] = centroid[i]! + vertices[j]![i]! / n;
    const worst = vertices[n]!;
    const reflected = along(centroid, -reflection, worst);
    const reflectedValue = evaluate(reflected);
    let replacement: Float64Array | null = null;
    let replacementValue = 0;
    if (reflectedValue < values[0]!) {
      const expanded = along(centroid, -reflection * expansion, worst);
      const expandedValue = evaluate(expanded);
      [replacement, replacementValue] =
        expandedValue < reflectedValue ? [expanded, expandedValue] : [reflected, reflectedValue];
    } else if (reflectedValue < values[n - 1]!) {
      [replacement, replacementValue] = [reflected, reflectedValue];
    } else if (reflectedValue < values[n]!) {
      const outside = along(centroid, -reflection * contraction, worst);
      const outsideValue = evaluate(outside);
      if (outsideValue <= reflectedValue) [replacement, replacementValue] = [outside, outsideValue];
    } else {
      const inside = along(centroid, contraction, worst);
      const insideValue = evaluate(inside);
      if (insideValue < values[n]!) [replacement, replacementValue] = [inside, insideValue];
    }
    if (replacement !== null) {
      vertices[n] = replacement;
      values[n] = replacementValue;
    } else {
      for (let j = 1; j <= n; j++) {
        vertices[j] = along(vertices[0]!, shrinkage, vertices[j]!);
        values[j] = evaluate(vertices[j]!);
      }
    }
    order();
    history.push(values[0]!);
  }
  return { x: vertices[0]!, value: values[0]!, iterations, evaluations, converged, history, message };
}

/** The larger of `max|f_i − f_0|` and `max‖x_i − x_0‖∞` over the (sorted) simplex. */
function spread(vertices: readonly Float64Array[], values: readonly number[]): number {
  let result = 0;
  for (let j = 1; j < vertices.length; j++) {
    result = Math.max(result, Math.abs(values[j]! - values[0]!));
    const vertex = vertices[j]!;
    const best = vertices[0]!;
    for (let i = 0; i < vertex.length; i++) result = Math.max(result, Math.abs(vertex[i]! - best[i]!));
  }
  return Number.isNaN(result) ? Number.POSITIVE_INFINITY : result;
}
