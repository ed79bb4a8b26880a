import { Tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { logSoftmax, logSoftmaxActivation, softmax, softmaxActivation } from "./softmax.js";

const f64 = (values: number[], shape: number[]) => new Tensor(Float64Array.from(values), shape);

function naiveSoftmax(row: number[]): number[] {
  const exps = row.map(Math.exp);
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

describe("softmax / logSoftmax forward", () => {
  it("matches the textbook formula along the last axis", () => {
    const y = softmax(f64([1, 2, 3, -1, 0, 1], [2, 3])).value.toArray();
    const expected = [...naiveSoftmax([1, 2, 3]), ...naiveSoftmax([-1, 0, 1])];
    y.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i]!, 15);
    });
  });

  it("normalizes along any axis (axis 0 of [2,3] = columns; negative axes)", () => {
    const x = f64([1, 2, 3, -1, 0, 5], [2, 3]);
    const y = softmax(x, 0).value.toArray();
    for (let column = 0; column < 3; column++) {
      const expected = naiveSoftmax([x.data[column]!, x.data[3 + column]!]);
      expect(y[column]).toBeCloseTo(expected[0]!, 15);
      expect(y[3 + column]).toBeCloseTo(expected[1]!, 15);
    }
    expect(softmax(x, -2).value.toArray()).toEqual(y);
    const x3 = f64(
      [...Array(24).keys()].map((i) => Math.sin(i)),
      [2, 3, 4],
    );
    const middle = softmax(x3, 1).value.data;
    for (let o = 0; o < 2; o++) {
      for (let i = 0; i < 4; i++) {
        let total = 0;
        for (let j = 0; j < 3; j++) total += middle[o * 12 + j * 4 + i]!;
        expect(total).toBeCloseTo(1, 15);
      }
    }
  });

  it("rows sum to 1 and values stay finite for any finite input (property, incl. ±1000)", () => {
    const value = fc.oneof(fc.double({ min: -1000, max: 1000, noNaN: true }), fc.constantFrom(-1000, 1000));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 12 }), (row) => {
        const y = softmax(f64(row, [1, row.length])).value.data;
        const logY = logSoftmax(f64(row, [1, row.length])).value.data;
        let total = 0;
        for (let i = 0; i < y.length; i++) {
          if (!Number.isFinite(y[i]!) || !Number.isFinite(logY[i]!) || logY[i]! > 0) return false;
          total += y[i]!;
        }
        return Math.abs(total - 1) < 1e-12;
      }),
    );
  });

  it("is exact at ±1000 where the naive formula gives NaN / −∞", () => {
    expect(softmax(f64([1000, 1000, -1000], [3])).value.toArray()).toEqual([0.5, 0.5, 0]);
    expect(logSoftmax(f64([0, -1000], [2])).value.toArray()).toEqual([0, -1000]);
    expect(logSoftmax(f64([1000, 0], [2])).value.toArray()).toEqual([0, -1000]);
    const float32 = softmax(new Tensor(Float32Array.from([1000, -1000, 999]), [3])).value;
    expect(float32.dtype).toBe("float32");
    expect(float32.data[0]! + float32.data[2]!).toBeCloseTo(1, 6);
  });

  it("log-softmax = log of softmax where both are representable", () => {
    const x = f64([0.5, -1.5, 2, 0], [4]);
    const y = softmax(x).value.toArray();
    const z = logSoftmax(x).value.toArray();
    for (let i = 0; i < z.length; i++) expect(z[i]).toBeCloseTo(Math.log(y[i]!), 14);
  });

  it("propagates NaN and names the op for a bad axis", () => {
    expect(
      softmax(f64([1, Number.NaN], [2]))
        .value.toArray()
        .every(Number.isNaN),
    ).toBe(true);
    expect(() => softmax(f64([1, 2], [2]), 1)).toThrow(
      "softmax: axis 1 is out of range for a tensor of rank 1",
    );
    expect(() => logSoftmax(f64([1, 2], [2]), 0.5)).toThrow("logSoftmax: axis must be an integer");
  });

  it("registry forms compute the same as the functions", () => {
    const x = f64([1, 2, 3, 4], [2, 2]);
    expect(softmaxActivation().compute(x).toArray()).toEqual(softmax(x).value.toArray());
    expect(logSoftmaxActivation({ axis: 0 }).compute(x).toArray()).toEqual(logSoftmax(x, 0).value.toArray());
    expect(softmaxActivation({ axis: 0 }).apply(x).value.toArray()).toEqual(softmax(x, 0).value.toArray());
  });
});
