import { tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Operand, Traced } from "../core/traced.js";
import { add, div, mul, pow, sub } from "../ops/elementwise-binary.js";
import { cos, exp, log, sigmoid, sin, sqrt, square, tanh } from "../ops/elementwise-unary.js";
import { matmul } from "../ops/linalg.js";
import { logSumExp, mean, sum } from "../ops/reductions.js";
import { variance } from "../ops/statistics.js";
import { expectGradientsMatch, RUNS, randomTensor, seedArbitrary } from "../test-helpers.js";
import { grad, valueAndGrad } from "./value-and-grad.js";

const f64 = (values: number[]) => tensor(values, undefined, "float64");

describe("grad of grad", () => {
  it("d²/dx² x³ = 6x (through pow and through mul)", () => {
    const second = grad((x: Traced) => sum(grad((y: Traced) => sum(pow(y, 3)))(x)));
    expect(second(f64([-1, 0.5, 2])).toArray()).toEqual([-6, 3, 12]);
    const viaMul = grad((x: Traced) => sum(grad((y: Traced) => sum(mul(mul(y, y), y)))(x)));
    expect(viaMul(f64([-1, 0.5, 2])).toArray()).toEqual([-6, 3, 12]);
  });

  it("d²/dx² sin x = -sin x and d³/dx³ sin x = -cos x", () => {
    const first = (x: Traced) => grad((y: Traced) => sum(sin(y)))(x);
    const second = (x: Traced) => grad((y: Traced) => sum(first(y)))(x);
    const third = grad((x: Traced) => sum(second(x)));
    const x = f64([0.3, -1.2, 2]);
    const secondValues = grad((y: Traced) => sum(first(y)))(x).toArray();
    x.toArray().forEach((v, i) => {
      expect(secondValues[i]).toBeCloseTo(-Math.sin(v), 14);
      expect(third(x).toArray()[i]).toBeCloseTo(-Math.cos(v), 14);
    });
  });

  it("the Hessian of the quadratic form xᵀAx (via matmul) is A + Aᵀ", () => {
    const a = tensor(
      [
        [1, 2, 0],
        [-1, 3, 4],
        [0.5, 0, -2],
      ],
      undefined,
      "float64",
    );
    const quadratic = (x: Traced) => matmul(x, matmul(a, x));
    const x = f64([0.7, -0.2, 1.1]);
    const { value, gradients } = valueAndGrad(quadratic)(x);
    const [x0, x1, x2] = [0.7, -0.2, 1.1];
    expect(value.item()).toBeCloseTo(
      x0 * (x0 + 2 * x1) + x1 * (-x0 + 3 * x1 + 4 * x2) + x2 * (0.5 * x0 - 2 * x2),
      14,
    );
    const symmetric = [
      [2, 1, 0.5],
      [1, 6, 4],
      [0.5, 4, -4],
    ];
    gradients.toArray().forEach((g, i) => {
      expect(g).toBeCloseTo(
        symmetric[i]!.reduce((s, h, j) => s + h * [x0, x1, x2][j]!, 0),
        14,
      );
    });
    for (let i = 0; i < 3; i++) {
      const unit = f64([0, 1, 2].map((j) => (j === i ? 1 : 0)));
      // Hessian-vector product: ∇ₓ(∇f(x)·eᵢ) = H·eᵢ, the i-th column.
      const column = grad((x: Traced) => sum(mul(grad(quadratic)(x), unit)))(x);
      expect(column.toArray()).toEqual(symmetric.map((row) => row[i]));
    }
  });

  it("a gradient penalty ‖∇f‖² differentiates correctly (checked against finite differences)", () => {
    const functions: [string, (x: Traced) => Operand][] = [
      ["polynomial", (x) => sum(add(pow(x, 3), mul(square(x), 2)))],
      ["transcendental", (x) => sum(add(mul(exp(x), sin(x)), add(tanh(x), sigmoid(x))))],
      ["log/sqrt/div", (x) => sum(div(log(add(square(x), 1)), sqrt(add(square(x), 2))))],
      ["cos/sub", (x) => sum(mul(cos(x), sub(x, 1)))],
      ["reductions", (x) => add(logSumExp(x), add(variance(x), square(mean(x))))],
    ];
    for (const [, f] of functions) {
      fc.assert(
        fc.property(seedArbitrary, (seed) => {
          expectGradientsMatch((x) => sum(square(grad(f)(x))), randomTensor(seed, [2, 3]), {
            relativeTolerance: 1e-4,
          });
        }),
        { numRuns: 5 },
      );
    }
  });

  it("matmul gradients differentiate again (mixed second derivative of a bilinear loss)", () => {
    fc.assert(
      fc.property(seedArbitrary, (seed) => {
        const inputs = { w: randomTensor(seed, [3, 2]), x: randomTensor(seed + 1, [4, 3]) };
        const loss = (w: Traced, x: Traced) => sum(square(matmul(x, w)));
        expectGradientsMatch(({ w, x }) => sum(square(grad(loss, { argnums: [0, 1] })(w, x)[1])), inputs, {
          relativeTolerance: 1e-4,
        });
      }),
      RUNS,
    );
  });
});
