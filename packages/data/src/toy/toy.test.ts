import { describe, expect, it } from "vitest";
import { classCounts } from "../core/dataset.js";
import {
  circle,
  gaussian,
  multiGaussian,
  regressionPlane,
  spiral,
  toyDatasets,
  twoMoons,
  xor,
} from "./index.js";

const classification = { circle, xor, gaussian, spiral, twoMoons };
const regression = { regressionPlane, multiGaussian };

describe("toy classification sets", () => {
  for (const [name, generate] of Object.entries(classification)) {
    it(`${name}: [count, 2] inputs, [count] 0/1 labels, balanced classes`, () => {
      const dataset = generate({ count: 301, noise: 0.1, seed: 5 });
      expect(dataset.inputs.shape).toEqual([301, 2]);
      expect(dataset.targets.shape).toEqual([301]);
      expect(dataset.inputs.dtype).toBe("float32");
      expect(dataset.classes).toBe(2);
      for (const label of dataset.targets.data) expect(label === 0 || label === 1).toBe(true);
      for (const value of dataset.inputs.data) expect(Number.isFinite(value)).toBe(true);
      if (name !== "circle" && name !== "xor") expect(classCounts(dataset)).toEqual([150, 151]);
    });

    it(`${name}: the same seed gives the same points, another seed other points`, () => {
      const a = generate({ count: 100, noise: 0.2, seed: 42 });
      const b = generate({ count: 100, noise: 0.2, seed: 42 });
      const c = generate({ count: 100, noise: 0.2, seed: 43 });
      expect(Array.from(a.inputs.data)).toEqual(Array.from(b.inputs.data));
      expect(Array.from(a.targets.data)).toEqual(Array.from(b.targets.data));
      expect(Array.from(a.inputs.data)).not.toEqual(Array.from(c.inputs.data));
    });
  }

  it("defaults: 500 points, float64 on request", () => {
    expect(circle().inputs.shape).toEqual([500, 2]);
    expect(spiral({ dtype: "float64" }).inputs.dtype).toBe("float64");
  });

  it("circle without noise: class 1 inside radius 2.5, class 0 in the ring 3.5 … 5", () => {
    const dataset = circle({ count: 400, seed: 1 });
    expect(classCounts(dataset)).toEqual([200, 200]);
    for (let i = 0; i < 400; i++) {
      const r = Math.hypot(dataset.inputs.data[2 * i]!, dataset.inputs.data[2 * i + 1]!);
      if (dataset.targets.data[i] === 1) expect(r).toBeLessThan(2.5 + 1e-6);
      else expect(r).toBeGreaterThanOrEqual(3.5 - 1e-6);
      expect(r).toBeLessThanOrEqual(5 + 1e-6);
    }
  });

  it("xor without noise: label 1 exactly where x·y ≥ 0, and points keep 0.3 from the axes", () => {
    const dataset = xor({ count: 500, seed: 2 });
    for (let i = 0; i < 500; i++) {
      const x = dataset.inputs.data[2 * i]!;
      const y = dataset.inputs.data[2 * i + 1]!;
      expect(dataset.targets.data[i]).toBe(x * y >= 0 ? 1 : 0);
      expect(Math.abs(x)).toBeGreaterThanOrEqual(0.3 - 1e-6);
      expect(Math.abs(y)).toBeGreaterThanOrEqual(0.3 - 1e-6);
    }
  });

  it("xor with noise flips some labels near the axes (labels come from the noisy point)", () => {
    const dataset = xor({ count: 1000, noise: 0.5, seed: 3 });
    let flipped = 0;
    for (let i = 0; i < 1000; i++) {
      const product = dataset.inputs.data[2 * i]! * dataset.inputs.data[2 * i + 1]!;
      if ((product >= 0 ? 1 : 0) !== dataset.targets.data[i]) flipped++;
    }
    expect(flipped).toBeGreaterThan(50);
    expect(flipped).toBeLessThan(500);
  });

  it("spiral without noise follows r = 5k/n, t = 3.5πk/n (+π for class 0)", () => {
    const dataset = spiral({ count: 20, seed: 0 });
    const k = 3;
    const n = 10;
    const r = (5 * k) / n;
    const t = (1.75 * k * 2 * Math.PI) / n;
    expect(dataset.inputs.data[2 * k]).toBeCloseTo(r * Math.sin(t), 5);
    expect(dataset.inputs.data[2 * k + 1]).toBeCloseTo(r * Math.cos(t), 5);
    expect(dataset.inputs.data[2 * (n + k)]).toBeCloseTo(r * Math.sin(t + Math.PI), 5);
  });

  it("gaussian: class means near (2, 2) and (−2, −2), variance 0.5 + 7·noise", () => {
    const dataset = gaussian({ count: 4000, noise: 0.5, seed: 9 });
    let sumX = 0;
    let sumSquares = 0;
    for (let i = 0; i < 2000; i++) {
      const x = dataset.inputs.data[2 * i]!;
      sumX += x;
      sumSquares += (x - 2) ** 2;
    }
    expect(sumX / 2000).toBeCloseTo(2, 0);
    expect(sumSquares / 2000).toBeGreaterThan(3.5);
    expect(sumSquares / 2000).toBeLessThan(4.5);
  });

  it("two moons without noise lie on the two half circles", () => {
    const dataset = twoMoons({ count: 10, seed: 0 });
    for (let i = 0; i < 10; i++) {
      const x = dataset.inputs.data[2 * i]!;
      const y = dataset.inputs.data[2 * i + 1]!;
      const radius = dataset.targets.data[i] === 0 ? Math.hypot(x, y) : Math.hypot(x - 1, y - 0.5);
      expect(radius).toBeCloseTo(1, 5);
    }
  });

  it("rejects a negative count and a negative noise with the fix", () => {
    expect(() => circle({ count: -1 })).toThrow(/count = -1: pass a non-negative integer/);
    expect(() => xor({ noise: -0.1 })).toThrow(/noise = -0.1/);
  });
});

describe("toy regression sets", () => {
  for (const [name, generate] of Object.entries(regression)) {
    it(`${name}: [count, 2] inputs and [count, 1] targets, deterministic for a seed`, () => {
      const a = generate({ count: 200, noise: 0.1, seed: 7 });
      const b = generate({ count: 200, noise: 0.1, seed: 7 });
      expect(a.inputs.shape).toEqual([200, 2]);
      expect(a.targets.shape).toEqual([200, 1]);
      expect(a.classes).toBeUndefined();
      expect(Array.from(a.targets.data)).toEqual(Array.from(b.targets.data));
      for (const value of a.inputs.data) expect(Math.abs(value)).toBeLessThanOrEqual(6);
    });
  }

  it("defaults to 1200 points", () => {
    expect(regressionPlane().inputs.shape).toEqual([1200, 2]);
  });

  it("plane without noise: target = (x + y) / 10", () => {
    const dataset = regressionPlane({ count: 50, seed: 1 });
    for (let i = 0; i < 50; i++) {
      const expected = (dataset.inputs.data[2 * i]! + dataset.inputs.data[2 * i + 1]!) / 10;
      expect(dataset.targets.data[i]).toBeCloseTo(expected, 5);
    }
  });

  it("multi-Gaussian: targets in [−1, 1], +1 at a positive centre's peak", () => {
    const dataset = multiGaussian({ count: 2000, seed: 4 });
    let maximum = -Infinity;
    let minimum = Infinity;
    for (const value of dataset.targets.data) {
      maximum = Math.max(maximum, value);
      minimum = Math.min(minimum, value);
    }
    expect(maximum).toBeLessThanOrEqual(1);
    expect(minimum).toBeGreaterThanOrEqual(-1);
    expect(maximum).toBeGreaterThan(0.8);
    expect(minimum).toBeLessThan(-0.8);
  });
});

it("toyDatasets lists every generator with its task", () => {
  expect(Object.keys(toyDatasets)).toEqual([
    "circle",
    "xor",
    "gaussian",
    "spiral",
    "twoMoons",
    "regressionPlane",
    "multiGaussian",
  ]);
  expect(toyDatasets.multiGaussian.task).toBe("regression");
  expect(toyDatasets.spiral.generate({ count: 10 }).inputs.shape).toEqual([10, 2]);
});
