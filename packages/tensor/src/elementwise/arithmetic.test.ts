import type { DType, Shape } from "@descent/spec";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { add, div, maximum, minimum, mul, pow, sub } from "./arithmetic.js";

function make(values: number[], shape: Shape = [values.length], dtype: DType = "float32"): Tensor {
  return new Tensor(dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values), shape);
}

/** Reference broadcast by explicit multi-indices: slow and obviously right. */
function naiveBroadcast(
  a: Tensor,
  b: Tensor,
  f: (x: number, y: number) => number,
): { shape: number[]; values: number[] } {
  const rank = Math.max(a.rank, b.rank);
  const shape: number[] = [];
  for (let axis = 0; axis < rank; axis++) {
    const sizeA = a.shape[axis - rank + a.rank] ?? 1;
    const sizeB = b.shape[axis - rank + b.rank] ?? 1;
    shape.push(sizeA === 1 ? sizeB : sizeA);
  }
  const size = shape.reduce((product, n) => product * n, 1);
  const values: number[] = [];
  const flatIndex = (t: Tensor, index: number[]): number => {
    let flat = 0;
    for (let axis = 0; axis < t.rank; axis++) {
      const size = t.shape[axis]!;
      flat = flat * size + (size === 1 ? 0 : index[axis + rank - t.rank]!);
    }
    return flat;
  };
  for (let flat = 0; flat < size; flat++) {
    const index = new Array<number>(rank);
    let rest = flat;
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis] = rest % shape[axis]!;
      rest = Math.floor(rest / shape[axis]!);
    }
    values.push(f(a.data[flatIndex(a, index)]!, b.data[flatIndex(b, index)]!));
  }
  return { shape, values };
}

/** Two shapes that broadcast: random suffixes of one shape, with random sizes knocked down to 1. */
const broadcastPair = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 })
  .chain((shape) => {
    const operandShape = fc
      .tuple(
        fc.integer({ min: 0, max: shape.length }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      )
      .map(([drop, ones]) => shape.slice(drop).map((size, axis) => (ones[axis] ? 1 : size)));
    return fc.tuple(operandShape, operandShape);
  });

function tensorOf(shape: number[], seed: number, dtype: DType = "float64"): Tensor {
  const size = shape.reduce((product, n) => product * n, 1);
  // Small integers: sums and differences are exact, so equalities below are exact.
  return make(
    Array.from({ length: size }, (_, i) => ((i * 7919 + seed * 104729) % 41) - 20),
    shape,
    dtype,
  );
}

describe("binary arithmetic with broadcasting", () => {
  it("matches a naive multi-index reference on random broadcastable shapes", () => {
    const ops = [
      [add, (x: number, y: number) => x + y],
      [sub, (x: number, y: number) => x - y],
      [mul, (x: number, y: number) => x * y],
      [div, (x: number, y: number) => x / y],
      [maximum, Math.max],
      [minimum, Math.min],
      [pow, (x: number, y: number) => x ** y],
    ] as const;
    fc.assert(
      fc.property(broadcastPair, fc.nat(1000), ([shapeA, shapeB], seed) => {
        const a = tensorOf(shapeA, seed);
        const b = tensorOf(shapeB, seed + 1);
        for (const [op, f] of ops) {
          const expected = naiveBroadcast(a, b, f);
          const result = op(a, b);
          expect(result.shape).toEqual(expected.shape);
          expect(Array.from(result.data)).toEqual(expected.values);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("add and mul commute under broadcasting", () => {
    fc.assert(
      fc.property(broadcastPair, fc.nat(1000), ([shapeA, shapeB], seed) => {
        const a = tensorOf(shapeA, seed);
        const b = tensorOf(shapeB, seed + 7);
        expect(add(a, b)).toEqual(add(b, a));
        expect(mul(a, b)).toEqual(mul(b, a));
      }),
    );
  });

  it("sub undoes add: (a + b) − b = a, broadcast back to the result shape", () => {
    fc.assert(
      fc.property(broadcastPair, fc.nat(1000), ([shapeA, shapeB], seed) => {
        const a = tensorOf(shapeA, seed);
        const b = tensorOf(shapeB, seed + 3);
        const roundTrip = sub(add(a, b), b);
        expect(roundTrip).toEqual(add(a, mul(b, 0)));
      }),
    );
  });

  it("accepts numbers on either side, with the tensor's dtype", () => {
    const x = make([1, 2, 4], [3], "float64");
    expect(sub(x, 1).toArray()).toEqual([0, 1, 3]);
    expect(sub(1, x).toArray()).toEqual([0, -1, -3]);
    expect(div(1, x).toArray()).toEqual([1, 0.5, 0.25]);
    expect(pow(2, x).toArray()).toEqual([2, 4, 16]);
    expect(pow(x, 2).toArray()).toEqual([1, 4, 16]);
    expect(add(x, 1).dtype).toBe("float64");
    expect(add(1, make([1])).dtype).toBe("float32");
    const both = add(2, 3);
    expect(both.shape).toEqual([]);
    expect(both.item()).toBe(5);
  });

  it("result dtype is float64 when any tensor is float64, and float32 rounds once", () => {
    expect(add(make([1], [1], "float32"), make([1], [1], "float64")).dtype).toBe("float64");
    expect(mul(make([1], [1], "float32"), make([2], [1], "float32")).dtype).toBe("float32");
    expect(add(make([0.1], [1], "float32"), 0.2).item()).toBe(Math.fround(Math.fround(0.1) + 0.2));
  });

  it("takes the scalar path for one-element tensors of any rank and keeps the broadcast shape", () => {
    const matrix = make([1, 2, 3, 4, 5, 6], [2, 3]);
    const result = add(matrix, make([10], [1, 1, 1]));
    expect(result.shape).toEqual([1, 2, 3]);
    expect(result.toArray()).toEqual([11, 12, 13, 14, 15, 16]);
    expect(sub(make([10], []), matrix).toArray()).toEqual([9, 8, 7, 6, 5, 4]);
  });

  it("broadcasts rows, columns and both at once", () => {
    const column = make([1, 2], [2, 1]);
    const row = make([10, 20, 30], [3]);
    expect(add(column, row).toNested()).toEqual([
      [11, 21, 31],
      [12, 22, 32],
    ]);
    expect(sub(make([1, 2, 3, 4, 5, 6], [2, 3]), column).toNested()).toEqual([
      [0, 1, 2],
      [2, 3, 4],
    ]);
  });

  it("handles empty tensors", () => {
    expect(add(make([], [0, 3]), make([1, 2, 3])).shape).toEqual([0, 3]);
    expect(mul(make([], [0]), 2).shape).toEqual([0]);
  });

  it("maximum and minimum propagate NaN from either side; IEEE 754 elsewhere", () => {
    const withNaN = make([Number.NaN, 1, 2]);
    const other = make([0, Number.NaN, 1]);
    expect(maximum(withNaN, other).toArray()).toEqual([Number.NaN, Number.NaN, 2]);
    expect(minimum(withNaN, other).toArray()).toEqual([Number.NaN, Number.NaN, 1]);
    expect(maximum(withNaN, 0).toArray()).toEqual([Number.NaN, 1, 2]);
    expect(div(make([1, -1, 0]), 0).toArray()).toEqual([Infinity, -Infinity, Number.NaN]);
    expect(add(make([Infinity]), -Infinity).toArray()).toEqual([Number.NaN]);
  });

  it("throws a ShapeError that names both shapes and the axis", () => {
    expect(() => add(make([1, 2, 3]), make([1, 2]))).toThrow(ShapeError);
    expect(() => mul(make([1, 2, 3, 4, 5, 6], [2, 3]), make([1, 2, 3, 4], [2, 2]))).toThrow(
      "mul: [2,3] and [2,2] do not broadcast: axis -1 has sizes 3 ≠ 2 (sizes must be equal or 1)",
    );
  });

  it("rejects things that are not tensors with a ValueError naming the op", () => {
    expect(() => add([1, 2] as never, 1)).toThrow(ValueError);
    expect(() => add([1, 2] as never, 1)).toThrow(
      "add: the first operand must be a tensor (an object with shape, dtype and a Float32Array or Float64Array data) but got an array of length 2 (wrap it with tensor(...))",
    );
    expect(() => sub(1, null as never)).toThrow(/sub: the second operand must be a tensor .* but got null/);
  });

  it("accepts any structural tensor, not only the Tensor class", () => {
    const plain = { shape: [2], dtype: "float64" as const, data: new Float64Array([1, 2]) };
    const result = add(plain, plain);
    expect(result).toBeInstanceOf(Tensor);
    expect(result.toArray()).toEqual([2, 4]);
  });
});
