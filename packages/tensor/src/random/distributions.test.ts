import { describe, expect, it } from "vitest";
import {
  bernoulli,
  createRandom,
  DTypeError,
  normal,
  truncatedNormal,
  uniform,
  ValueError,
} from "../index.js";

function meanAndStd(data: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i]!;
  const mean = sum / data.length;
  let squares = 0;
  for (let i = 0; i < data.length; i++) squares += (data[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(squares / data.length) };
}

const SAMPLES = 100_000;

describe("uniform", () => {
  it("pins the first values of seed 42 and maps [0, 1) onto [low, high)", () => {
    const t = uniform(createRandom(42), [3], { dtype: "float64" });
    expect(t.toArray()).toEqual([0.15377165265745885, 0.018084542542176507, 0.5348906284683476]);
    const scaled = uniform(createRandom(42), [1], { low: -1, high: 3, dtype: "float64" });
    expect(scaled.data[0]).toBe(-1 + 4 * 0.15377165265745885);
  });

  it("gives float32 values that are the rounded float64 values of the same seed", () => {
    const single = uniform(createRandom(5), [50]);
    const double = uniform(createRandom(5), [50], { dtype: "float64" });
    expect(single.dtype).toBe("float32");
    expect(single.toArray()).toEqual(double.toArray().map(Math.fround));
  });

  it("has mean (low+high)/2 and std (high−low)/√12 over 100k samples, all inside [low, high)", () => {
    const t = uniform(createRandom(1), [SAMPLES], { low: 2, high: 6 });
    const { mean, std } = meanAndStd(t.data);
    expect(mean).toBeCloseTo(4, 1);
    expect(Math.abs(std - 4 / Math.sqrt(12))).toBeLessThan(0.01);
    expect(t.data.every((x) => x >= 2 && x < 6)).toBe(true);
  });

  it("never returns high, even where float32 rounding would reach it", () => {
    const t = uniform(createRandom(2), [SAMPLES], { low: 1, high: 1 + 2 ** -20 });
    expect(t.data.every((x) => x >= 1 && x < 1 + 2 ** -20)).toBe(true);
  });

  it("rejects empty intervals, non-finite bounds and bad shapes", () => {
    const random = createRandom(0);
    expect(() => uniform(random, [2], { low: 1, high: 1 })).toThrow(ValueError);
    expect(() => uniform(random, [2], { low: 1, high: 1 })).toThrow(
      "uniform: low 1 and high 1 do not make an interval: use finite low < high",
    );
    expect(() => uniform(random, [2], { high: Number.POSITIVE_INFINITY })).toThrow(
      "uniform: high is Infinity",
    );
    expect(() => uniform(random, [-2])).toThrow("uniform: shape [-2] has size -2");
    expect(() => uniform(random, [2], { dtype: "int32" as never })).toThrow(DTypeError);
    expect(() => uniform({} as never, [2])).toThrow(
      "uniform: random is an object (Object): pass a generator",
    );
  });
});

describe("normal", () => {
  it("pins Box–Muller on the first draws of seed 42", () => {
    const t = normal(createRandom(42), [2], { dtype: "float64" });
    const radius = Math.sqrt(-2 * Math.log(1 - 0.15377165265745885));
    const angle = 2 * Math.PI * 0.018084542542176507;
    expect(t.toArray()).toEqual([radius * Math.cos(angle), radius * Math.sin(angle)]);
    expect(t.toArray()).toEqual([0.5741420228306168, 0.06552114909981903]);
  });

  it("has the requested mean and std over 100k samples", () => {
    const t = normal(createRandom(7), [SAMPLES], { mean: 3, std: 2, dtype: "float64" });
    const { mean, std } = meanAndStd(t.data);
    expect(Math.abs(mean - 3)).toBeLessThan(0.03);
    expect(Math.abs(std - 2)).toBeLessThan(0.03);
    let withinOneStd = 0;
    for (const x of t.data) if (Math.abs(x - 3) < 2) withinOneStd++;
    expect(withinOneStd / SAMPLES).toBeCloseTo(0.6827, 2);
  });

  it("handles odd counts and keeps getState/setState exact", () => {
    const random = createRandom(11);
    normal(random, [3]);
    const saved = random.getState();
    const a = normal(random, [5]).toArray();
    random.setState(saved);
    expect(normal(random, [5]).toArray()).toEqual(a);
    expect(a.every(Number.isFinite)).toBe(true);
  });

  it("returns exactly the mean when std is 0", () => {
    expect(normal(createRandom(1), [4], { mean: 1.5, std: 0 }).toArray()).toEqual([1.5, 1.5, 1.5, 1.5]);
  });

  it("rejects a negative or non-finite std", () => {
    expect(() => normal(createRandom(1), [2], { std: -1 })).toThrow(
      "normal: std is -1: use a standard deviation ≥ 0",
    );
    expect(() => normal(createRandom(1), [2], { mean: Number.NaN })).toThrow("normal: mean is NaN");
  });
});

describe("truncatedNormal", () => {
  it("stays within two standard deviations with the truncated distribution's std", () => {
    const t = truncatedNormal(createRandom(3), [SAMPLES], { mean: 1, std: 0.5, dtype: "float64" });
    expect(t.data.every((x) => x >= 0 && x <= 2)).toBe(true);
    const { mean, std } = meanAndStd(t.data);
    expect(Math.abs(mean - 1)).toBeLessThan(0.01);
    // std of N(0,1) truncated to [−2, 2]: √(1 − 4φ(2)/(2Φ(2) − 1)) ≈ 0.8796.
    expect(Math.abs(std - 0.5 * 0.8796)).toBeLessThan(0.01);
  });

  it("is deterministic for a seed", () => {
    expect(truncatedNormal(createRandom(4), [9]).toArray()).toEqual(
      truncatedNormal(createRandom(4), [9]).toArray(),
    );
  });

  it("rejects a negative std", () => {
    expect(() => truncatedNormal(createRandom(1), [2], { std: -0.1 })).toThrow(
      "truncatedNormal: std is -0.1",
    );
  });
});

describe("bernoulli", () => {
  it("gives 0/1 with frequency p", () => {
    const t = bernoulli(createRandom(5), [SAMPLES], 0.3);
    expect(t.data.every((x) => x === 0 || x === 1)).toBe(true);
    expect(meanAndStd(t.data).mean).toBeCloseTo(0.3, 2);
    expect(bernoulli(createRandom(5), [10], 0).toArray()).toEqual(new Array(10).fill(0));
    expect(bernoulli(createRandom(5), [10], 1, "float64").toArray()).toEqual(new Array(10).fill(1));
  });

  it("rejects probabilities outside [0, 1]", () => {
    expect(() => bernoulli(createRandom(1), [2], 1.5)).toThrow(
      "bernoulli: p is 1.5: use a probability in [0, 1]",
    );
    expect(() => bernoulli(createRandom(1), [2], Number.NaN)).toThrow("p is NaN");
  });
});
