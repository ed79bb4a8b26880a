import { Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import {
  accuracy,
  confusionMatrix,
  f1Score,
  formatConfusionMatrix,
  meanAbsoluteError,
  meanSquaredError,
  prAuc,
  precision,
  r2,
  recall,
  rocAuc,
  toMetric,
  topKAccuracy,
} from "./index.js";

const t = (values: number[], shape: number[] = [values.length]) =>
  new Tensor(new Float64Array(values), shape);

// Three classes, six samples. Predicted argmax: [0, 1, 2, 1, 0, 2]; true: [0, 1, 1, 1, 2, 2].
const scores = t(
  [0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.3, 0.5, 0.3, 0.6, 0.1, 0.5, 0.1, 0.4, 0.0, 0.1, 0.9],
  [6, 3],
);
const labels = t([0, 1, 1, 1, 2, 2]);
const oneHot = t([1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1], [6, 3]);

describe("classification metrics (hand-computed)", () => {
  it("accuracy from argmax, integer or one-hot targets", () => {
    expect(accuracy(scores, labels)).toBe(4 / 6);
    expect(accuracy(scores, oneHot)).toBe(4 / 6);
    expect(accuracy(scores, t([0, 1, 1, 1, 2, 2], [6, 1]))).toBe(4 / 6);
  });

  it("accuracy thresholds one score per sample", () => {
    expect(accuracy(t([0.9, 0.4, 0.5, 0.1]), t([1, 1, 1, 0]))).toBe(3 / 4);
    expect(accuracy(t([2, -1, 0.1, -3], [4, 1]), t([1, 1, 1, 0]), { threshold: 0 })).toBe(3 / 4);
  });

  it("topKAccuracy counts boundary ties as hits", () => {
    // Sample 2: true class 1 scores 0.3, the second highest → in top 2. Sample 4: class 2 (0.4) is 2nd.
    expect(topKAccuracy(scores, labels, { k: 1 })).toBe(4 / 6);
    expect(topKAccuracy(scores, labels, { k: 2 })).toBe(6 / 6);
    expect(topKAccuracy(t([0.5, 0.5, 0.5], [1, 3]), t([2]), { k: 1 })).toBe(1);
    expect(topKAccuracy(t([0.6, 0.3, 0.1], [1, 3]), t([2]), { k: 2 })).toBe(0);
    expect(() => topKAccuracy(scores, labels, { k: 0 })).toThrow(/k is 0/);
  });

  it("confusionMatrix: rows true, columns predicted", () => {
    const matrix = confusionMatrix(scores, labels);
    expect(matrix.shape).toEqual([3, 3]);
    expect(matrix.toNested()).toEqual([
      [1, 0, 0],
      [0, 2, 1],
      [1, 0, 1],
    ]);
    expect(confusionMatrix(t([1, 0, 1]), t([1, 1, 0])).toNested()).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(confusionMatrix(t([0, 0]), t([0, 0]), { classes: 3 }).shape).toEqual([3, 3]);
  });

  it("binary precision, recall, F1", () => {
    // predicted [1, 1, 0, 0, 1], true [1, 0, 1, 0, 1]: TP 2, FP 1, FN 1.
    const predicted = t([0.9, 0.6, 0.2, 0.1, 0.7]);
    const actual = t([1, 0, 1, 0, 1]);
    expect(precision(predicted, actual)).toBe(2 / 3);
    expect(recall(predicted, actual)).toBe(2 / 3);
    expect(f1Score(predicted, actual)).toBe(2 / 3);
    expect(precision(predicted, actual, { positiveClass: 0 })).toBe(1 / 2);
    expect(recall(t([0, 0, 0]), t([1, 0, 1]))).toBe(0);
    expect(precision(t([0, 0, 0]), t([1, 0, 1]))).toBe(0);
  });

  it("macro precision, recall, F1 average per-class scores", () => {
    // Class 0: TP 1, FP 1, FN 0 → P 1/2, R 1, F1 2/3.
    // Class 1: TP 2, FP 0, FN 1 → P 1, R 2/3, F1 4/5.
    // Class 2: TP 1, FP 1, FN 1 → P 1/2, R 1/2, F1 1/2.
    expect(precision(scores, labels)).toBeCloseTo((1 / 2 + 1 + 1 / 2) / 3, 15);
    expect(recall(scores, labels)).toBeCloseTo((1 + 2 / 3 + 1 / 2) / 3, 15);
    expect(f1Score(scores, labels, { average: "macro" })).toBeCloseTo((2 / 3 + 4 / 5 + 1 / 2) / 3, 15);
    expect(f1Score(scores, labels, { average: "binary", positiveClass: 1 })).toBeCloseTo(4 / 5, 15);
    expect(() => f1Score(scores, labels, { average: "binary" })).toThrow(/pass positiveClass/);
  });

  it("rejects mismatched sample counts and non-integer labels", () => {
    expect(() => accuracy(scores, t([0, 1]))).toThrow(/different numbers of samples \(6 ≠ 2\)/);
    expect(() => accuracy(scores, t([0, 1, 1.5, 1, 2, 2]))).toThrow(/target 2 is 1.5/);
    expect(() => accuracy(t([]), t([]))).toThrow(/at least one sample/);
  });
});

describe("ranking metrics (hand-computed)", () => {
  const rankingScores = t([0.1, 0.4, 0.35, 0.8]);
  const rankingLabels = t([0, 0, 1, 1]);

  it("rocAuc: pairs ordered correctly (3 of 4)", () => {
    expect(rocAuc(rankingScores, rankingLabels)).toBe(0.75);
    expect(rocAuc(t([0.2, 0.8, 0.4, 0.6, 0.8, 0.2, 0.9, 0.1], [4, 2]), rankingLabels)).toBe(0);
  });

  it("rocAuc counts ties as one half", () => {
    // Positives {0.5, 0.9}, negatives {0.5, 0.1}: pairs (0.5,0.5) ½, (0.5,0.1) 1, (0.9,·) 1 + 1 → 3.5 / 4.
    expect(rocAuc(t([0.5, 0.9, 0.5, 0.1]), t([1, 1, 0, 0]))).toBe(3.5 / 4);
  });

  it("prAuc is average precision: ½·1 + ½·⅔", () => {
    expect(prAuc(rankingScores, rankingLabels)).toBeCloseTo(0.5 + 1 / 3, 15);
    expect(prAuc(t([0.9, 0.8, 0.1]), t([1, 1, 0]))).toBe(1);
    // Tied top scores count as one threshold: precision 1/2 at recall 1.
    expect(prAuc(t([0.5, 0.5]), t([1, 0]))).toBe(0.5);
  });

  it("needs both classes", () => {
    expect(() => rocAuc(t([0.1, 0.2]), t([1, 1]))).toThrow(/only positives/);
    expect(() => prAuc(t([0.1, 0.2]), t([0, 0]))).toThrow(/no positive/);
    expect(() => rocAuc(scores, labels)).toThrow(/3 classes: rocAuc is binary/);
  });
});

describe("regression metrics (hand-computed)", () => {
  it("meanSquaredError, meanAbsoluteError", () => {
    expect(meanSquaredError(t([1, 2, 3]), t([1, 4, 0]))).toBe((0 + 4 + 9) / 3);
    expect(meanAbsoluteError(t([1, 2, 3]), t([1, 4, 0]))).toBe((0 + 2 + 3) / 3);
    expect(() => meanSquaredError(t([1, 2], [1, 2]), t([1]))).toThrow(/differ in size/);
  });

  it("r2 as scikit-learn: 1 − SSres/SStot, uniform average over outputs", () => {
    // SSres = 0.25 + 0.25 + 0 + 1 = 1.5; mean 2.875; SStot = 29.1875.
    expect(r2(t([2.5, 0, 2, 8]), t([3, -0.5, 2, 7]))).toBeCloseTo(1 - 1.5 / 29.1875, 15);
    // Column 0 perfect (1), column 1 constant target mispredicted (0).
    expect(r2(t([1, 5, 2, 6], [2, 2]), t([1, 5, 2, 5], [2, 2]))).toBe(0.5);
    expect(r2(t([5, 5]), t([5, 5]))).toBe(1);
  });
});

describe("metric objects and formatting", () => {
  it("toMetric gives name, direction and compute", () => {
    const metric = toMetric("accuracy");
    expect(metric.name).toBe("accuracy");
    expect(metric.direction).toBe("higher");
    expect(metric.compute(scores, labels)).toBe(4 / 6);
    expect(toMetric("meanSquaredError").direction).toBe("lower");
    expect(() => toMetric("accurasy" as "accuracy")).toThrow(/unknown metric "accurasy"/);
  });

  it("formatConfusionMatrix aligns columns", () => {
    const text = formatConfusionMatrix(t([50, 2, 3, 145], [2, 2]), ["cat", "dog"]);
    expect(text).toBe(["true\\pred cat dog", "      cat  50   2", "      dog   3 145"].join("\n"));
  });
});
