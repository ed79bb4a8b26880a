import type { DType, Shape } from "@descent/spec";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { erfScalar } from "./erf.js";
import { clip, relu, sigmoid, softplus } from "./unary-activation.js";
import {
  abs,
  floor,
  isFinite as isFiniteOp,
  neg,
  reciprocal,
  round,
  rsqrt,
  sign,
  sqrt,
  square,
} from "./unary-arithmetic.js";
import { cos, erf, exp, expm1, log, log1p, sin, tanh } from "./unary-transcendental.js";

function make(values: number[], shape: Shape = [values.length], dtype: DType = "float64"): Tensor {
  return new Tensor(dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values), shape);
}

const samples = [-1000, -20, -2.5, -1, -0.5, -1e-8, 0, 1e-8, 0.3, 1, 2.5, 20, 1000];

describe("unary ops", () => {
  const references: [string, (x: Tensor) => Tensor, (x: number) => number][] = [
    ["neg", neg, (x) => -x],
    ["abs", abs, Math.abs],
    ["sign", sign, Math.sign],
    ["square", square, (x) => x * x],
    ["sqrt", sqrt, Math.sqrt],
    ["rsqrt", rsqrt, (x) => 1 / Math.sqrt(x)],
    ["reciprocal", reciprocal, (x) => 1 / x],
    ["floor", floor, Math.floor],
    ["exp", exp, Math.exp],
    ["log", log, Math.log],
    ["log1p", log1p, Math.log1p],
    ["expm1", expm1, Math.expm1],
    ["sin", sin, Math.sin],
    ["cos", cos, Math.cos],
    ["tanh", tanh, Math.tanh],
  ];

  for (const [name, op, reference] of references) {
    it(`${name} matches Math in float64, keeps shape and dtype, and propagates NaN`, () => {
      const x = make([...samples, Number.NaN], [2, 7]);
      const result = op(x);
      expect(result.shape).toEqual([2, 7]);
      expect(result.dtype).toBe("float64");
      expect(result.toArray()).toEqual([...samples, Number.NaN].map(reference));
      const single = op(make([0.75], [1], "float32"));
      expect(single.dtype).toBe("float32");
      expect(single.item()).toBe(Math.fround(reference(Math.fround(0.75))));
    });
  }

  it("round sends halves to the even neighbour, like NumPy", () => {
    expect(round(make([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6, 7])).toArray()).toEqual([
      0, 2, 2, -0, -2, -2, 2, 3, -3, 7,
    ]);
    expect(round(make([Number.NaN, Infinity])).toArray()).toEqual([Number.NaN, Infinity]);
  });

  it("isFinite gives 1 for finite numbers and 0 for ±Infinity and NaN", () => {
    expect(isFiniteOp(make([1, -Infinity, Infinity, Number.NaN, 0])).toArray()).toEqual([1, 0, 0, 0, 1]);
  });

  it("relu keeps positives, zeroes negatives and propagates NaN", () => {
    expect(relu(make([-2, -0, 0, 3, Number.NaN])).toArray()).toEqual([0, 0, 0, 3, Number.NaN]);
  });

  it("sigmoid and softplus are finite and exact at ±1000 in float32 and float64", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const x = make([-1000, -100, 0, 100, 1000], [5], dtype);
      const expected = (value: number) => (dtype === "float32" ? Math.fround(value) : value);
      expect(sigmoid(x).toArray()).toEqual([0, expected(Math.exp(-100) / (1 + Math.exp(-100))), 0.5, 1, 1]);
      expect(softplus(x).toArray()).toEqual([
        0,
        expected(Math.log1p(Math.exp(-100))),
        expected(Math.LN2),
        100,
        1000,
      ]);
      expect(tanh(x).toArray()).toEqual([-1, -1, 0, 1, 1]);
    }
  });

  it("sigmoid matches 1 / (1 + e^−x) and softplus matches ln(1 + e^x) where those are safe", () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (value) => {
        const x = make([value]);
        expect(sigmoid(x).item()).toBeCloseTo(1 / (1 + Math.exp(-value)), 14);
        expect(softplus(x).item()).toBeCloseTo(Math.log(1 + Math.exp(value)), 12);
        expect(sigmoid(neg(x)).item()).toBeCloseTo(1 - sigmoid(x).item(), 14);
      }),
    );
  });

  it("sigmoid and softplus propagate NaN", () => {
    expect(sigmoid(make([Number.NaN])).item()).toBeNaN();
    expect(softplus(make([Number.NaN])).item()).toBeNaN();
  });

  it("erf matches known values to float64 precision and is odd", () => {
    // erf(x) to 16+ significant digits (Abramowitz & Stegun table 7.1 and high-precision evaluations).
    const known: [number, number][] = [
      [0, 0],
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [2.5, 0.999593047982555],
      [3, 0.9999779095030014],
      [4, 0.9999999845827421],
      [6, 1],
      [Infinity, 1],
    ];
    for (const [x, expected] of known) {
      expect(Math.abs(erfScalar(x) - expected)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(expected));
      expect(erfScalar(-x)).toBe(-erfScalar(x));
    }
    expect(erf(make([1, Number.NaN], [2], "float32")).toArray()).toEqual([
      Math.fround(0.8427007929497149),
      Number.NaN,
    ]);
  });

  it("erf is increasing and bounded by ±1", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -8, max: 8, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (x, step) => {
          expect(Math.abs(erfScalar(x))).toBeLessThanOrEqual(1);
          expect(erfScalar(x + step)).toBeGreaterThanOrEqual(erfScalar(x) - 2 * Number.EPSILON);
        },
      ),
    );
  });

  it("clip clamps into [min, max], keeps NaN and validates the bounds", () => {
    expect(clip(make([-2, 0.5, 3, Number.NaN]), 0, 1).toArray()).toEqual([0, 0.5, 1, Number.NaN]);
    expect(clip(make([-2, 5]), -Infinity, 1).toArray()).toEqual([-2, 1]);
    expect(() => clip(make([1]), 2, 1)).toThrow(ValueError);
    expect(() => clip(make([1]), 2, 1)).toThrow("clip: min 2 is greater than max 1: swap the bounds");
    expect(() => clip(make([1]), Number.NaN, 1)).toThrow(/clip: bounds must be numbers/);
  });

  it("unary ops reject non-tensors with the op's name", () => {
    expect(() => exp(3 as never)).toThrow(
      "exp: x must be a tensor (an object with shape, dtype and a Float32Array or Float64Array data) but got number 3",
    );
  });
});
