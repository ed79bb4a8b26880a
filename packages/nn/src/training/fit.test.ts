import { adam, sgd } from "@descent/optimizers";
import { l2, nonNeg } from "@descent/regularizers";
import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { createRandom, Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { batchNorm, dense, dropout, sequential } from "../layers/index.js";
import { evaluate, fit, predict } from "./index.js";

import { counting, leaves, makeModel, test, train } from "./test-fixtures.js";

describe("fit", () => {
  it("learns separable blobs and reports loss and validation metrics per epoch", () => {
    const model = makeModel();
    const result = fit(model, model.init(0), train, {
      optimizer: sgd({ learningRate: 0.1 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 30,
      batchSize: 10,
      validationData: test,
      metrics: ["accuracy"],
      trainingMetrics: true,
    });
    const { epochs } = result.history;
    expect(epochs).toHaveLength(30);
    expect(epochs[29]!.loss).toBeLessThan(epochs[0]!.loss);
    expect(epochs[29]!.validationAccuracy).toBeGreaterThan(0.9);
    expect(epochs[29]!.accuracy).toBeGreaterThan(0.9);
    expect(Object.keys(epochs[0]!)).toEqual([
      "epoch",
      "loss",
      "accuracy",
      "validationLoss",
      "validationAccuracy",
    ]);
    expect(result.history.stopReason).toBe("completed");
    expect(result.history.steps.accuracy).toBeUndefined();
    const scores = evaluate(model, result.params, test, {
      loss: "softmaxCrossEntropyFromLogits",
      metrics: ["accuracy"],
    });
    expect(scores.accuracy).toBe(epochs[29]!.validationAccuracy);
    expect(scores.loss).toBeCloseTo(epochs[29]!.validationLoss!, 6);
  });

  it("makes 1, N or ⌈N / b⌉ updates per epoch for batch, stochastic and mini-batch modes", () => {
    const model = makeModel();
    const params = model.init(0);
    for (const [options, perEpoch] of [
      [{ mode: "batch" as const }, 1],
      [{ mode: "stochastic" as const }, 60],
      [{ mode: "mini-batch" as const, batchSize: 16 }, 4],
      [{ batchSize: 7 }, 9],
      [{}, 2],
    ] as const) {
      const { optimizer, calls } = counting(sgd({ learningRate: 0.01 }));
      const result = fit(model, params, train, {
        ...options,
        optimizer,
        loss: "softmaxCrossEntropyFromLogits",
        epochs: 2,
      });
      expect(calls()).toBe(2 * perEpoch);
      expect(result.step).toBe(2 * perEpoch);
      expect(result.history.steps.loss).toHaveLength(2 * perEpoch);
    }
    expect(() =>
      fit(model, params, train, { optimizer: sgd(), loss: "hinge", mode: "stochastic", batchSize: 8 }),
    ).toThrow(/mode "stochastic" uses batches of 1 but batchSize is 8/);
  });

  it("is deterministic: same seed ⇒ bit-identical parameters, another seed ⇒ different", () => {
    const model = sequential([dense(2, 16), "relu", dropout(0.3), dense(16, 3)]);
    const run = (seed: number) =>
      fit(model, model.init(1), train, {
        optimizer: adam({ learningRate: 0.01 }),
        loss: "softmaxCrossEntropyFromLogits",
        epochs: 3,
        batchSize: 8,
        seed,
      }).params;
    expect(leaves(run(5))).toEqual(leaves(run(5)));
    expect(leaves(run(6))).not.toEqual(leaves(run(5)));
  });

  it("records metrics on every batch with stepMetrics", () => {
    const model = makeModel();
    const result = fit(model, model.init(0), train, {
      optimizer: sgd({ learningRate: 0.1 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 2,
      batchSize: 16,
      metrics: ["accuracy", "rocAuc"],
      stepMetrics: true,
    });
    expect(result.history.steps.accuracy).toHaveLength(8);
    expect(result.history.steps.accuracy!.every((value) => value >= 0 && value <= 1)).toBe(true);
    // rocAuc is binary: undefined for these 3-class batches, so NaN rather than an aborted run.
    expect(result.history.steps.rocAuc!.every(Number.isNaN)).toBe(true);
  });

  it("never modifies the parameters it is given", () => {
    const model = makeModel();
    const params = model.init(0);
    const before = leaves(params);
    fit(model, params, train, {
      optimizer: sgd({ learningRate: 0.1 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 2,
    });
    expect(leaves(params)).toEqual(before);
  });

  it("adds regularizer penalties and gradients, and applies constraints after the step", () => {
    const model = sequential([dense(2, 3)]);
    const params = model.init(createRandom(3), "float64");
    const data = {
      inputs: new Tensor(Float64Array.from(train.inputs.data), [60, 2]),
      targets: train.targets,
    };
    const plain = fit(model, params, data, {
      optimizer: sgd({ learningRate: 0.5 }),
      loss: "softmaxCrossEntropyFromLogits",
      mode: "batch",
      shuffle: false,
    });
    const regularized = fit(model, params, data, {
      optimizer: sgd({ learningRate: 0.5 }),
      loss: "softmaxCrossEntropyFromLogits",
      mode: "batch",
      shuffle: false,
      regularizers: [l2(0.1)],
    });
    const w0 = (params.dense_1 as ParamTree).weights as TensorLike;
    const wPlain = (plain.params.dense_1 as ParamTree).weights as TensorLike;
    const wRegularized = (regularized.params.dense_1 as ParamTree).weights as TensorLike;
    // One step: w' = w − η(g + λw) = wPlain − η·λ·w.
    for (let i = 0; i < 6; i++)
      expect(wRegularized.data[i]).toBeCloseTo(wPlain.data[i]! - 0.5 * 0.1 * w0.data[i]!, 12);
    let penalty = 0;
    for (const w of w0.data) penalty += 0.05 * w * w;
    expect(regularized.history.steps.loss[0]).toBeCloseTo(plain.history.steps.loss[0]! + penalty, 12);
    const constrained = fit(model, params, data, {
      optimizer: sgd({ learningRate: 0.5 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 3,
      constraints: [nonNeg()],
    });
    expect(
      Array.from(((constrained.params.dense_1 as ParamTree).weights as TensorLike).data).every((w) => w >= 0),
    ).toBe(true);
  });

  it("returns updated batch-norm state and predicts in inference mode", () => {
    const model = sequential([dense(2, 8), batchNorm(8), "relu", dense(8, 3)]);
    const params = model.init(0);
    const result = fit(model, params, train, {
      optimizer: adam({ learningRate: 0.01 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 2,
    });
    const running = (result.state.batchNorm_1 as ParamTree).runningMean as TensorLike;
    expect(Array.from(running.data).some((value) => value !== 0)).toBe(true);
    const logits = predict(model, result.params, test.inputs, { state: result.state, batchSize: 7 });
    expect(logits.shape).toEqual([60, 3]);
    const direct = model.apply(result.params, test.inputs, { state: result.state }).value;
    // Equal up to float32 rounding: GEMM kernels may sum in another order for another batch size.
    for (let i = 0; i < direct.data.length; i++) expect(logits.data[i]).toBeCloseTo(direct.data[i]!, 5);
  });
});
