import type { Tensor as TensorLike } from "@descent/spec";
import { createRandom } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import {
  calculateGain,
  computeFans,
  constant,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  normal,
  ones,
  orthogonal,
  truncatedNormal,
  uniform,
  zeros,
} from "./index.js";

function stats(tensor: TensorLike): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const value of tensor.data) {
    sum += value;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  const mean = sum / tensor.data.length;
  let squares = 0;
  for (const value of tensor.data) squares += (value - mean) ** 2;
  return { mean, std: Math.sqrt(squares / tensor.data.length), min, max };
}

describe("calculateGain (PyTorch's table)", () => {
  it("gives the documented gains", () => {
    expect(calculateGain("linear")).toBe(1);
    expect(calculateGain("sigmoid")).toBe(1);
    expect(calculateGain("conv2d")).toBe(1);
    expect(calculateGain("tanh")).toBe(5 / 3);
    expect(calculateGain("relu")).toBe(Math.SQRT2);
    expect(calculateGain("leakyRelu")).toBe(Math.sqrt(2 / (1 + 0.01 ** 2)));
    expect(calculateGain("leakyRelu", 0.2)).toBe(Math.sqrt(2 / 1.04));
    expect(calculateGain("selu")).toBe(0.75);
    expect(() => calculateGain("swish")).toThrow(/no recommended gain for "swish"/);
  });
});

describe("computeFans", () => {
  it("reads [in, out] and [kh, kw, in, out]", () => {
    expect(computeFans([784, 128])).toEqual({ fanIn: 784, fanOut: 128 });
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(computeFans([10])).toEqual({ fanIn: 10, fanOut: 10 });
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
  });
});

describe("initializers", () => {
  const random = () => createRandom(7);

  it("constant initializers fill shape and dtype", () => {
    expect(zeros()(random(), [2, 3]).toArray()).toEqual([0, 0, 0, 0, 0, 0]);
    expect(ones()(random(), [2], "float64").dtype).toBe("float64");
    expect(constant(0.5)(random(), [3]).toArray()).toEqual([0.5, 0.5, 0.5]);
    expect(() => constant(Number.NaN)).toThrow(/use a finite number/);
  });

  it("uniform, normal and truncated normal have the requested moments", () => {
    const u = stats(uniform({ low: -2, high: 4 })(random(), [20000]));
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThan(4);
    expect(u.mean).toBeCloseTo(1, 1);
    const n = stats(normal({ mean: 3, std: 2 })(random(), [20000]));
    expect(n.mean).toBeCloseTo(3, 1);
    expect(n.std).toBeCloseTo(2, 1);
    const t = stats(truncatedNormal({ std: 1 })(random(), [20000]));
    expect(t.min).toBeGreaterThanOrEqual(-2);
    expect(t.max).toBeLessThanOrEqual(2);
    expect(t.std).toBeCloseTo(0.88, 1);
  });

  it("Glorot uniform bound is √(6 / (fanIn + fanOut))", () => {
    const bound = Math.sqrt(6 / (300 + 100));
    const s = stats(glorotUniform()(random(), [300, 100]));
    expect(s.max).toBeLessThan(bound);
    expect(s.min).toBeGreaterThanOrEqual(-bound);
    expect(s.max).toBeGreaterThan(bound * 0.99);
    expect(s.std).toBeCloseTo(bound / Math.sqrt(3), 3);
    const gained = stats(glorotUniform({ gain: "tanh" })(random(), [300, 100]));
    expect(gained.std).toBeCloseTo(((5 / 3) * bound) / Math.sqrt(3), 2);
  });

  it("Glorot normal std is √(2 / (fanIn + fanOut))", () => {
    expect(stats(glorotNormal()(random(), [300, 100])).std).toBeCloseTo(Math.sqrt(2 / 400), 3);
  });

  it("He uses gain √2 over fanIn (or fanOut)", () => {
    expect(stats(heNormal()(random(), [400, 100])).std).toBeCloseTo(Math.sqrt(2 / 400), 3);
    expect(stats(heNormal({ mode: "fanOut" })(random(), [400, 100])).std).toBeCloseTo(Math.sqrt(2 / 100), 2);
    const bound = Math.sqrt(6 / 400);
    const s = stats(heUniform()(random(), [400, 100]));
    expect(s.max).toBeLessThan(bound);
    expect(s.max).toBeGreaterThan(bound * 0.99);
    const leaky = stats(heNormal({ nonlinearity: "leakyRelu", negativeSlope: 1 })(random(), [400, 100]));
    expect(leaky.std).toBeCloseTo(Math.sqrt(1 / 400), 3);
  });

  it("LeCun uses 1/fanIn", () => {
    expect(stats(lecunNormal()(random(), [400, 100])).std).toBeCloseTo(Math.sqrt(1 / 400), 3);
    expect(stats(lecunUniform()(random(), [400, 100])).max).toBeLessThan(Math.sqrt(3 / 400));
  });

  it("orthogonal: columns orthonormal for tall, rows for wide, times gain", () => {
    for (const [rows, columns] of [
      [8, 5],
      [5, 8],
      [6, 6],
    ] as const) {
      const w = orthogonal({ gain: 2 })(random(), [rows, columns], "float64").data;
      const tall = rows >= columns;
      const count = Math.min(rows, columns);
      for (let a = 0; a < count; a++) {
        for (let b = 0; b < count; b++) {
          let dot = 0;
          for (let i = 0; i < Math.max(rows, columns); i++) {
            dot += tall
              ? w[i * columns + a]! * w[i * columns + b]!
              : w[a * columns + i]! * w[b * columns + i]!;
          }
          expect(dot).toBeCloseTo(a === b ? 4 : 0, 10);
        }
      }
    }
    expect(() => orthogonal()(random(), [4])).toThrow(/rank ≥ 2/);
  });

  it("is deterministic per seed and float32 by default", () => {
    const a = heNormal()(createRandom(1), [10, 10]);
    const b = heNormal()(createRandom(1), [10, 10]);
    expect(a.dtype).toBe("float32");
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(heNormal()(createRandom(2), [10, 10]).data)).not.toEqual(Array.from(a.data));
  });
});
