import { loadMnist } from "@descent/data/node";
import { describe, expect, test } from "vitest";
import { trainMnist } from "./mnist-training.js";

describe("trainMnist (the terminal quick start)", () => {
  test("learns the digits well above chance and reports a 10 × 10 confusion matrix", () => {
    const split = loadMnist({ trainCount: 1000, testCount: 300, seed: 0 });
    const steps: number[] = [];
    const result = trainMnist(
      split,
      { epochs: 2, batchSize: 50, hidden: 32, learningRate: 3e-3, seed: 0 },
      (epoch, step) => steps.push(epoch * 1000 + step),
    );
    expect(steps.length).toBe(40);
    expect(result.testAccuracy).toBeGreaterThan(0.7);
    expect(result.confusionMatrix.shape).toEqual([10, 10]);
    let total = 0;
    for (const count of result.confusionMatrix.data) total += count;
    expect(total).toBe(300);
  });

  test("rejects an epoch count that is not a positive integer", () => {
    const split = loadMnist({ trainCount: 10, testCount: 10, seed: 0 });
    expect(() =>
      trainMnist(split, { epochs: 0, batchSize: 5, hidden: 4, learningRate: 1e-3, seed: 0 }),
    ).toThrow(/epochs 0: use an integer ≥ 1/);
  });
});
