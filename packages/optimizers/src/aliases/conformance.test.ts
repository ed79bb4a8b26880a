import type { GradientTransformation } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { minimize } from "../minimize/minimize.js";
import { cosineDecay, warmupCosineDecay } from "../schedules/cosine.js";
import { exponentialDecay } from "../schedules/decay.js";
import { bowl, rosenbrock, vector } from "../test-helpers.js";
import { applyUpdates } from "../tree/tree.js";
import { adam, adamax, adamw, amsgrad, lion, nadam, radam } from "./adam-family.js";
import { adadelta, adagrad, rmsprop } from "./adaptive.js";
import { momentum, nesterov, sgd } from "./sgd.js";

// Conformance: every optimizer reaches the minimum of two test functions within a stated step budget.
//   Bowl:        f(x, y) = ½(x² + 10y²), from (3, −2); minimum at (0, 0).
//   Rosenbrock:  f(x, y) = (1 − x)² + 100(y − x²)², from (−1.2, 1); minimum at (1, 1).
// Pass = after `steps` updates, max(|x − x*|, |y − y*|) ≤ `tolerance`. Hyper-parameters are per optimizer
// (each needs its own learning rate); sign-like and Adadelta steps need a decaying schedule to settle.
interface Row {
  readonly name: string;
  readonly optimizer: () => GradientTransformation<unknown>;
  readonly steps: number;
  readonly tolerance: number;
}

const bowlRows: Row[] = [
  { name: "sgd η=0.1", optimizer: () => sgd({ learningRate: 0.1 }), steps: 500, tolerance: 1e-8 },
  {
    name: "sgd momentum+wd",
    optimizer: () => sgd({ learningRate: 0.1, momentum: 0.5, weightDecay: 1e-9 }),
    steps: 500,
    tolerance: 1e-8,
  },
  {
    name: "momentum η=0.05 μ=0.9",
    optimizer: () => momentum({ learningRate: 0.05, momentum: 0.9 }),
    steps: 500,
    tolerance: 1e-8,
  },
  {
    name: "nesterov η=0.05 μ=0.9",
    optimizer: () => nesterov({ learningRate: 0.05, momentum: 0.9 }),
    steps: 500,
    tolerance: 1e-8,
  },
  { name: "adagrad η=1", optimizer: () => adagrad({ learningRate: 1 }), steps: 500, tolerance: 1e-8 },
  {
    name: "rmsprop",
    optimizer: () =>
      rmsprop({
        learningRate: exponentialDecay({ initialValue: 0.05, decayRate: 0.1, transitionSteps: 500 }),
      }),
    steps: 2000,
    tolerance: 1e-8,
  },
  {
    name: "rmsprop centered+momentum",
    optimizer: () =>
      rmsprop({
        centered: true,
        momentum: 0.5,
        learningRate: exponentialDecay({ initialValue: 0.05, decayRate: 0.1, transitionSteps: 500 }),
      }),
    steps: 2000,
    tolerance: 1e-8,
  },
  {
    name: "adadelta",
    optimizer: () =>
      adadelta({
        epsilon: 1e-4,
        learningRate: exponentialDecay({ initialValue: 1, decayRate: 0.1, transitionSteps: 500 }),
      }),
    steps: 2000,
    tolerance: 1e-8,
  },
  { name: "adam η=0.1", optimizer: () => adam({ learningRate: 0.1 }), steps: 2000, tolerance: 1e-8 },
  { name: "adamw η=0.1 λ=0.01", optimizer: () => adamw({ learningRate: 0.1 }), steps: 2000, tolerance: 1e-8 },
  { name: "amsgrad η=0.1", optimizer: () => amsgrad({ learningRate: 0.1 }), steps: 2000, tolerance: 1e-8 },
  { name: "adamax η=0.1", optimizer: () => adamax({ learningRate: 0.1 }), steps: 2000, tolerance: 1e-8 },
  { name: "nadam η=0.1", optimizer: () => nadam({ learningRate: 0.1 }), steps: 2000, tolerance: 1e-8 },
  { name: "radam η=0.1", optimizer: () => radam({ learningRate: 0.1 }), steps: 2000, tolerance: 1e-8 },
  {
    name: "lion",
    optimizer: () =>
      lion({ learningRate: exponentialDecay({ initialValue: 0.1, decayRate: 0.5, transitionSteps: 100 }) }),
    steps: 2000,
    tolerance: 1e-4,
  },
];

const rosenbrockRows: Row[] = [
  { name: "sgd η=1.5e-3", optimizer: () => sgd({ learningRate: 1.5e-3 }), steps: 20_000, tolerance: 1e-3 },
  {
    name: "sgd nesterov",
    optimizer: () => sgd({ learningRate: 1e-3, momentum: 0.9, nesterov: true }),
    steps: 5000,
    tolerance: 1e-3,
  },
  {
    name: "momentum η=1e-3 μ=0.9",
    optimizer: () => momentum({ learningRate: 1e-3, momentum: 0.9 }),
    steps: 5000,
    tolerance: 1e-3,
  },
  {
    name: "nesterov η=1e-3 μ=0.9",
    optimizer: () => nesterov({ learningRate: 1e-3, momentum: 0.9 }),
    steps: 5000,
    tolerance: 1e-3,
  },
  { name: "adagrad η=0.5", optimizer: () => adagrad({ learningRate: 0.5 }), steps: 20_000, tolerance: 1e-3 },
  {
    name: "rmsprop",
    optimizer: () =>
      rmsprop({
        learningRate: exponentialDecay({ initialValue: 0.01, decayRate: 0.1, transitionSteps: 5000 }),
      }),
    steps: 20_000,
    tolerance: 1e-3,
  },
  {
    name: "rmsprop centered+momentum",
    optimizer: () =>
      rmsprop({
        centered: true,
        momentum: 0.5,
        learningRate: exponentialDecay({ initialValue: 0.01, decayRate: 0.1, transitionSteps: 5000 }),
      }),
    steps: 20_000,
    tolerance: 1e-3,
  },
  {
    name: "adadelta",
    optimizer: () =>
      adadelta({
        epsilon: 1e-4,
        learningRate: exponentialDecay({ initialValue: 1, decayRate: 0.1, transitionSteps: 5000 }),
      }),
    steps: 20_000,
    tolerance: 1e-3,
  },
  {
    name: "adam",
    optimizer: () => adam({ learningRate: cosineDecay({ initialValue: 0.02, decaySteps: 20_000 }) }),
    steps: 20_000,
    tolerance: 1e-3,
  },
  {
    name: "adamw",
    optimizer: () => adamw({ learningRate: cosineDecay({ initialValue: 0.02, decaySteps: 20_000 }) }),
    steps: 20_000,
    tolerance: 1e-3,
  },
  {
    name: "amsgrad η=0.02",
    optimizer: () => amsgrad({ learningRate: 0.02 }),
    steps: 20_000,
    tolerance: 1e-3,
  },
  { name: "adamax η=0.02", optimizer: () => adamax({ learningRate: 0.02 }), steps: 20_000, tolerance: 1e-3 },
  {
    name: "nadam",
    optimizer: () => nadam({ learningRate: cosineDecay({ initialValue: 0.01, decaySteps: 20_000 }) }),
    steps: 20_000,
    tolerance: 1e-3,
  },
  {
    name: "radam (warmup + cosine)",
    optimizer: () =>
      radam({
        learningRate: warmupCosineDecay({
          peakValue: 0.02,
          warmupSteps: 100,
          decaySteps: 20_000,
          endValue: 1e-4,
        }),
      }),
    steps: 20_000,
    tolerance: 1e-3,
  },
  {
    name: "lion",
    optimizer: () =>
      lion({ learningRate: exponentialDecay({ initialValue: 0.01, decayRate: 0.5, transitionSteps: 2000 }) }),
    steps: 20_000,
    tolerance: 1e-3,
  },
];

function descend(
  optimizer: GradientTransformation<unknown>,
  f: typeof bowl,
  start: number[],
  steps: number,
): number[] {
  let params = { x: vector(start) };
  let state = optimizer.init(params);
  for (let step = 0; step < steps; step++) {
    const gradients = { x: new Tensor(Float64Array.from(f(params.x.data).gradient), [2]) };
    const { updates, state: next } = optimizer.update(gradients, state, params);
    params = applyUpdates(params, updates) as { x: Tensor };
    state = next;
  }
  return Array.from(params.x.data);
}

function distance(x: ArrayLike<number>, target: readonly number[]): number {
  return Math.max(Math.abs(x[0]! - target[0]!), Math.abs(x[1]! - target[1]!));
}

describe("conformance: quadratic bowl ½(x² + 10y²) from (3, −2)", () => {
  it.each(bowlRows)(
    "$name reaches (0, 0) within $tolerance in $steps steps",
    ({ optimizer, steps, tolerance }) => {
      expect(distance(descend(optimizer(), bowl, [3, -2], steps), [0, 0])).toBeLessThanOrEqual(tolerance);
    },
  );
});

describe("conformance: Rosenbrock from (−1.2, 1)", () => {
  it.each(rosenbrockRows)(
    "$name reaches (1, 1) within $tolerance in $steps steps",
    ({ optimizer, steps, tolerance }) => {
      expect(distance(descend(optimizer(), rosenbrock, [-1.2, 1], steps), [1, 1])).toBeLessThanOrEqual(
        tolerance,
      );
    },
  );
});

// The methods of `minimize`, same functions; budgets are iterations (L-BFGS steps, simplex moves, generations).
describe("conformance: minimize", () => {
  const functions = [
    { name: "bowl", f: bowl, start: [3, -2], target: [0, 0] },
    { name: "Rosenbrock", f: rosenbrock, start: [-1.2, 1], target: [1, 1] },
  ];
  it.each(functions)(
    "lbfgs (strong Wolfe) on $name: within 1e-6 in 100 iterations",
    ({ f, start, target }) => {
      const result = minimize(f, start, { method: "lbfgs", maxIterations: 100 });
      expect(result.converged).toBe(true);
      expect(distance(result.x, target)).toBeLessThanOrEqual(1e-6);
    },
  );
  it.each(functions)(
    "lbfgs (backtracking Armijo) on $name: within 1e-6 in 200 iterations",
    ({ f, start, target }) => {
      const result = minimize(f, start, { method: "lbfgs", lineSearch: "backtracking", maxIterations: 200 });
      expect(result.converged).toBe(true);
      expect(distance(result.x, target)).toBeLessThanOrEqual(1e-6);
    },
  );
  it.each(functions)("nelder-mead on $name: within 1e-6 in 1000 iterations", ({ f, start, target }) => {
    const result = minimize((x) => f(x).value, start, { method: "nelder-mead", maxIterations: 1000 });
    expect(result.converged).toBe(true);
    expect(distance(result.x, target)).toBeLessThanOrEqual(1e-6);
  });
  it.each(functions)("cma-es on $name: within 1e-6 in 1000 generations", ({ f, start, target }) => {
    const result = minimize((x) => f(x).value, start, { method: "cma-es", seed: 7, maxIterations: 1000 });
    expect(result.converged).toBe(true);
    expect(distance(result.x, target)).toBeLessThanOrEqual(1e-6);
  });
});
