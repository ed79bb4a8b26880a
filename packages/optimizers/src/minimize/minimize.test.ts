import { ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { adam } from "../aliases/adam-family.js";
import { bowl, expectClose, rosenbrock } from "../test-helpers.js";
import { cmaEs } from "./cma-es.js";
import { symmetricEigen } from "./eigen.js";
import { lbfgs } from "./lbfgs.js";
import { minimize } from "./minimize.js";
import { nelderMead } from "./nelder-mead.js";

/** Extended Rosenbrock in n dimensions: Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², minimum at (1, …, 1). */
function rosenbrockN(x: Float64Array): { value: number; gradient: Float64Array } {
  const gradient = new Float64Array(x.length);
  let value = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i]!;
    const b = x[i + 1]!;
    value += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    gradient[i] = gradient[i]! - 400 * a * (b - a * a) - 2 * (1 - a);
    gradient[i + 1] = gradient[i + 1]! + 200 * (b - a * a);
  }
  return { value, gradient };
}

describe("minimize", () => {
  it("lbfgs solves a 10-D Rosenbrock with both line searches, counting evaluations", () => {
    const start = new Float64Array(10).fill(-1);
    for (const lineSearch of ["strong-wolfe", "backtracking"] as const) {
      const result = minimize(rosenbrockN, start, { method: "lbfgs", lineSearch, maxIterations: 500 });
      expect(result.converged).toBe(true);
      expectClose(result.x, new Float64Array(10).fill(1), 1e-5);
      expect(result.value).toBeLessThan(1e-10);
      expect(result.evaluations).toBeGreaterThanOrEqual(result.iterations + 1);
      expect(result.history).toHaveLength(result.iterations + 1);
      // every accepted step decreases f (sufficient decrease)
      for (let i = 1; i < result.history.length; i++)
        expect(result.history[i]!).toBeLessThan(result.history[i - 1]!);
    }
  });

  it("lbfgs with the strong-Wolfe search needs fewer evaluations than gradient descent needs steps", () => {
    const lbfgs = minimize(rosenbrock, [-1.2, 1], { method: "lbfgs" });
    const gd = minimize(rosenbrock, [-1.2, 1], {
      method: "first-order",
      optimizer: adam({ learningRate: 0.02 }),
      maxIterations: 20_000,
      tolerance: 1e-6,
    });
    expect(lbfgs.converged).toBe(true);
    expect(lbfgs.evaluations).toBeLessThan(100);
    expect(gd.evaluations).toBeGreaterThan(lbfgs.evaluations * 10);
  });

  it("lbfgs stops at once when the start is already a minimum", () => {
    const result = minimize(bowl, [0, 0], { method: "lbfgs" });
    expect(result).toMatchObject({ iterations: 0, evaluations: 1, converged: true, value: 0 });
  });

  it("cma-es is reproducible from its seed and different across seeds", () => {
    const f = (x: Float64Array) => rosenbrock(x).value;
    const a = minimize(f, [-1.2, 1], { method: "cma-es", seed: 3 });
    const b = minimize(f, [-1.2, 1], { method: "cma-es", seed: 3 });
    const c = minimize(f, [-1.2, 1], { method: "cma-es", seed: 4 });
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
    expect(b.history).toEqual(a.history);
    expect(c.history).not.toEqual(a.history);
    expect(a.converged).toBe(true);
    expect(a.evaluations).toBeLessThanOrEqual(a.iterations * 6 + 1);
  });

  it("cma-es handles a rotated, ill-conditioned ellipsoid in 5-D", () => {
    const f = (x: Float64Array) => {
      let value = 0;
      for (let i = 0; i < x.length; i++) {
        let partial = 0;
        for (let j = 0; j <= i; j++) partial += x[j]! - 1;
        value += 1000 ** (i / (x.length - 1)) * partial * partial;
      }
      return value;
    };
    const result = minimize(f, [0, 0, 0, 0, 0], { method: "cma-es", seed: 1, maxIterations: 3000 });
    expect(result.converged).toBe(true);
    expectClose(result.x, [1, 1, 1, 1, 1], 1e-4);
  });

  it("nelder-mead treats NaN as +∞ and stays in the domain", () => {
    const f = (x: Float64Array) => (x[0]! < 0 ? Number.NaN : (Math.sqrt(x[0]!) - 2) ** 2 + (x[1]! - 1) ** 2);
    const result = minimize(f, [1, 0], { method: "nelder-mead" });
    expect(result.converged).toBe(true);
    expectClose(result.x, [4, 1], 1e-6);
  });

  it("reports unconverged runs honestly", () => {
    const result = minimize((x) => rosenbrock(x).value, [-1.2, 1], {
      method: "nelder-mead",
      maxIterations: 5,
    });
    expect(result).toMatchObject({ converged: false, iterations: 5, message: "reached maxIterations" });
  });

  it("rejects bad input, naming it", () => {
    expect(() => minimize(bowl, [Number.NaN, 0], { method: "lbfgs" })).toThrow(
      new ValueError("minimize", "initial[0] = NaN is not a finite number: start from a finite point"),
    );
    expect(() => minimize(bowl, [1, 0], { method: "bfgs" } as never)).toThrow(
      /method = "bfgs": use "lbfgs", "cma-es", "nelder-mead" or "first-order"/,
    );
    expect(() => minimize(bowl, [1, 0], { method: "lbfgs", memory: 0 })).toThrow(
      /memory = 0 is outside the integers ≥ 1/,
    );
    expect(() => minimize(() => ({ value: 1, gradient: [1] }), [1, 0], { method: "lbfgs" })).toThrow(
      /gradient of length 1 for a point of length 2/,
    );
    expect(() => minimize((x) => x[0]!, [1], { method: "cma-es", sigma: 1 } as never)).toThrow(
      /unknown option "sigma"/,
    );
  });
});

describe("the methods on their own", () => {
  it("lbfgs, cmaEs and nelderMead equal minimize with the method", () => {
    const f = (x: Float64Array) => rosenbrock(x).value;
    expect(lbfgs(rosenbrock, [-1.2, 1]).history).toEqual(
      minimize(rosenbrock, [-1.2, 1], { method: "lbfgs" }).history,
    );
    expect(cmaEs(f, [-1.2, 1], { seed: 2 }).history).toEqual(
      minimize(f, [-1.2, 1], { method: "cma-es", seed: 2 }).history,
    );
    expect(nelderMead(f, [-1.2, 1]).history).toEqual(
      minimize(f, [-1.2, 1], { method: "nelder-mead" }).history,
    );
    expect(() => nelderMead(f, [1, Number.POSITIVE_INFINITY])).toThrow(
      /initial\[1\] = Infinity is not a finite number/,
    );
  });
});

describe("symmetricEigen", () => {
  it("decomposes a symmetric matrix: A·v = λ·v, orthonormal vectors", () => {
    const n = 3;
    const a = new Float64Array([4, 1, -2, 1, 2, 0, -2, 0, 3]);
    const { values, vectors } = symmetricEigen(a, n);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j]! * vectors[j * n + k]!;
        expect(av).toBeCloseTo(values[k]! * vectors[i * n + k]!, 12);
      }
    }
    const sum = Array.from(values).reduce((s, v) => s + v, 0);
    expect(sum).toBeCloseTo(9, 12);
  });
});
