import type { DType, Shape } from "@descent/spec";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ShapeError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { equal, greater, greaterEqual, less, lessEqual, notEqual } from "./comparison.js";
import { where } from "./where.js";

function make(values: number[], shape: Shape = [values.length], dtype: DType = "float32"): Tensor {
  return new Tensor(dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values), shape);
}

describe("comparisons", () => {
  const x = make([-1, 0, 1, Number.NaN]);

  it("give 0/1 in the result dtype, with NaN comparing false (and unequal to itself)", () => {
    expect(equal(x, 0).toArray()).toEqual([0, 1, 0, 0]);
    expect(notEqual(x, 0).toArray()).toEqual([1, 0, 1, 1]);
    expect(notEqual(x, x).toArray()).toEqual([0, 0, 0, 1]);
    expect(greater(x, 0).toArray()).toEqual([0, 0, 1, 0]);
    expect(greaterEqual(x, 0).toArray()).toEqual([0, 1, 1, 0]);
    expect(less(x, 0).toArray()).toEqual([1, 0, 0, 0]);
    expect(lessEqual(x, 0).toArray()).toEqual([1, 1, 0, 0]);
    expect(less(0, x).toArray()).toEqual([0, 0, 1, 0]);
    expect(greater(x, make([0], [1], "float64")).dtype).toBe("float64");
    expect(greater(x, 0).dtype).toBe("float32");
  });

  it("less(a, b) = greater(b, a) and lessEqual(a, b) = greaterEqual(b, a) under broadcasting", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 6, maxLength: 6 }),
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 3, maxLength: 3 }),
        (left, right) => {
          const a = make(left, [2, 3]);
          const b = make(right, [3]);
          expect(less(a, b)).toEqual(greater(b, a));
          expect(lessEqual(a, b)).toEqual(greaterEqual(b, a));
          expect(less(a, 1)).toEqual(greater(1, a));
          expect(lessEqual(1, a)).toEqual(greaterEqual(a, 1));
          expect(
            equal(a, b)
              .toArray()
              .map((v, i) => v + notEqual(a, b).data[i]!),
          ).toEqual(new Array(6).fill(1));
        },
      ),
    );
  });

  it("throw a ShapeError when shapes do not broadcast", () => {
    expect(() => equal(make([1, 2]), make([1, 2, 3]))).toThrow(ShapeError);
  });
});

describe("where", () => {
  it("picks from a where the condition is non-zero (NaN counts as true), else from b", () => {
    const condition = make([1, 0, -2, Number.NaN]);
    expect(where(condition, make([1, 2, 3, 4]), make([-1, -2, -3, -4])).toArray()).toEqual([1, -2, 3, 4]);
  });

  it("broadcasts all three operands and accepts numbers for the branches", () => {
    const condition = make([1, 0], [2, 1]);
    const a = make([1, 2, 3], [3]);
    const result = where(condition, a, 0);
    expect(result.shape).toEqual([2, 3]);
    expect(result.toNested()).toEqual([
      [1, 2, 3],
      [0, 0, 0],
    ]);
    const threeWay = where(make([1, 0, 1], [1, 3]), make([10, 20], [2, 1]), make([7], [1, 1, 1]));
    expect(threeWay.shape).toEqual([1, 2, 3]);
    expect(threeWay.toArray()).toEqual([10, 7, 10, 20, 7, 20]);
  });

  it("takes its dtype from the branches, not the condition", () => {
    expect(where(make([1], [1], "float64"), make([1]), 0).dtype).toBe("float32");
    expect(where(make([1]), make([1], [1], "float64"), 0).dtype).toBe("float64");
    expect(where(make([1], [1], "float64"), 1, 0).dtype).toBe("float64");
  });

  it("keeps NaN from the chosen branch and ignores NaN in the other", () => {
    expect(where(make([1, 0]), make([Number.NaN, Number.NaN]), make([5, 6])).toArray()).toEqual([
      Number.NaN,
      6,
    ]);
  });

  it("throws a ShapeError naming the shapes when they do not broadcast", () => {
    expect(() => where(make([1, 0, 1]), make([1, 2]), 0)).toThrow(
      "where: [3] and [2] do not broadcast: axis -1 has sizes 3 ≠ 2 (sizes must be equal or 1)",
    );
  });
});
