import { tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { grad } from "../api/value-and-grad.js";
import { isTraced, type Operand, stopGradient, type Traced } from "../core/traced.js";
import { expectGradientsMatch, RUNS, randomTensor, seedArbitrary, shapeArbitrary } from "../test-helpers.js";
import { cast } from "./cast.js";
import { mul } from "./elementwise-binary.js";
import {
  abs,
  cos,
  erf,
  exp,
  expm1,
  log,
  log1p,
  neg,
  reciprocal,
  relu,
  rsqrt,
  sigmoid,
  sin,
  softplus,
  sqrt,
  square,
  tanh,
} from "./elementwise-unary.js";
import { floor, isFinite as isFiniteOp, round, sign } from "./non-differentiable.js";
import { sum } from "./reductions.js";

type Domain = { low: number; high: number; awayFrom?: number };
const cases: [string, (x: Operand) => Traced, Domain][] = [
  ["neg", neg, { low: -2, high: 2 }],
  ["abs", abs, { low: -2, high: 2, awayFrom: 0 }],
  ["exp", exp, { low: -2, high: 2 }],
  ["log", log, { low: 0.2, high: 3 }],
  ["log1p", log1p, { low: -0.8, high: 3 }],
  ["expm1", expm1, { low: -2, high: 2 }],
  ["sqrt", sqrt, { low: 0.2, high: 3 }],
  ["rsqrt", rsqrt, { low: 0.2, high: 3 }],
  ["square", square, { low: -2, high: 2 }],
  ["reciprocal", reciprocal, { low: 0.3, high: 3 }],
  ["sin", sin, { low: -3, high: 3 }],
  ["cos", cos, { low: -3, high: 3 }],
  ["tanh", tanh, { low: -2, high: 2 }],
  ["sigmoid", sigmoid, { low: -4, high: 4 }],
  ["relu", relu, { low: -2, high: 2, awayFrom: 0 }],
  ["erf", erf, { low: -2, high: 2 }],
  ["softplus", softplus, { low: -4, high: 4 }],
];

describe("element-wise unary gradients", () => {
  for (const [name, op, domain] of cases) {
    it(`${name} matches central differences on random shapes and values`, () => {
      fc.assert(
        fc.property(shapeArbitrary(), seedArbitrary, (shape, seed) => {
          expectGradientsMatch((x) => op(x), randomTensor(seed, shape, domain));
        }),
        RUNS,
      );
    });
  }

  it("reciprocal and log also hold for negative inputs", () => {
    expectGradientsMatch((x) => reciprocal(x), randomTensor(3, [4], { low: -3, high: -0.3 }));
  });
});

describe("cast and Traced", () => {
  it("cast converts the gradient back to the input's dtype", () => {
    const gradient = grad((x: Traced) => sum(mul(cast(x, "float64"), tensor([0.1], undefined, "float64"))))(
      tensor([1, 2], undefined, "float32"),
    );
    expect(gradient.dtype).toBe("float32");
    expect(gradient.toArray()).toEqual([Math.fround(0.1), Math.fround(0.1)]);
    // Through float32 the finite differences would be rounding noise: check a float64 round trip.
    expectGradientsMatch((x) => square(cast(x, "float64")), tensor([0.5, -0.25], undefined, "float64"));
  });

  it("a Traced names its op, shape and dtype; constants are not tracked", () => {
    const t = exp(tensor([[1, 2]]));
    expect(isTraced(t)).toBe(true);
    expect(isTraced(tensor([1]))).toBe(false);
    expect(t.tracked).toBe(false);
    expect(t.op).toBe("constant");
    expect(`${stopGradient(t)}`).toBe("Traced(constant, shape=[1,2], dtype=float32)");
    let inside = "";
    grad((x: Traced) => {
      const y = exp(x);
      inside = `${y} ${y.tracked} ${y.size} ${y.rank}`;
      return sum(y);
    })(tensor([[1, 2]]));
    expect(inside).toBe("Traced(exp, shape=[1,2], dtype=float32) true 2 2");
  });
});

describe("kinks, pinned exactly", () => {
  const at = (op: (x: Operand) => Traced, values: number[]) =>
    grad((x: Traced) => sum(op(x)))(tensor(values, undefined, "float64")).toArray();

  it("relu'(0) = 0, relu'(x<0) = 0, relu'(x>0) = 1", () => {
    expect(at(relu, [-1, 0, 1e-300, 2])).toEqual([0, 0, 1, 1]);
  });

  it("abs'(0) = 0, abs'(x) = sign(x)", () => {
    expect(at(abs, [-3, 0, 5])).toEqual([-1, 0, 1]);
  });

  it("piecewise-constant ops (sign, floor, round, isFinite) have zero gradient", () => {
    for (const op of [sign, floor, round, isFiniteOp])
      expect(at(op, [-1.5, 0, 0.4, 2.5])).toEqual([0, 0, 0, 0]);
  });
});
