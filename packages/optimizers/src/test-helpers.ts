import type { DType, GradientTransformation, ParamTree, Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import { expect } from "vitest";
import { applyUpdates } from "./tree/tree.js";

/** A 1-D tensor of `values`. */
export function vector(values: readonly number[], dtype: DType = "float64"): Tensor {
  return new Tensor(dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values), [
    values.length,
  ]);
}

/** The leaf `name` of a flat tree, as a plain array. */
export function leaf(tree: ParamTree, name: string): number[] {
  return Array.from((tree[name] as TensorLike).data);
}

/** Runs `steps` updates with gradients from `gradientAt(params, step)`; returns every intermediate params. */
export function run<State>(
  optimizer: GradientTransformation<State>,
  initial: ParamTree,
  steps: number,
  gradientAt: (params: ParamTree, step: number) => ParamTree,
): { params: ParamTree; state: State; trajectory: ParamTree[] } {
  let params = initial;
  let state = optimizer.init(params);
  const trajectory: ParamTree[] = [];
  for (let step = 0; step < steps; step++) {
    const { updates, state: next } = optimizer.update(gradientAt(params, step), state, params);
    params = applyUpdates(params, updates);
    state = next;
    trajectory.push(params);
  }
  return { params, state, trajectory };
}

/** Asserts element-wise `|a − e| ≤ relative·max(1, |e|)`. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relative = 1e-13): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= relative * Math.max(1, Math.abs(e)))) {
      expect.fail(`element ${i}: got ${a}, expected ${e} (relative tolerance ${relative})`);
    }
  }
}

/** Quadratic bowl `f(x) = ½ Σ c_i x_i²` with curvatures c = (1, 10): minimum 0 at the origin. */
export function bowl(x: ArrayLike<number>): { value: number; gradient: number[] } {
  const c = [1, 10];
  let value = 0;
  const gradient = [];
  for (let i = 0; i < x.length; i++) {
    value += 0.5 * c[i % 2]! * x[i]! ** 2;
    gradient.push(c[i % 2]! * x[i]!);
  }
  return { value, gradient };
}

/** Rosenbrock `f(x, y) = (1 − x)² + 100 (y − x²)²`: minimum 0 at (1, 1). */
export function rosenbrock(x: ArrayLike<number>): { value: number; gradient: number[] } {
  const a = x[0]!;
  const b = x[1]!;
  return {
    value: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
    gradient: [-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)],
  };
}
