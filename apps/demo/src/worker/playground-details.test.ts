import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { describe, expect, test } from "vitest";
import { type AppState, DEFAULT_STATE } from "../state/app-state.js";
import type { LossName } from "../state/choices.js";
import type { PointsView, Snapshot, WorkerMessage } from "./protocol.js";
import { Trainer } from "./trainer.js";
import { TrainingSession } from "./training-session.js";

const FAST = { frameMilliseconds: 0, snapshotMilliseconds: 0, slowPhaseMilliseconds: 1 };

function recorder() {
  const messages: WorkerMessage[] = [];
  const session = new TrainingSession((message) => messages.push(message), FAST);
  const last = (): Snapshot =>
    messages.flatMap((message) => (message.type === "snapshot" ? [message.snapshot] : [])).at(-1)!;
  const points = (): PointsView =>
    messages.flatMap((message) => (message.type === "points" ? [message.points] : [])).at(-1)!;
  const errors = () => messages.flatMap((message) => (message.type === "error" ? [message.message] : []));
  return { session, last, points, errors };
}

/** The first dense layer's parameters. */
function dense(trainer: Trainer): { weights: TensorLike; bias: TensorLike } {
  const layer = trainer.parameters.dense_1 as ParamTree;
  return { weights: layer.weights as TensorLike, bias: layer.bias as TensorLike };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 3000 && !condition(); i++) await new Promise((done) => setTimeout(done, 2));
  expect(condition()).toBe(true);
};

/** The loss written out from its definition, in float64, from the predictions and the labels alone. */
function independentLoss(loss: LossName | "regression", predictions: Float64Array, targets: Float32Array) {
  let sum = 0;
  for (let i = 0; i < targets.length; i++) {
    const y = targets[i]!;
    const p = predictions[i]!;
    if (loss === "regression") sum += 0.5 * (y - p) ** 2;
    else if (loss === "crossEntropy") sum -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
    else sum += 0.5 * (2 * y - 1 - p) ** 2;
  }
  return sum / targets.length;
}

describe("the loss: cross-entropy or the Playground's squared loss", () => {
  test.each([
    ["circle", "crossEntropy", "crossEntropy"],
    ["circle", "squared", "squared"],
    ["xor", "squared", "squared"],
    ["regressionPlane", "crossEntropy", "regression"],
    ["multiGaussian", "squared", "regression"],
  ] as const)(
    "%s with loss=%s: the shown losses are the mean %s loss of the snapshot's predictions",
    (dataset, loss, formula) => {
      const { session, last, points } = recorder();
      session.handle({ type: "configure", state: { ...DEFAULT_STATE, dataset, loss } });
      for (let i = 0; i < 5; i++) session.handle({ type: "step" });
      const snapshot = last();
      expect(snapshot.step).toBe(5);
      expect(snapshot.loss).toBe(formula === "regression" ? "squared" : loss);
      const { train, test } = points();
      expect(snapshot.predictions.train.length).toBe(train.targets.length);
      expect(snapshot.trainLoss).toBeCloseTo(
        independentLoss(formula, snapshot.predictions.train, train.targets),
        5,
      );
      expect(snapshot.testLoss).toBeCloseTo(
        independentLoss(formula, snapshot.predictions.test, test.targets),
        5,
      );
      if (formula === "squared") {
        // tanh output: predictions in [−1, 1], shown as they are.
        expect(snapshot.predictions.train.every((p) => p >= -1 && p <= 1)).toBe(true);
        expect(Math.max(...snapshot.predictions.train)).toBeGreaterThan(0);
        expect(Math.min(...snapshot.predictions.train)).toBeLessThan(0);
      }
    },
  );

  test("the same weights give different losses under the two losses", () => {
    const crossEntropy = new Trainer(DEFAULT_STATE).evaluate();
    const squared = new Trainer({ ...DEFAULT_STATE, loss: "squared" }).evaluate();
    expect(Math.abs(crossEntropy.trainLoss - squared.trainLoss)).toBeGreaterThan(0.05);
  });

  test("the worker trains on the squared loss: the test loss falls", () => {
    const squared = new Trainer({ ...DEFAULT_STATE, loss: "squared" });
    const before = squared.evaluate().testLoss;
    for (let i = 0; i < 600; i++) squared.trainStep();
    expect(squared.evaluate().testLoss).toBeLessThan(before * 0.5);
  });

  test.each(["crossEntropy", "squared"] as const)(
    "one SGD step on the whole training set moves the output bias by −η·∂L/∂b of the %s loss",
    (loss) => {
      const trainer = new Trainer({ ...DEFAULT_STATE, loss, batchSize: 250 });
      const predictions = trainer.predictions("train");
      const labels = trainer.prepared.train.targets.data;
      // ∂L/∂z per point: σ(z) − y for cross-entropy; (tanh z − t)(1 − tanh² z) for ½(t − tanh z)², t = 2y − 1.
      let gradient = 0;
      predictions.forEach((p, i) => {
        const y = labels[i]!;
        gradient += loss === "crossEntropy" ? p - y : (p - (2 * y - 1)) * (1 - p * p);
      });
      gradient /= predictions.length;
      const bias = () => ((trainer.parameters.dense_3 as ParamTree).bias as TensorLike).data[0]!;
      const before = bias();
      trainer.trainStep();
      expect(Math.abs(gradient)).toBeGreaterThan(1e-3);
      expect(bias() - before).toBeCloseTo(-DEFAULT_STATE.learningRate * gradient, 6);
    },
  );

  test("switching the loss keeps the weights and restarts the loss history", () => {
    const trainer = new Trainer(DEFAULT_STATE);
    for (let i = 0; i < 20; i++) trainer.trainStep();
    trainer.evaluate();
    const params = trainer.parameters;
    trainer.setLoss("squared");
    expect(trainer.parameters).toBe(params);
    expect(trainer.history.epochs).toEqual([]);
    expect(trainer.loss).toBe("squared");
    expect(() => trainer.setLoss("hinge" as LossName)).toThrow(
      /setLoss: loss "hinge": use one of crossEntropy, squared/,
    );
  });
});

describe("the speed: optimizer steps per frame", () => {
  test("a frame does `speed` steps", () => {
    const trainer = new Trainer({ ...DEFAULT_STATE, speed: 7 });
    for (let i = 0; i < 3; i++) trainer.playFrame();
    expect([trainer.frameCount, trainer.stepCount]).toEqual([3, 21]);
    expect(() => trainer.setSpeed(0)).toThrow(/setSpeed: speed 0: use an integer ≥ 1/);
  });

  test("a higher speed does more steps in the same number of frames (counted in snapshots)", async () => {
    const { session, last } = recorder();
    session.handle({ type: "configure", state: { ...DEFAULT_STATE, speed: 1 } });
    session.handle({ type: "play" });
    await until(() => last().frame >= 20);
    session.handle({ type: "pause" });
    const slow = last();
    expect(slow).toMatchObject({ running: false, speed: 1, step: slow.frame });
    session.handle({ type: "setSpeed", speed: 10 });
    session.handle({ type: "play" });
    await until(() => last().frame >= slow.frame + 20);
    session.handle({ type: "pause" });
    const fast = last();
    expect(fast.speed).toBe(10);
    expect(fast.step - slow.step).toBe(10 * (fast.frame - slow.frame));
    session.handle({ type: "reset" });
    expect(last()).toMatchObject({ step: 0, frame: 0 });
  });
});

describe("editing a weight or a bias by hand", () => {
  test("setWeight and setBias change that one parameter, and the next snapshot shows it", () => {
    const { session, last } = recorder();
    session.handle({ type: "configure", state: DEFAULT_STATE });
    const before = last();
    session.handle({ type: "setWeight", layer: 1, from: 2, to: 1, value: 0.1 });
    const after = last();
    const expected = Float32Array.from(before.columns[2]!.weights!);
    expected[2 * 2 + 1] = 0.1;
    expect(after.columns[2]!.weights).toEqual(expected);
    expect(after.columns[2]!.weights![5]).toBe(Math.fround(0.1));
    expect(after.columns[1]!.weights).toEqual(before.columns[1]!.weights);
    session.handle({ type: "setBias", layer: 0, unit: 3, value: -2.5 });
    expect(last().columns[1]!.bias![3]).toBe(-2.5);
    expect(last().columns[1]!.bias!.filter((b) => b !== 0)).toEqual(Float32Array.of(-2.5));
    expect(last().output).not.toEqual(before.output);
    expect(last().step).toBe(0);
  });

  test("a bad edit is refused with an error naming the argument, and nothing changes", () => {
    const { session, last, errors } = recorder();
    session.handle({ type: "configure", state: DEFAULT_STATE });
    const weights = last().columns.map((column) => column.weights);
    const edit = { type: "setWeight", layer: 0, from: 0, to: 0, value: 1 } as const;
    const cases: [Parameters<TrainingSession["handle"]>[0], RegExp][] = [
      [{ ...edit, layer: 3 }, /setWeight: layer 3: use an integer from 0 to 2/],
      [{ ...edit, from: 2 }, /setWeight: from 2: use an integer from 0 to 1/],
      [{ ...edit, to: 1.5 }, /setWeight: to 1.5: use an integer from 0 to 3/],
      [{ ...edit, value: Number.NaN }, /setWeight: value NaN: use a finite number/],
      [{ ...edit, value: 1e39 }, /setWeight: value 1e\+39: use a finite number below 3.4e38/],
      [{ type: "setBias", layer: 0, unit: -1, value: 0 }, /setBias: unit -1: use an integer from 0 to 3/],
    ];
    cases.forEach(([command, message], k) => {
      session.handle(command);
      expect(errors()[k]).toMatch(message);
      expect(errors()[k]).toMatch(/^ValueError: /);
    });
    expect(last().columns.map((column) => column.weights)).toEqual(weights);
  });
});

describe("dead neurons: ‖∇‖ = 0 over the training set", () => {
  const relu: AppState = { ...DEFAULT_STATE, activation: "relu", hiddenLayers: [4] };

  test("every neuron of a fresh relu network gets a gradient", () => {
    const norms = new Trainer(relu).unitGradientNorms();
    expect(norms.map((layer) => layer.length)).toEqual([4, 1]);
    expect(norms.flatMap((layer) => [...layer]).every((norm) => norm > 0)).toBe(true);
  });

  test("a large negative bias kills a relu neuron: its norm is exactly 0 and training leaves it alone", () => {
    const trainer = new Trainer(relu);
    trainer.setBias({ layer: 0, unit: 0, value: -100 });
    const norms = trainer.unitGradientNorms();
    expect(norms[0]![0]).toBe(0);
    expect([...norms[0]!.subarray(1)].every((norm) => norm > 0)).toBe(true);
    const incoming = (t: Trainer) => {
      const { weights, bias } = dense(t);
      return [weights.data[0], weights.data[4], bias.data[0]];
    };
    const before = incoming(trainer);
    for (let i = 0; i < 50; i++) trainer.trainStep();
    expect(incoming(trainer)).toEqual(before);
    expect(trainer.unitGradientNorms()[0]![0]).toBe(0);
  });

  test("the snapshot carries the norms, and a penalty does not hide a dead neuron", () => {
    const { session, last } = recorder();
    session.handle({ type: "configure", state: { ...relu, regularizer: "l2", regularizationRate: 0.1 } });
    session.handle({ type: "setBias", layer: 0, unit: 2, value: -100 });
    const norms = last().unitGradientNorms;
    expect(norms[0]![2]).toBe(0);
    expect(norms[0]!.filter((norm) => norm === 0).length).toBe(1);
  });
});
