import type { Dataset } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classCounts, createDataset, oneHotLabels, takeSamples } from "../core/dataset.js";
import { circle } from "../toy/index.js";
import { splitDataset } from "./split.js";
import { fitStandardizer, standardizeSplit } from "./standardize.js";

/** A dataset whose input row i is [i] and whose label is labels[i], so splits can be traced back. */
function indexed(labels: number[]): Dataset {
  return createDataset({
    name: "indexed",
    inputs: new Tensor(
      Float64Array.from(labels, (_, i) => i),
      [labels.length, 1],
    ),
    targets: new Tensor(Float64Array.from(labels), [labels.length]),
  });
}

describe("splitDataset", () => {
  it("cuts train / validation / test of round(n·fraction) samples that together hold every sample once", () => {
    const dataset = indexed(Array.from({ length: 103 }, (_, i) => i % 3));
    const split = splitDataset(dataset, { testFraction: 0.2, validationFraction: 0.1, seed: 3 });
    expect(split.test.inputs.shape).toEqual([21, 1]);
    expect(split.validation!.inputs.shape).toEqual([10, 1]);
    expect(split.train.inputs.shape).toEqual([72, 1]);
    const all = [...split.train.inputs.data, ...split.validation!.inputs.data, ...split.test.inputs.data];
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(split.train.name).toBe("indexed/train");
  });

  it("keeps each sample's target with its input", () => {
    const dataset = indexed(Array.from({ length: 50 }, (_, i) => i % 4));
    const split = splitDataset(dataset, { seed: 1, stratify: true });
    for (const part of [split.train, split.test]) {
      part.inputs.data.forEach((index, row) => {
        expect(part.targets.data[row]).toBe(index % 4);
      });
    }
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const dataset = indexed(Array.from({ length: 40 }, (_, i) => i % 2));
    const a = splitDataset(dataset, { seed: 7 });
    const b = splitDataset(dataset, { seed: 7 });
    const c = splitDataset(dataset, { seed: 8 });
    expect(Array.from(a.test.inputs.data)).toEqual(Array.from(b.test.inputs.data));
    expect(Array.from(a.test.inputs.data)).not.toEqual(Array.from(c.test.inputs.data));
    expect(a.validation).toBeUndefined();
  });

  it("stratified: every part keeps each class's share (property, random label vectors)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 20, maxLength: 300 }),
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        fc.integer(),
        (labels, testFraction, seed) => {
          const dataset = indexed(labels);
          const split = splitDataset(dataset, { stratify: true, testFraction, seed });
          const total = classCounts(dataset);
          const test = classCounts(split.test);
          const train = classCounts(split.train);
          total.forEach((count, label) => {
            expect(test[label] ?? 0).toBe(Math.round(count * testFraction));
            expect((train[label] ?? 0) + (test[label] ?? 0)).toBe(count);
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it("stratified keeps a 1 % minority class in the test set", () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i % 100 === 0 ? 1 : 0));
    const split = splitDataset(indexed(labels), { stratify: true, testFraction: 0.3, seed: 2 });
    expect(classCounts(split.test)).toEqual([297, 3]);
    expect(classCounts(split.train)).toEqual([693, 7]);
  });

  it("rejects fractions that leave no training data, and non-class targets when stratifying", () => {
    const dataset = indexed([0, 1, 0, 1]);
    expect(() => splitDataset(dataset, { testFraction: 1 })).toThrow(
      /testFraction = 1: pass a fraction in \[0, 1\)/,
    );
    expect(() => splitDataset(dataset, { testFraction: 0.6, validationFraction: 0.5 })).toThrow(
      /leaves no training/,
    );
    const regression = createDataset({
      name: "r",
      inputs: new Tensor(new Float32Array(2), [2, 1]),
      targets: new Tensor(new Float32Array([0.5, 1]), [2]),
    });
    expect(() => splitDataset(regression, { stratify: true })).toThrow(
      /target 0.5 at sample 0 is not a class index/,
    );
  });
});

describe("standardization", () => {
  it("fits mean and population std on train: transformed train has mean 0 and std 1 per feature", () => {
    const inputs = new Tensor(new Float64Array([1, 10, 2, 20, 3, 30, 4, 40]), [4, 2]);
    const standardizer = fitStandardizer(inputs);
    expect(Array.from(standardizer.mean)).toEqual([2.5, 25]);
    expect(standardizer.scale[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    const result = standardizer.transform(inputs);
    expect(result.dtype).toBe("float64");
    const column = [0, 2, 4, 6].map((i) => result.data[i]!);
    expect(column.reduce((a, b) => a + b)).toBeCloseTo(0, 12);
    expect(column.reduce((a, b) => a + b * b, 0) / 4).toBeCloseTo(1, 12);
  });

  it("maps a constant feature to 0 instead of NaN", () => {
    const inputs = new Tensor(new Float32Array([5, 1, 5, 2, 5, 3]), [3, 2]);
    const standardizer = fitStandardizer(inputs);
    expect(standardizer.scale[0]).toBe(1);
    const result = standardizer.transform(new Tensor(new Float32Array([5, 2, 7, 2]), [2, 2]));
    expect(Array.from(result.data)).toEqual([0, 0, 2, 0]);
  });

  it("applies the train statistics to validation and test (no leakage)", () => {
    const split = splitDataset(circle({ count: 200, noise: 0.1 }), { validationFraction: 0.2, seed: 1 });
    const { split: scaled, standardizer } = standardizeSplit(split);
    const expected = (split.test.inputs.data[0]! - standardizer.mean[0]!) / standardizer.scale[0]!;
    expect(scaled.test.inputs.data[0]).toBeCloseTo(expected, 5);
    expect(scaled.validation!.inputs.shape).toEqual(split.validation!.inputs.shape);
    expect(scaled.test.targets).toBe(split.test.targets);
    expect(fitStandardizer(scaled.train.inputs).mean[1]).toBeCloseTo(0, 5);
  });

  it("refuses non-finite values and mismatched feature shapes, naming sample and feature", () => {
    const inputs = new Tensor(new Float32Array([1, 2, Number.NaN, 4]), [2, 2]);
    expect(() => fitStandardizer(inputs)).toThrow(/value NaN at sample 1, feature 0/);
    const standardizer = fitStandardizer(new Tensor(new Float32Array(4), [2, 2]));
    expect(() => standardizer.transform(new Tensor(new Float32Array(3), [1, 3]))).toThrow(
      /fitted feature shape \[2\]/,
    );
  });
});

describe("dataset helpers", () => {
  it("oneHotLabels turns class indices into one-hot rows", () => {
    expect(oneHotLabels(new Tensor(new Float32Array([2, 0, 1]), [3]), 3).toNested()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(oneHotLabels(new Tensor(new Float32Array([1, 0]), [2, 1])).shape).toEqual([2, 2]);
    expect(() => oneHotLabels(new Tensor(new Float32Array([3]), [1]), 3)).toThrow(
      /label 3 at sample 0 is not below classes = 3/,
    );
    expect(() => oneHotLabels(new Tensor(new Float32Array([1.5]), [1]))).toThrow(/not a class index/);
  });

  it("takeSamples copies rows in the given order and checks indices", () => {
    const dataset = indexed([0, 1, 2]);
    expect(Array.from(takeSamples(dataset, [2, 0]).inputs.data)).toEqual([2, 0]);
    expect(() => takeSamples(dataset, [3])).toThrow(/index 3 at position 0 is outside \[0, 3\)/);
  });

  it("createDataset rejects inputs and targets of different lengths", () => {
    expect(() =>
      createDataset({
        name: "bad",
        inputs: new Tensor(new Float32Array(4), [2, 2]),
        targets: new Tensor(new Float32Array(3), [3]),
      }),
    ).toThrow(/have 2 and 3 samples: axis 0 must match/);
  });
});
