import type { DType, Shape } from "@descent/spec";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { cumsum } from "./cumsum.js";
import { argmax, argmin, max, min } from "./extrema.js";
import { logSumExp } from "./log-sum-exp.js";
import { standardDeviation, variance } from "./moments.js";
import { norm } from "./norm.js";
import { mean, prod, sum } from "./sum.js";

function make(values: number[], shape: Shape = [values.length], dtype: DType = "float64"): Tensor {
  return new Tensor(dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values), shape);
}

/** Groups the elements of `x` by their position with `axes` removed: the obviously-right reference. */
function naiveGroups(x: Tensor, axes: number[], keepDims: boolean): { shape: number[]; groups: number[][] } {
  const rank = x.rank;
  const reduce = x.shape.map((_, axis) => axes.includes(axis));
  const shape = x.shape.flatMap((size, axis) => (reduce[axis] ? (keepDims ? [1] : []) : [size]));
  const keptSizes = x.shape.filter((_, axis) => !reduce[axis]);
  const groups: number[][] = Array.from({ length: keptSizes.reduce((p, n) => p * n, 1) }, () => []);
  for (let flat = 0; flat < x.size; flat++) {
    let rest = flat;
    const index = new Array<number>(rank);
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis] = rest % x.shape[axis]!;
      rest = Math.floor(rest / x.shape[axis]!);
    }
    let group = 0;
    for (let axis = 0; axis < rank; axis++) if (!reduce[axis]) group = group * x.shape[axis]! + index[axis]!;
    groups[group]!.push(x.data[flat]!);
  }
  return { shape, groups };
}

const tensorAndAxes = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      values: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), {
        minLength: shape.reduce((p, n) => p * n, 1),
        maxLength: shape.reduce((p, n) => p * n, 1),
      }),
      axes: fc.subarray(shape.map((_, axis) => axis)),
      negative: fc.boolean(),
      keepDims: fc.boolean(),
    }),
  );

function expectClose(actual: ArrayLike<number>, expected: number[], relative = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tolerance = relative * (1 + Math.abs(expected[i]!));
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance))
      expect.fail(`element ${i}: ${actual[i]} ≠ ${expected[i]}`);
  }
}

describe("reductions over any axes", () => {
  it("sum, mean, max, min, prod, logSumExp, variance and norms match a naive grouping (float64)", () => {
    const total = (g: number[]) => g.reduce((s, v) => s + v, 0);
    const references: [
      string,
      (x: Tensor, axes: number[], keepDims: boolean) => Tensor,
      (g: number[]) => number,
    ][] = [
      ["sum", (x, a, k) => sum(x, a, k), total],
      ["mean", (x, a, k) => mean(x, a, k), (g) => total(g) / g.length],
      ["max", (x, a, k) => max(x, a, k), (g) => Math.max(...g)],
      ["min", (x, a, k) => min(x, a, k), (g) => Math.min(...g)],
      ["prod", (x, a, k) => prod(x, a, k), (g) => g.reduce((p, v) => p * v, 1)],
      ["logSumExp", (x, a, k) => logSumExp(x, a, k), (g) => Math.log(total(g.map(Math.exp)))],
      [
        "variance",
        (x, a, k) => variance(x, a, k),
        (g) => total(g.map((v) => (v - total(g) / g.length) ** 2)) / g.length,
      ],
      ["norm1", (x, a, k) => norm(x, { order: 1, axis: a, keepDims: k }), (g) => total(g.map(Math.abs))],
      ["norm2", (x, a, k) => norm(x, { axis: a, keepDims: k }), (g) => Math.sqrt(total(g.map((v) => v * v)))],
      [
        "normInf",
        (x, a, k) => norm(x, { order: "inf", axis: a, keepDims: k }),
        (g) => Math.max(...g.map(Math.abs)),
      ],
    ];
    fc.assert(
      fc.property(tensorAndAxes, ({ shape, values, axes, negative, keepDims }) => {
        const x = make(values, shape);
        const { shape: expectedShape, groups } = naiveGroups(x, axes, keepDims);
        const passed = negative ? axes.map((axis) => axis - shape.length) : axes;
        for (const [name, op, reference] of references) {
          const result = op(x, passed, keepDims);
          expect(result.shape, name).toEqual(expectedShape);
          const expected = groups.map((group) => (axes.length === 0 ? group[0]! : reference(group)));
          if (axes.length === 0 && name === "variance") expected.fill(0);
          if (axes.length === 0 && name.startsWith("norm"))
            for (let i = 0; i < expected.length; i++) expected[i] = Math.abs(expected[i]!);
          expectClose(result.data, expected, name === "prod" ? 1e-10 : 1e-12);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("sum over all axes equals the sum of the flat data, in float32 and float64", () => {
    fc.assert(
      fc.property(tensorAndAxes, ({ shape, values }) => {
        for (const dtype of ["float32", "float64"] as const) {
          const x = make(values, shape, dtype);
          const flat = Array.from(x.data).reduce((s, v) => s + v, 0);
          const result = sum(x);
          expect(result.shape).toEqual([]);
          expect(result.dtype).toBe(dtype);
          expect(result.item()).toBeCloseTo(
            dtype === "float32" ? Math.fround(flat) : flat,
            dtype === "float32" ? 4 : 10,
          );
          expect(sum(x, undefined, true).shape).toEqual(shape.map(() => 1));
        }
      }),
    );
  });

  it("an empty axis list reduces nothing; keepDims keeps reduced axes as 1", () => {
    const x = make([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(sum(x, [])).toEqual(x);
    expect(sum(x, [0, 1], true).toNested()).toEqual([[21]]);
    expect(mean(x, -1, true).toNested()).toEqual([[2], [5]]);
    expect(max(x, 0).toArray()).toEqual([4, 5, 6]);
  });

  it("accumulates float32 sums in float64: 2²⁴ + many ones does not stall", () => {
    const values = new Float32Array(1001).fill(1);
    values[0] = 2 ** 24;
    expect(sum(new Tensor(values, [1001])).item()).toBe(2 ** 24 + 1000);
    const ones = new Float32Array(3_000_000).fill(0.1);
    expect(mean(new Tensor(ones, [3_000_000])).item()).toBe(Math.fround(0.1));
  });

  it("reducing an empty tensor: sum 0, prod 1, mean/max/min/argmax raise a ValueError that says so", () => {
    const empty = make([], [0, 3]);
    expect(sum(empty).item()).toBe(0);
    expect(sum(empty, 0).toArray()).toEqual([0, 0, 0]);
    expect(prod(empty).item()).toBe(1);
    expect(sum(empty, 1).shape).toEqual([0]);
    expect(max(empty, 1).shape).toEqual([0]);
    expect(() => mean(empty)).toThrow(ValueError);
    expect(() => mean(empty)).toThrow(
      "mean: cannot reduce an empty tensor (shape [0,3] has no elements along the reduced axes): the mean of no values is undefined; check the shape or use sum",
    );
    expect(() => max(empty, 0)).toThrow(
      /^max: cannot reduce an empty tensor .*the maximum of no values is undefined/,
    );
    expect(() => min(empty)).toThrow(/^min: cannot reduce an empty tensor/);
    expect(() => argmax(empty)).toThrow(/^argmax: cannot reduce an empty tensor/);
  });

  it("rejects bad axes with a ValueError naming the op and the axis", () => {
    const x = make([1, 2, 3, 4], [2, 2]);
    expect(() => sum(x, 2)).toThrow(
      "sum: axis 2 is out of range for a tensor of rank 2: use an integer in [-2, 1]",
    );
    expect(() => sum(x, [0, -2])).toThrow("sum: axis -2 appears twice in [0,-2]: list each axis once");
    expect(() => argmax(x, [0] as never)).toThrow(/argmax: takes a single axis/);
  });

  it("propagates NaN through every reduction", () => {
    const x = make([1, Number.NaN, 3, 4], [2, 2]);
    for (const result of [
      sum(x, 1),
      mean(x, 1),
      max(x, 1),
      min(x, 1),
      prod(x, 1),
      logSumExp(x, 1),
      variance(x, 1),
    ]) {
      expect(Number.isNaN(result.data[0]!)).toBe(true);
      expect(Number.isNaN(result.data[1]!)).toBe(false);
    }
    expect(max(x, 0).toArray()).toEqual([3, Number.NaN]);
    expect(norm(x, { order: "inf" }).item()).toBeNaN();
    expect(norm(x).item()).toBeNaN();
  });
});

describe("argmax and argmin", () => {
  it("return float64 indices, the first occurrence on ties, over one axis or the flat tensor", () => {
    const x = make([1, 5, 5, 7, 2, 7], [2, 3], "float32");
    const along = argmax(x, 1);
    expect(along.dtype).toBe("float64");
    expect(along.toArray()).toEqual([1, 0]);
    expect(argmax(x, 0).toArray()).toEqual([1, 0, 1]);
    expect(argmax(x).toArray()).toEqual([3]);
    expect(argmax(x).shape).toEqual([]);
    expect(argmin(x, -1, true).toNested()).toEqual([[0], [1]]);
    expect(argmin(make([3, 1, 1])).item()).toBe(1);
  });

  it("point at the first NaN, as NumPy", () => {
    expect(argmax(make([1, Number.NaN, 5, Number.NaN])).item()).toBe(1);
    expect(argmin(make([1, Number.NaN, -5])).item()).toBe(1);
  });

  it("agree with a naive scan along random axes", () => {
    fc.assert(
      fc.property(tensorAndAxes, ({ shape, values }) => {
        if (shape.length === 0) return;
        const x = make(values.map(Math.round), shape);
        const axis = shape.length - 1;
        const { groups } = naiveGroups(x, [axis], false);
        expect(argmax(x, axis).toArray()).toEqual(groups.map((g) => g.indexOf(Math.max(...g))));
        expect(argmin(x, 0).toArray()).toEqual(
          naiveGroups(x, [0], false).groups.map((g) => g.indexOf(Math.min(...g))),
        );
      }),
    );
  });
});

describe("logSumExp", () => {
  it("is stable at ±1000 and handles infinite slices", () => {
    const x = make([1000, 1000, -1000, -1000, -Infinity, -Infinity, Infinity, 0], [4, 2]);
    expect(logSumExp(x, 1).toArray()).toEqual([1000 + Math.LN2, -1000 + Math.LN2, -Infinity, Infinity]);
    expect(logSumExp(make([1000, 1000], [2], "float32")).item()).toBe(Math.fround(1000 + Math.LN2));
    expect(logSumExp(x, 0).toArray()).toEqual([Infinity, 1000]);
    expect(logSumExp(make([], [0])).item()).toBe(-Infinity);
  });

  it("matches log(Σ exp) computed naively in float64 where that is safe", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 30 }),
        (values) => {
          const naive = Math.log(values.reduce((s, v) => s + Math.exp(v), 0));
          expect(logSumExp(make(values)).item()).toBeCloseTo(naive, 12);
          const shifted = values.map((v) => v + 900);
          expect(logSumExp(make(shifted)).item()).toBeCloseTo(naive + 900, 10);
        },
      ),
    );
  });
});

describe("variance, standardDeviation and norm", () => {
  it("variance with and without Bessel's correction, without cancellation at large offsets", () => {
    expect(variance(make([1, 2, 3, 4])).item()).toBe(1.25);
    expect(variance(make([1, 2, 3, 4]), 0, false, { correction: 1 }).item()).toBeCloseTo(5 / 3, 15);
    expect(variance(make([1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4])).item()).toBe(1.25);
    expect(standardDeviation(make([1, 3, 5, 5], [2, 2]), 1).toArray()).toEqual([1, 0]);
    expect(() => variance(make([1]), 0, false, { correction: 1 })).toThrow(
      "variance: correction 1 leaves no degrees of freedom for slices of 1 element(s): use a smaller correction or reduce over more elements",
    );
    expect(() => variance(make([1]), 0, false, { correction: -1 })).toThrow(
      /correction must be a finite number ≥ 0/,
    );
    expect(() => standardDeviation(make([]))).toThrow(/^standardDeviation: cannot reduce an empty tensor/);
  });

  it("norms of order 1, 2 and inf, per axis, and 0 for an empty vector", () => {
    const x = make([1, -2, 3, -4], [2, 2]);
    expect(norm(make([3, 4])).item()).toBe(5);
    expect(norm(x, { order: 1, axis: 1 }).toArray()).toEqual([3, 7]);
    expect(norm(x, { order: "inf", axis: 0, keepDims: true }).toNested()).toEqual([[3, 4]]);
    expect(norm(x).item()).toBeCloseTo(Math.sqrt(30), 15);
    expect(norm(make([])).item()).toBe(0);
    expect(norm(make([]), { order: "inf" }).item()).toBe(0);
    expect(() => norm(x, { order: 3 as never })).toThrow('norm: order must be 1, 2 or "inf", got 3');
  });

  it("the 2-norm neither overflows nor underflows for extreme float64 values", () => {
    expect(norm(make([1e200, 1e200])).item()).toBeCloseTo(Math.SQRT2 * 1e200, -186);
    expect(norm(make([3e-200, 4e-200])).item() / 5e-200).toBeCloseTo(1, 14);
    expect(norm(make([1e200, 0, 3, 4], [2, 2]), { axis: 1 }).toArray()).toEqual([1e200, 5]);
    expect(norm(make([Infinity, 1])).item()).toBe(Infinity);
    expect(norm(make([0, 0])).item()).toBe(0);
  });
});

describe("cumsum", () => {
  it("runs along any axis, keeps shape and dtype, and accumulates float32 in float64", () => {
    const x = make([1, 2, 3, 4, 5, 6], [2, 3], "float32");
    expect(cumsum(x, 1).toNested()).toEqual([
      [1, 3, 6],
      [4, 9, 15],
    ]);
    expect(cumsum(x, 0).toNested()).toEqual([
      [1, 2, 3],
      [5, 7, 9],
    ]);
    expect(cumsum(x, -1).dtype).toBe("float32");
    const ones = new Float32Array(1001).fill(1);
    ones[0] = 2 ** 24;
    expect(cumsum(new Tensor(ones, [1001]), 0).data[1000]).toBe(2 ** 24 + 1000);
  });

  it("its last entry along an axis equals sum along that axis", () => {
    fc.assert(
      fc.property(tensorAndAxes, ({ shape, values }) => {
        if (shape.length === 0) return;
        const x = make(values, shape);
        for (let axis = 0; axis < shape.length; axis++) {
          const running = cumsum(x, axis);
          expect(running.shape).toEqual(shape);
          const { groups } = naiveGroups(running, [axis], false);
          expectClose(
            groups.map((g) => g[g.length - 1]!),
            Array.from(sum(x, axis).data),
            1e-12,
          );
        }
      }),
    );
  });

  it("requires an axis and propagates NaN forward", () => {
    expect(() => cumsum(make([1, 2]), undefined as never)).toThrow(/cumsum: needs one axis/);
    expect(() => cumsum(make([1, 2]), 1)).toThrow(/cumsum: axis 1 is out of range/);
    expect(cumsum(make([1, Number.NaN, 2]), 0).toArray()).toEqual([1, Number.NaN, Number.NaN]);
  });
});
