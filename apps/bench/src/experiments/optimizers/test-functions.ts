import { minimize } from "@descent/optimizers";
import { createRandom } from "@descent/tensor";
import { CMA_ES_TEST_POPULATION, type FunctionRates, type OptimizerEntry } from "./catalogue.js";

/** A non-convex benchmark function with its gradient, global minimum and usual search box. */
export interface TestFunction {
  readonly id: keyof FunctionRates;
  readonly name: string;
  /** Starting points are uniform in [−halfWidth, halfWidth]^d. */
  readonly halfWidth: number;
  /** f at the global minimum (0 for all three). */
  readonly minimum: number;
  readonly valueAndGradient: (x: Float64Array) => { value: number; gradient: Float64Array };
}

const TWO_PI = 2 * Math.PI;

/** Rastrigin: `f(x) = 10d + Σ (xᵢ² − 10 cos 2πxᵢ)`, a grid of local minima around the global one at 0. */
export const rastrigin: TestFunction = {
  id: "rastrigin",
  name: "Rastrigin",
  halfWidth: 5.12,
  minimum: 0,
  valueAndGradient(x) {
    let value = 10 * x.length;
    const gradient = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const xi = x[i]!;
      value += xi * xi - 10 * Math.cos(TWO_PI * xi);
      gradient[i] = 2 * xi + 20 * Math.PI * Math.sin(TWO_PI * xi);
    }
    return { value, gradient };
  },
};

/** Ackley: `f(x) = −20 exp(−0.2 √(Σxᵢ²/d)) − exp(Σ cos(2πxᵢ)/d) + 20 + e`, a nearly flat, bumpy plain around a funnel at 0. */
export const ackley: TestFunction = {
  id: "ackley",
  name: "Ackley",
  halfWidth: 5,
  minimum: 0,
  valueAndGradient(x) {
    const d = x.length;
    let squares = 0;
    let cosines = 0;
    for (let i = 0; i < d; i++) {
      squares += x[i]! * x[i]!;
      cosines += Math.cos(TWO_PI * x[i]!);
    }
    const radius = Math.sqrt(squares / d);
    const funnel = Math.exp(-0.2 * radius);
    const ripples = Math.exp(cosines / d);
    const gradient = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      // The funnel's gradient is 0 at the origin by symmetry (its limit is undefined there).
      const funnelPart = radius > 0 ? (4 * funnel * x[i]!) / (d * radius) : 0;
      gradient[i] = funnelPart + (TWO_PI / d) * Math.sin(TWO_PI * x[i]!) * ripples;
    }
    return { value: -20 * funnel - ripples + 20 + Math.E, gradient };
  },
};

/** Rosenbrock: `f(x) = Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²`, a curved narrow valley to the minimum at (1, …, 1). */
export const rosenbrock: TestFunction = {
  id: "rosenbrock",
  name: "Rosenbrock",
  halfWidth: 2,
  minimum: 0,
  valueAndGradient(x) {
    let value = 0;
    const gradient = new Float64Array(x.length);
    for (let i = 0; i < x.length - 1; i++) {
      const valley = x[i + 1]! - x[i]! * x[i]!;
      const offset = 1 - x[i]!;
      value += 100 * valley * valley + offset * offset;
      gradient[i]! += -400 * x[i]! * valley - 2 * offset;
      gradient[i + 1]! += 200 * valley;
    }
    return { value, gradient };
  },
};

/** The three functions of the table, in column order. */
export const testFunctions: readonly TestFunction[] = [rastrigin, ackley, rosenbrock];

/** How the success rates are measured. */
export interface SuccessSettings {
  readonly dimensions: readonly number[];
  readonly starts: number;
  /** Objective evaluations per run, the same for every method (a gradient counts as one evaluation). */
  readonly evaluations: number;
  /** Success: `f(x_final) − f* ≤ epsilon`. */
  readonly epsilon: number;
}

/** Success rate (%) of one optimizer on one function in one dimension. */
export interface SuccessRate {
  readonly functionId: TestFunction["id"];
  readonly dimension: number;
  readonly percent: number;
}

/** The starting points of every run: the same for all optimizers (a paired comparison), drawn from `seed`. */
export function startingPoints(
  fn: TestFunction,
  dimension: number,
  starts: number,
  seed: number,
): Float64Array[] {
  const random = createRandom(seed);
  return Array.from({ length: starts }, () =>
    Float64Array.from({ length: dimension }, () => (2 * random.next() - 1) * fn.halfWidth),
  );
}

/** Final f of one run of `entry` on `fn` from `start`, with the shared evaluation budget. */
export function finalValue(
  entry: OptimizerEntry,
  fn: TestFunction,
  start: Float64Array,
  evaluations: number,
  seed: number,
): number {
  const valueOnly = (x: Float64Array) => fn.valueAndGradient(x).value;
  switch (entry.kind) {
    case "first-order":
      return minimize(fn.valueAndGradient, start, {
        method: "first-order",
        optimizer: entry.make(entry.functionRates[fn.id]),
        maxIterations: evaluations,
        tolerance: 1e-12,
      }).value;
    case "lbfgs": {
      // L-BFGS has no evaluation cap; about 1.1 evaluations per iteration, and it stops much earlier anyway.
      const result = minimize(fn.valueAndGradient, start, {
        method: "lbfgs",
        maxIterations: evaluations,
        tolerance: 1e-10,
      });
      return result.value;
    }
    case "cma-es":
      return minimize(valueOnly, start, {
        method: "cma-es",
        seed,
        initialStepSize: fn.halfWidth / 2,
        ...(CMA_ES_TEST_POPULATION[fn.id] === null ? {} : { populationSize: CMA_ES_TEST_POPULATION[fn.id]! }),
        maxEvaluations: evaluations,
      }).value;
    case "nelder-mead":
      return minimize(valueOnly, start, {
        method: "nelder-mead",
        initialStep: fn.halfWidth / 2,
        maxEvaluations: evaluations,
      }).value;
  }
}

/**
 * Success rates of every optimizer on every test function and dimension: the share of starts whose
 * final value is within ε of the global minimum. A non-finite final value counts as a failure.
 */
export function successRates(
  entries: readonly OptimizerEntry[],
  settings: SuccessSettings,
  seed: number,
  onProgress: (fraction: number) => void,
): Map<string, SuccessRate[]> {
  const rates = new Map<string, SuccessRate[]>(entries.map((entry) => [entry.name, []]));
  const cases = testFunctions.flatMap((fn) => settings.dimensions.map((dimension) => ({ fn, dimension })));
  cases.forEach(({ fn, dimension }, caseIndex) => {
    const starts = startingPoints(fn, dimension, settings.starts, seed + 1000 * (caseIndex + 1));
    for (const entry of entries) {
      let successes = 0;
      starts.forEach((start, index) => {
        const value = finalValue(entry, fn, start, settings.evaluations, seed + index);
        if (Number.isFinite(value) && value - fn.minimum <= settings.epsilon) successes++;
      });
      rates
        .get(entry.name)!
        .push({ functionId: fn.id, dimension, percent: (100 * successes) / starts.length });
    }
    onProgress((caseIndex + 1) / cases.length);
  });
  return rates;
}
