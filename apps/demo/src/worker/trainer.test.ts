import { describe, expect, test } from "vitest";
import { type AppState, DEFAULT_STATE } from "../state/app-state.js";
import { ACTIVATION_NAMES, OPTIMIZER_NAMES } from "../state/choices.js";
import { Trainer } from "./trainer.js";

function train(trainer: Trainer, steps: number): void {
  for (let i = 0; i < steps; i++) trainer.trainStep();
}

describe("Trainer", () => {
  test("the test loss falls on the circle with the default set-up", () => {
    const trainer = new Trainer(DEFAULT_STATE);
    const before = trainer.evaluate().testLoss;
    train(trainer, 1200);
    const after = trainer.evaluate().testLoss;
    expect(after).toBeLessThan(before * 0.5);
    expect(trainer.epoch).toBe(48); // 250 training points, batches of 10: 25 steps per epoch
    expect(trainer.stepCount).toBe(1200);
  });

  test("the same seed gives the same run", () => {
    const a = new Trainer(DEFAULT_STATE);
    const b = new Trainer(DEFAULT_STATE);
    train(a, 30);
    train(b, 30);
    expect(a.evaluate()).toEqual(b.evaluate());
  });

  test("switching the optimizer keeps the weights and training goes on", () => {
    const trainer = new Trainer({ ...DEFAULT_STATE, dataset: "xor", features: ["x1", "x2", "x1x2"] });
    train(trainer, 100);
    const midway = trainer.evaluate().testLoss;
    trainer.setOptimizer("adam");
    trainer.setLearningRate(0.01);
    expect(trainer.evaluate().testLoss).toBe(midway);
    train(trainer, 200);
    expect(trainer.evaluate().testLoss).toBeLessThan(midway);
    expect(trainer.settings.optimizer).toBe("adam");
  });

  test("batch size 1 is stochastic, the whole set is batch gradient descent", () => {
    const stochastic = new Trainer({ ...DEFAULT_STATE, batchSize: 1 });
    train(stochastic, 250);
    expect(stochastic.epoch).toBe(1);
    const batch = new Trainer({ ...DEFAULT_STATE, batchSize: 500 });
    expect(batch.batchSize()).toBe(250);
    train(batch, 3);
    expect(batch.epoch).toBe(3);
  });

  test("regression on the plane: the mean squared error falls", () => {
    const trainer = new Trainer({ ...DEFAULT_STATE, dataset: "regressionPlane", hiddenLayers: [3] });
    const before = trainer.evaluate().testLoss;
    train(trainer, 200);
    expect(trainer.evaluate().testLoss).toBeLessThan(before / 2);
  });

  test("every optimizer trains a few steps to a finite loss", () => {
    for (const optimizer of OPTIMIZER_NAMES) {
      const trainer = new Trainer({ ...DEFAULT_STATE, optimizer, learningRate: 0.01 });
      train(trainer, 5);
      expect(Number.isFinite(trainer.evaluate().testLoss), optimizer).toBe(true);
    }
  });

  test("every activation builds and trains", () => {
    for (const activation of ACTIVATION_NAMES) {
      const trainer = new Trainer({ ...DEFAULT_STATE, activation });
      train(trainer, 3);
      expect(Number.isFinite(trainer.evaluate().trainLoss), activation).toBe(true);
    }
  });

  test("penalties and dropout change training; dropout is off at evaluation", () => {
    const base: AppState = { ...DEFAULT_STATE, seed: 3 };
    const plain = new Trainer(base);
    const l2 = new Trainer({ ...base, regularizer: "l2", regularizationRate: 0.3 });
    const dropped = new Trainer({ ...base, regularizer: "dropout", regularizationRate: 0.5 });
    expect(dropped.evaluate()).toEqual(plain.evaluate());
    for (const trainer of [plain, l2, dropped]) train(trainer, 20);
    expect(l2.evaluate().trainLoss).not.toBe(plain.evaluate().trainLoss);
    expect(dropped.evaluate().trainLoss).not.toBe(plain.evaluate().trainLoss);
  });

  test("a divergent learning rate stops with an error that names the step and the fix", () => {
    const trainer = new Trainer({
      ...DEFAULT_STATE,
      dataset: "regressionPlane",
      features: ["x1Squared", "x2Squared"],
      learningRate: 10,
    });
    let message = "";
    try {
      train(trainer, 2000);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/the loss became (NaN|Infinity) at step \d+ .*lower the learning rate/);
  });

  test("a slow step reports forward values per column and gradient norms per dense layer", () => {
    const trainer = new Trainer(DEFAULT_STATE);
    const pending = trainer.computeStep(true);
    expect(pending.forwardValues!.map((column) => column.length)).toEqual([2, 4, 2, 1]);
    expect(pending.gradientNorms.map((norms) => norms.layer)).toEqual(["dense_1", "dense_2", "dense_3"]);
    expect(pending.gradientNorms.every((norms) => norms.weights > 0)).toBe(true);
    expect(trainer.stepCount).toBe(0);
    trainer.applyStep(pending);
    expect(trainer.stepCount).toBe(1);
    // SGD: the update is −η·gradient, so its norm is η times the gradient's.
    const [first] = pending.updateNorms;
    expect(first!.weights).toBeCloseTo(0.03 * pending.gradientNorms[0]!.weights, 6);
  });
});
