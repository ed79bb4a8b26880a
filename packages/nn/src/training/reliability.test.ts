/**
 * Why this exists: issue 16 found `fit` and its parts silently wrong on bad input — a loss broadcasting
 * `[N, 1]` predictions against `[N]` targets (MSE 0.5 where 0 is right, a regression that learns y = 0.97),
 * `dense` reading past a short bias, `{ epoch: 50 }` ignored, `loss: "constructor"` training on `Object()`,
 * checkpoints trusted as they were (a negative learning-rate scale trains uphill), and a checkpoint taken in
 * `onEpochEnd` resuming one epoch twice. Each test below pins one of those.
 */
import { adam, sgd } from "@descent/optimizers";
import type { ParamTree } from "@descent/spec";
import { createRandom, ShapeError, Tensor, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { deserializeModel, serializeModel } from "../io/model-files.js";
import { dense, modelFromConfig, sequential } from "../layers/index.js";
import { meanSquaredError } from "../losses/index.js";
import { toMetric } from "../metrics/index.js";
import { type Callback, fit, type TrainingCheckpoint } from "./index.js";
import { leaves, makeModel, train } from "./test-fixtures.js";

const t32 = (values: number[], shape: number[]) => new Tensor(new Float32Array(values), shape);

/** The error `run` throws (fails the test when it returns). */
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

const base = { optimizer: sgd({ learningRate: 0.1 }), loss: "softmaxCrossEntropyFromLogits" as const };

describe("shape contracts", () => {
  const xs = [-1, -0.5, 0, 0.5, 1, 1.5];
  const inputs = t32(xs, [6, 1]);
  const column = t32(
    xs.map((x) => 2 * x + 1),
    [6, 1],
  );
  const flat = t32(
    xs.map((x) => 2 * x + 1),
    [6],
  );

  it("meanSquaredError rejects [N, 1] predictions against [N] targets, naming the fix", () => {
    const error = thrown(() => meanSquaredError(column, flat));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toMatch(
      /^meanSquaredError: predictions \[6,1\] and targets \[6\].*reshape targets to \[6,1\]/,
    );
    expect(meanSquaredError(column, column).item()).toBe(0);
  });

  it("fit rejects [N] targets for a [N, 1] model before training", () => {
    const model = sequential([dense(1, 1)]);
    const error = thrown(() =>
      fit(model, model.init(0), { inputs, targets: flat }, { ...base, loss: "meanSquaredError" }),
    );
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toMatch(/reshape targets to \[6,1\]/);
  });

  it("dense(1, 1) learns y = 2x + 1 when the shapes match", () => {
    const model = sequential([dense(1, 1)]);
    const { params } = fit(
      model,
      model.init(0),
      { inputs, targets: column },
      {
        optimizer: sgd({ learningRate: 0.1 }),
        loss: "meanSquaredError",
        epochs: 400,
        mode: "batch",
      },
    );
    const layer = params.dense_1 as ParamTree;
    expect((layer.weights as Tensor).data[0]).toBeCloseTo(2, 3);
    expect((layer.bias as Tensor).data[0]).toBeCloseTo(1, 3);
  });

  it("dense checks its parameters' shapes: a short or long bias is a ShapeError naming it", () => {
    const layer = dense(2, 3);
    const params = layer.init(createRandom(0));
    const x = t32([1, 2], [1, 2]);
    for (const length of [2, 4]) {
      const bad = { ...params, bias: t32(new Array(length).fill(0), [length]) };
      const error = thrown(() => layer.apply(bad, x));
      expect(error).toBeInstanceOf(ShapeError);
      expect(error.message).toMatch(/^dense: parameter "bias" has shape \[\d\] but this layer expects \[3\]/);
    }
    const wrongWeights = { ...params, weights: t32(new Array(6).fill(0), [3, 2]) };
    expect(thrown(() => layer.apply(wrongWeights, x)).message).toMatch(
      /parameter "weights" has shape \[3,2\]/,
    );
  });

  it("training data must agree in count, and a tensor's data must fill its shape", () => {
    const model = sequential([dense(1, 1)]);
    const fewer = { inputs: t32([1, 2, 3, 4], [4, 1]), targets: t32([1, 2, 3], [3, 1]) };
    expect(
      thrown(() => fit(model, model.init(0), fewer, { ...base, loss: "meanSquaredError" })),
    ).toBeInstanceOf(ShapeError);
    // A home-made tensor whose data is shorter than its shape (Tensor's constructor refuses to build one).
    const short = { shape: [4, 1], dtype: "float32" as const, data: new Float32Array([1, 2, 3]) };
    const lying = { inputs: t32([1, 2, 3, 4], [4, 1]), targets: short };
    const error = thrown(() => fit(model, model.init(0), lying, { ...base, loss: "meanSquaredError" }));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toMatch(/data\.targets has shape \[4,1\] \(4 elements\) but 3 data elements/);
  });
});

describe("names from outside are own keys only", () => {
  const model = makeModel();
  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "loss %j is a ValueError listing the losses",
    (name) => {
      const error = thrown(() => fit(model, model.init(0), train, { ...base, loss: name as never }));
      expect(error).toBeInstanceOf(ValueError);
      expect(error.message).toMatch(/options\.loss is an unknown loss .*meanSquaredError/);
    },
  );
  it("metric and layer-type names too", () => {
    expect(thrown(() => toMetric("constructor" as never))).toBeInstanceOf(ValueError);
    const error = thrown(() => modelFromConfig({ type: "sequential", layers: [{ type: "toString" }] }));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/unknown layer type "toString"/);
  });
});

describe("fit options", () => {
  const model = makeModel();
  it("rejects an unknown key with a suggestion: { epoch: 50 }", () => {
    const error = thrown(() => fit(model, model.init(0), train, { ...base, epoch: 50 } as never));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/unknown key "epoch" \(did you mean "epochs"\?\)/);
  });
  it.each([
    [{ callbacks: [42] }, /options\.callbacks\[0\] is 42/],
    [{ regularizers: [42] }, /options\.regularizers\[0\] is 42/],
    [{ constraints: [{}] }, /options\.constraints\[0\]/],
    [{ epochs: -1 }, /options\.epochs is -1/],
    [{ epochs: 2.5 }, /options\.epochs is 2\.5/],
    [{ batchSize: 0 }, /batchSize is 0/],
    [{ shuffle: "yes" }, /options\.shuffle is "yes"/],
    [{ metrics: ["accuracyy"] }, /did you mean "accuracy"/],
    [{ seed: 0.5 }, /options\.seed is 0\.5/],
  ])("rejects %j", (extra, message) => {
    const error = thrown(() => fit(model, model.init(0), train, { ...base, ...extra } as never));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(message);
  });
  it("rejects validation data shaped unlike the training data", () => {
    const validationData = { inputs: t32([1, 2, 3], [1, 3]), targets: t32([0], [1]) };
    const error = thrown(() => fit(model, model.init(0), train, { ...base, validationData }));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toMatch(/options\.validationData\.inputs has samples of shape \[3\]/);
  });
});

describe("checkpoints are validated, and resume bit-identically", () => {
  const model = makeModel();
  const params = model.init(0);
  const options = { ...base, epochs: 3, batchSize: 16, seed: 5 };
  let saved: TrainingCheckpoint | undefined;
  const atEpoch1: Callback = {
    name: "saver",
    onStepEnd: (context) => {
      if (context.step === 6) saved = context.checkpoint();
    },
  };
  fit(model, params, train, { ...options, callbacks: [atEpoch1] });
  const checkpoint = saved!;

  it.each([
    ["learningRateScale", -1],
    ["epoch", -5],
    ["batchInEpoch", 2.5],
    ["step", -100],
  ])("resume with %s = %d is a ValueError naming the field", (field, value) => {
    const error = thrown(() =>
      fit(model, params, train, { ...options, resume: { ...checkpoint, [field]: value } }),
    );
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toContain(`options.resume.${field} is ${value}`);
  });

  it("a missing history is a ValueError, not a TypeError", () => {
    const { history: _, ...withoutHistory } = checkpoint;
    const error = thrown(() => fit(model, params, train, { ...options, resume: withoutHistory as never }));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/options\.resume\.history is missing/);
  });

  it("deserializeModel applies the same schema to a saved checkpoint", () => {
    const files = serializeModel({ params, training: { ...checkpoint, epoch: -5 } });
    const error = thrown(() => deserializeModel(files));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/training\.epoch is -5/);
  });

  it("an optimizer state with broken values (Adam count −5) is refused on resume", () => {
    let adamCheckpoint: TrainingCheckpoint | undefined;
    const adamOptions = { ...options, optimizer: adam({ learningRate: 0.01 }) };
    fit(model, params, train, {
      ...adamOptions,
      callbacks: [
        { name: "saver", onStepEnd: (c) => void (c.step === 2 && (adamCheckpoint = c.checkpoint())) },
      ],
    });
    const broken = JSON.parse(JSON.stringify(adamCheckpoint!.optimizerState), (key, value) =>
      key === "count" ? -5 : value,
    );
    const error = thrown(() =>
      fit(model, params, train, {
        ...adamOptions,
        resume: {
          ...adamCheckpoint!,
          optimizerState: restoreTensors(adamCheckpoint!.optimizerState, broken),
        },
      }),
    );
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(/options\.resume\.optimizerState .*count/);
  });

  it("a checkpoint taken in onEpochEnd resumes at the next epoch, bit-identical to an uninterrupted run", () => {
    let atEnd: { training: TrainingCheckpoint; params: ParamTree; state: ParamTree } | undefined;
    const recorder: Callback = {
      name: "recorder",
      onEpochEnd: (context, logs) => {
        if (logs.epoch === 0)
          atEnd = { training: context.checkpoint(), params: context.params, state: context.state };
      },
    };
    const full = fit(model, params, train, { ...options, callbacks: [recorder] });
    expect(atEnd!.training.epoch).toBe(1);
    const resumed = fit(model, atEnd!.params, train, {
      ...options,
      state: atEnd!.state,
      resume: atEnd!.training,
    });
    expect(resumed.history.epochs.map((logs) => logs.epoch)).toEqual([0, 1, 2]);
    expect(resumed.step).toBe(full.step);
    expect(resumed.history).toEqual(full.history);
    expect(leaves(resumed.params)).toEqual(leaves(full.params));
  });

  it("a checkpoint taken in onTrainEnd continues with more epochs as one longer run would", () => {
    let atTrainEnd: { training: TrainingCheckpoint; params: ParamTree } | undefined;
    const saver: Callback = {
      name: "saver",
      onTrainEnd: (context) => void (atTrainEnd = { training: context.checkpoint(), params: context.params }),
    };
    fit(model, params, train, { ...options, epochs: 1, callbacks: [saver] });
    const longer = fit(model, params, train, { ...options, epochs: 2 });
    const continued = fit(model, atTrainEnd!.params, train, {
      ...options,
      epochs: 2,
      resume: atTrainEnd!.training,
    });
    expect(leaves(continued.params)).toEqual(leaves(longer.params));
    expect(continued.history).toEqual(longer.history);
  });
});

/** `broken` (a JSON copy of `original`) with the tensors of `original` put back where they were. */
function restoreTensors(original: unknown, broken: unknown): unknown {
  if (original instanceof Tensor) return original;
  if (Array.isArray(original))
    return original.map((item, i) => restoreTensors(item, (broken as unknown[])[i]));
  if (typeof original === "object" && original !== null) {
    return Object.fromEntries(
      Object.entries(original).map(([key, value]) => [
        key,
        restoreTensors(value, (broken as Record<string, unknown>)[key]),
      ]),
    );
  }
  return broken;
}
