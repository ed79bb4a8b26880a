import { checkGradient } from "@descent/autodiff";
import { Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { randomTensor, t64 } from "../layers/test-helpers.js";
import {
  binaryCrossEntropyFromLogits,
  hinge,
  huber,
  klDivergence,
  meanAbsoluteError,
  meanSquaredError,
  softmaxCrossEntropyFromLogits,
  squaredHinge,
} from "./index.js";

const expectOk = (check: { ok: boolean; message: string }) => expect(check.ok, check.message).toBe(true);
const logSumExp = (values: number[]) => Math.log(values.reduce((total, v) => total + Math.exp(v), 0));

describe("regression losses (hand-computed)", () => {
  const predictions = t64([1, 2, 3, 4], [2, 2]);
  const targets = t64([1.5, 0, 3, 8], [2, 2]);

  it("meanSquaredError = mean of squared errors", () => {
    expect(meanSquaredError(predictions, targets).item()).toBe((0.25 + 4 + 0 + 16) / 4);
    expectOk(checkGradient((p) => meanSquaredError(p, targets), predictions));
  });

  it("meanAbsoluteError = mean of absolute errors", () => {
    expect(meanAbsoluteError(predictions, targets).item()).toBe((0.5 + 2 + 0 + 4) / 4);
    expectOk(checkGradient((p) => meanAbsoluteError(p, targets), t64([1, 2, 3.1, 4], [2, 2])));
  });

  it("huber is quadratic inside delta and linear outside", () => {
    // errors 0.5, 2, 0, 4 with δ = 1: 0.125, 1.5, 0, 3.5.
    expect(huber(predictions, targets).item()).toBe((0.125 + 1.5 + 0 + 3.5) / 4);
    // δ = 3: 0.125, 2, 0, 3·(4 − 1.5) = 7.5.
    expect(huber(predictions, targets, { delta: 3 }).item()).toBe((0.125 + 2 + 0 + 7.5) / 4);
    expectOk(checkGradient((p) => huber(p, targets), t64([1, 2, 3.1, 4], [2, 2])));
    expect(() => huber(predictions, targets, { delta: 0 })).toThrow(/delta is 0/);
  });

  it("rejects mismatched shapes", () => {
    expect(() => meanSquaredError(predictions, t64([1, 2, 3]))).toThrow(/do not match/);
  });
});

describe("softmaxCrossEntropyFromLogits", () => {
  const logits = t64([2, 1, 0.1, 0.5, 2.5, -1], [2, 3]);
  const rowLoss = (row: number[], label: number) => logSumExp(row) - row[label]!;

  it("matches −log softmax of the target class, averaged", () => {
    const expected = (rowLoss([2, 1, 0.1], 0) + rowLoss([0.5, 2.5, -1], 2)) / 2;
    expect(softmaxCrossEntropyFromLogits(logits, t64([0, 2])).item()).toBeCloseTo(expected, 14);
    expect(softmaxCrossEntropyFromLogits(logits, t64([1, 0, 0, 0, 0, 1], [2, 3])).item()).toBeCloseTo(
      expected,
      14,
    );
  });

  it("applies label smoothing: q = (1 − ε)·y + ε/C", () => {
    const eps = 0.3;
    const row = (values: number[], label: number) =>
      logSumExp(values) -
      values.reduce((total, v, c) => total + ((c === label ? 1 - eps : 0) + eps / 3) * v, 0);
    const expected = (row([2, 1, 0.1], 0) + row([0.5, 2.5, -1], 2)) / 2;
    expect(softmaxCrossEntropyFromLogits(logits, t64([0, 2]), { labelSmoothing: eps }).item()).toBeCloseTo(
      expected,
      14,
    );
  });

  it("weights classes with a weighted mean Σ wᵢℓᵢ / Σ wᵢ", () => {
    const expected = (1 * rowLoss([2, 1, 0.1], 0) + 3 * rowLoss([0.5, 2.5, -1], 2)) / 4;
    expect(
      softmaxCrossEntropyFromLogits(logits, t64([0, 2]), { classWeights: [1, 2, 3] }).item(),
    ).toBeCloseTo(expected, 14);
  });

  it("is stable for huge logits", () => {
    const value = softmaxCrossEntropyFromLogits(t64([1000, 0, -1000, 1e4], [2, 2]), t64([1, 0])).item();
    expect(value).toBeCloseTo((1000 + 1e4 + 1000) / 2, 8);
  });

  it("has the closed-form gradient (checked by finite differences) for every option", () => {
    const z = randomTensor([4, 5]);
    const labels = t64([0, 4, 2, 2]);
    const soft = t64(
      [0.2, 0.3, 0.5, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0.5, 0.5, 0, 0.1, 0.1, 0.1, 0.1, 0.6],
      [4, 5],
    );
    expectOk(checkGradient((x) => softmaxCrossEntropyFromLogits(x, labels), z));
    expectOk(checkGradient((x) => softmaxCrossEntropyFromLogits(x, soft, { labelSmoothing: 0.1 }), z));
    expectOk(
      checkGradient(
        (x) =>
          softmaxCrossEntropyFromLogits(x, labels, { classWeights: [1, 2, 3, 4, 5], labelSmoothing: 0.2 }),
        z,
      ),
    );
  });

  it("rejects labels out of range and mismatched targets", () => {
    expect(() => softmaxCrossEntropyFromLogits(logits, t64([0, 3]))).toThrow(
      /label 1 is 3: labels must be integers in \[0, 2\]/,
    );
    expect(() => softmaxCrossEntropyFromLogits(logits, t64([0, 1, 2]))).toThrow(
      /pass 2 integer labels or 2×3 one-hot rows/,
    );
    expect(() => softmaxCrossEntropyFromLogits(logits, t64([0, 1]), { classWeights: [1, 2] })).toThrow(
      /2 entries for 3 classes/,
    );
  });

  it("keeps float32 in float32", () => {
    const z = new Tensor(new Float32Array([1, 2]), [1, 2]);
    expect(softmaxCrossEntropyFromLogits(z, new Tensor(new Float32Array([1]), [1])).dtype).toBe("float32");
  });
});

describe("binaryCrossEntropyFromLogits", () => {
  const bce = (z: number, y: number) =>
    -y * Math.log(1 / (1 + Math.exp(-z))) - (1 - y) * Math.log(1 - 1 / (1 + Math.exp(-z)));

  it("matches −y log σ(z) − (1 − y) log(1 − σ(z))", () => {
    const z = t64([0.5, -1, 2, 0]);
    const y = t64([1, 0, 0, 1]);
    const expected = (bce(0.5, 1) + bce(-1, 0) + bce(2, 0) + bce(0, 1)) / 4;
    expect(binaryCrossEntropyFromLogits(z, y).item()).toBeCloseTo(expected, 14);
  });

  it("is stable and exact at the extremes", () => {
    expect(binaryCrossEntropyFromLogits(t64([1000]), t64([0])).item()).toBe(1000);
    expect(binaryCrossEntropyFromLogits(t64([-1000]), t64([0])).item()).toBe(0);
  });

  it("weights classes and smooths labels", () => {
    const z = t64([0.5, -1]);
    const y = t64([1, 0]);
    expect(binaryCrossEntropyFromLogits(z, y, { classWeights: [1, 3] }).item()).toBeCloseTo(
      (3 * bce(0.5, 1) + bce(-1, 0)) / 4,
      14,
    );
    expect(binaryCrossEntropyFromLogits(z, y, { labelSmoothing: 0.2 }).item()).toBeCloseTo(
      (bce(0.5, 0.9) + bce(-1, 0.1)) / 2,
      14,
    );
  });

  it("has gradient (σ(z) − y)/n, exact at z = 0", () => {
    expectOk(
      checkGradient((x) => binaryCrossEntropyFromLogits(x, t64([1, 0, 1, 0.3])), t64([0, 0.3, -2, 1.5])),
    );
    expectOk(
      checkGradient(
        (x) =>
          binaryCrossEntropyFromLogits(x, t64([1, 0, 1, 0]), { classWeights: [2, 1], labelSmoothing: 0.1 }),
        randomTensor([4]),
      ),
    );
    expect(() => binaryCrossEntropyFromLogits(t64([0]), t64([2]))).toThrow(/target 0 is 2/);
  });
});

describe("margin and distribution losses", () => {
  it("hinge and squared hinge with ±1 or 0/1 labels", () => {
    const scores = t64([0.5, -2, 1.5, 0.2]);
    // margins 1 − y·s with y = [1, −1, −1, 1]: 0.5, −1 → 0, 2.5, 0.8.
    expect(hinge(scores, t64([1, -1, -1, 1])).item()).toBeCloseTo((0.5 + 0 + 2.5 + 0.8) / 4, 14);
    expect(hinge(scores, t64([1, 0, 0, 1])).item()).toBeCloseTo((0.5 + 0 + 2.5 + 0.8) / 4, 14);
    expect(squaredHinge(scores, t64([1, 0, 0, 1])).item()).toBeCloseTo((0.25 + 0 + 6.25 + 0.64) / 4, 14);
    expectOk(checkGradient((s) => hinge(s, t64([1, 0, 0, 1])), scores));
    expectOk(checkGradient((s) => squaredHinge(s, t64([1, 0, 0, 1])), scores));
    expect(() => hinge(scores, t64([1, 2, 0, 1]))).toThrow(/target 1 is 2/);
  });

  it("klDivergence = Σ y log(y/p), averaged over samples, 0·log 0 = 0", () => {
    const p = t64([0.5, 0.25, 0.25, 0.1, 0.9, 0], [2, 3]);
    const y = t64([0.25, 0.25, 0.5, 0, 1, 0], [2, 3]);
    const expected = (0.25 * Math.log(0.5) + 0 + 0.5 * Math.log(2) + Math.log(1 / 0.9)) / 2;
    expect(klDivergence(p, y).item()).toBeCloseTo(expected, 12);
    expect(klDivergence(y, y).item()).toBeCloseTo(0, 12);
    expectOk(checkGradient((q) => klDivergence(q, y), t64([0.5, 0.25, 0.25, 0.1, 0.8, 0.1], [2, 3])));
  });
});
