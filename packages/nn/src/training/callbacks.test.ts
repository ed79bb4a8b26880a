import { sqrt, sub, sum } from "@descent/autodiff";
import { adam, sgd } from "@descent/optimizers";
import type { GradientTransformation, ParamTree } from "@descent/spec";
import { Tensor, treeFlatten, treeMap } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { deserializeModel, type ModelSnapshot, serializeModel } from "../io/model-files.js";
import { batchNorm, dense, dropout, sequential } from "../layers/index.js";
import {
  type Callback,
  checkpoint,
  earlyStopping,
  fit,
  learningRateScheduler,
  NonFiniteError,
  reduceOnPlateau,
} from "./index.js";

import { leaves, makeModel, test, train } from "./test-fixtures.js";

describe("callbacks", () => {
  it("early stopping halts after `patience` bad epochs and restores the best weights", () => {
    const model = makeModel();
    // Validation labels are shifted: the better the model fits train, the worse validation gets.
    const flipped = {
      inputs: train.inputs,
      targets: new Tensor(
        train.targets.data.map((y) => (y + 1) % 3),
        [60],
      ),
    };
    const seen: ParamTree[] = [];
    const recorder: Callback = { name: "recorder", onEpochEnd: (context) => void seen.push(context.params) };
    const result = fit(model, model.init(0), train, {
      optimizer: sgd({ learningRate: 0.1 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 50,
      batchSize: 10,
      validationData: flipped,
      callbacks: [recorder, earlyStopping({ patience: 2 })],
    });
    const losses = result.history.epochs.map((logs) => logs.validationLoss!);
    const best = losses.indexOf(Math.min(...losses));
    expect(result.history.stopReason).toBe("earlyStopping");
    expect(result.history.epochs).toHaveLength(best + 3);
    expect(leaves(result.params)).toEqual(leaves(seen[best]!));
    expect(leaves(result.params)).not.toEqual(leaves(seen[seen.length - 1]!));
  });

  it("learning-rate scale: a schedule of 0 freezes, reduceOnPlateau cuts on a plateau", () => {
    const model = makeModel();
    const params = model.init(0);
    const frozen = fit(model, params, train, {
      optimizer: sgd({ learningRate: 0.1 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 2,
      callbacks: [learningRateScheduler(() => 0)],
    });
    expect(leaves(frozen.params)).toEqual(leaves(params));
    const scales: number[] = [];
    fit(model, params, train, {
      optimizer: sgd({ learningRate: 0 }),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 6,
      callbacks: [
        reduceOnPlateau({ factor: 0.5, patience: 2 }),
        { name: "log", onEpochEnd: (c) => void scales.push(c.learningRateScale) },
      ],
    });
    // The loss never changes (learning rate 0): epochs 1 and 2 are bad → halve; 3 and 4 → halve again.
    expect(scales).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
  });

  it("stops on a non-finite loss, gradient or update, naming the step, the layer and what to try", () => {
    const model = sequential([dense(2, 4), dense(4, 1)]);
    const catchError = (run: () => unknown): NonFiniteError => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(NonFiniteError);
        return error as NonFiniteError;
      }
      throw new Error("fit did not throw");
    };
    // Diverging regression: the float32 loss overflows before any gradient does.
    const targets = new Tensor(new Float32Array(60).fill(1e3), [60, 1]);
    const diverged = catchError(() =>
      fit(
        model,
        model.init(0),
        { inputs: train.inputs, targets },
        { optimizer: sgd({ learningRate: 10 }), loss: "meanSquaredError", batchSize: 60, epochs: 100 },
      ),
    );
    expect(diverged.report.kind).toBe("loss");
    expect(diverged.report.step).toBeGreaterThan(0);
    expect(diverged.report.layer).toMatch(/^dense_[12]$/);
    expect(diverged.message).toMatch(
      /^fit: non-finite values at step \d+ \(epoch \d+, batch 0\): the loss is Infinity while the gradients are still finite \(the largest is that of "dense_[12]\.\w+"/,
    );
    expect(diverged.message).toMatch(
      /try a lower learning rate, gradient clipping \(chain\(clipByGlobalNorm/,
    );
    for (const tensor of treeFlatten(diverged.params).leaves)
      expect(Array.from(tensor.data).every(Number.isFinite)).toBe(true);
    expect(diverged.history.steps.loss).toHaveLength(diverged.report.step);

    // An update that overflows float32 (an absurd step size).
    const absurd: GradientTransformation<null> = {
      init: () => null,
      update: (gradients) => ({
        updates: treeMap(
          gradients,
          (g) =>
            new Tensor(
              g.data.map((v) => v * 1e300),
              g.shape,
            ),
        ),
        state: null,
      }),
    };
    const overflow = catchError(() =>
      fit(makeModel(), makeModel().init(0), train, {
        optimizer: absurd,
        loss: "softmaxCrossEntropyFromLogits",
      }),
    );
    expect(overflow.report.kind).toBe("update");
    expect(overflow.report.step).toBe(0);
    expect(overflow.history.steps.loss).toHaveLength(0);
    for (const tensor of treeFlatten(overflow.params).leaves)
      expect(Array.from(tensor.data).every(Number.isFinite)).toBe(true);
    // An overflow in the very last step is caught too.
    const last = catchError(() =>
      fit(makeModel(), makeModel().init(0), train, {
        optimizer: absurd,
        loss: "softmaxCrossEntropyFromLogits",
        mode: "batch",
      }),
    );
    expect(last.report).toMatchObject({ kind: "update", step: 0, layer: "dense_2" });
    expect(overflow.report.layer).toBe("dense_2");
    expect(overflow.message).toMatch(/the update of "dense_2\.\w+" \(layer "dense_2"\) overflowed/);

    // A gradient that is NaN while the loss is finite (a custom loss with a bad derivative).
    const nanGradient = catchError(() =>
      fit(makeModel(), makeModel().init(0), train, {
        optimizer: sgd(),
        // √(p − p) is 0, but its derivative at 0 is ∞, and ∞ − ∞ flows back to p: NaN.
        loss: (predictions) => sum(sqrt(sub(predictions, predictions))),
        mode: "batch",
      }),
    );
    expect(nanGradient.report.kind).toBe("gradient");
    expect(nanGradient.report.loss).toBe(0);
    expect(nanGradient.report.parameters).toEqual([
      "dense_2.bias",
      "dense_2.weights",
      "dense_1.bias",
      "dense_1.weights",
    ]);
    expect(nanGradient.message).toMatch(
      /the gradient of "dense_2\.bias" \(layer "dense_2"\) went non-finite first \(loss 0; also dense_2\.weights/,
    );

    const dirty = new Float32Array(train.inputs.data);
    dirty[5] = Number.NaN;
    expect(() =>
      fit(
        model,
        model.init(0),
        { inputs: new Tensor(dirty, [60, 2]), targets },
        { optimizer: sgd(), loss: "meanSquaredError", mode: "batch" },
      ),
    ).toThrow(/step 0 .*the batch inputs contain NaN or Infinity/);
  });

  it("resuming from a mid-epoch checkpoint ends bit-identical to an uninterrupted run", () => {
    const model = sequential([dense(2, 16), batchNorm(16), "relu", dropout(0.25), dense(16, 3)]);
    const params = model.init(7);
    const saved = new Map<number, ModelSnapshot>();
    const options = {
      optimizer: adam({ learningRate: 0.02 }),
      loss: "softmaxCrossEntropyFromLogits" as const,
      epochs: 4,
      batchSize: 8,
      seed: 11,
      validationData: test,
      metrics: ["accuracy" as const],
      callbacks: [reduceOnPlateau({ patience: 1, factor: 0.5 })],
    };
    const full = fit(model, params, train, {
      ...options,
      callbacks: [
        ...options.callbacks,
        // Round-trip through the file format, as a checkpoint on disk would.
        checkpoint({
          everySteps: 4,
          save: (snapshot) => saved.set(snapshot.training!.step, deserializeModel(serializeModel(snapshot))),
        }),
      ],
    });
    expect([...saved.keys()]).toEqual([4, 8, 12, 16, 20, 24, 28, 32]);
    // 8 steps per epoch: 12 and 28 are mid-epoch, 16 is an epoch's last step (its end-of-epoch work pending).
    for (const step of [12, 16, 28]) {
      const snapshot = saved.get(step)!;
      expect(snapshot.training!.batchInEpoch).toBe(step % 8 === 0 ? 8 : step % 8);
      const resumed = fit(model, snapshot.params, train, {
        ...options,
        callbacks: [reduceOnPlateau({ patience: 1, factor: 0.5 })],
        state: snapshot.state,
        resume: snapshot.training!,
      });
      expect(leaves(resumed.params)).toEqual(leaves(full.params));
      expect(leaves(resumed.state)).toEqual(leaves(full.state));
      expect(resumed.history).toEqual(full.history);
      expect(resumed.step).toBe(full.step);
    }
  });
});
