// Why this exists: users hold class labels as integers, so the classification losses, metrics and the
// training loop take an int32 tensor of labels as they take the same labels stored as float32. Reading an
// Int32Array instead of a Float32Array must not change one bit of the numbers (a later refactor relies on
// it), a label outside [0, C) must be named with its index, and a loss that computes in floats must refuse
// int32 targets with the conversion to use rather than compute something else.

import { valueAndGrad } from "@descent/autodiff";
import { adam, sgd } from "@descent/optimizers";
import type { GradientTransformation, ParamTree } from "@descent/spec";
import { cast, DTypeError, ShapeError, Tensor, tensor, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import * as losses from "../losses/index.js";
import * as metrics from "../metrics/index.js";
import { evaluate, fit } from "./index.js";
import { leaves, makeModel, test, train } from "./test-fixtures.js";

const asInt32 = (labels: { readonly data: ArrayLike<number>; readonly shape: readonly number[] }) =>
  new Tensor(Int32Array.from(labels.data), labels.shape);

const logits = tensor([
  [2, -1, 0.5],
  [0.1, 0.2, 3],
  [-2, 4, 1],
  [0, 0, 0],
]);
const floatLabels = tensor([0, 2, 1, 1]);
const intLabels = asInt32(floatLabels);

/** Value and gradient of `loss(logits, targets)` with respect to the logits, as plain arrays. */
function lossAndGradient(loss: (z: never, t: never) => unknown, z: Tensor, targets: unknown) {
  const { value, gradients } = valueAndGrad((x: Tensor) => loss(x as never, targets as never) as Tensor)(z);
  return [Array.from((value as Tensor).data), Array.from((gradients as Tensor).data)];
}

describe("int32 class labels in the losses", () => {
  it("softmax cross-entropy gives bit-identical values and gradients for int32 and float32 labels", () => {
    const options = [{}, { labelSmoothing: 0.1 }, { classWeights: [1, 2, 0.5] }];
    for (const option of options) {
      const loss = (z: never, t: never) => losses.softmaxCrossEntropyFromLogits(z, t, option);
      expect(lossAndGradient(loss, logits, intLabels)).toEqual(lossAndGradient(loss, logits, floatLabels));
      const column = (t: Tensor<"int32"> | Tensor) => new Tensor(t.data, [4, 1] as const);
      expect(lossAndGradient(loss, logits, column(intLabels))).toEqual(
        lossAndGradient(loss, logits, column(floatLabels)),
      );
    }
    const float64 = cast(logits, "float64");
    const loss = (z: never, t: never) => losses.softmaxCrossEntropyFromLogits(z, t);
    expect(lossAndGradient(loss, float64, intLabels)).toEqual(lossAndGradient(loss, float64, floatLabels));
  });

  it("binary cross-entropy and hinge read int32 0/1 labels as their float form", () => {
    const scores = tensor([[0.3], [-1.2], [2], [0]]);
    const binaryFloat = tensor([[1], [0], [1], [0]]);
    const binaryInt = asInt32(binaryFloat);
    for (const loss of [
      (z: never, t: never) => losses.binaryCrossEntropyFromLogits(z, t),
      (z: never, t: never) => losses.binaryCrossEntropyFromLogits(z, t, { classWeights: [1, 3] }),
      (z: never, t: never) => losses.hinge(z, t),
      (z: never, t: never) => losses.squaredHinge(z, t),
    ]) {
      expect(lossAndGradient(loss, scores, binaryInt)).toEqual(lossAndGradient(loss, scores, binaryFloat));
    }
    const flat = new Tensor(Int32Array.from([1, 0, 1, 0]), [4]);
    expect(
      lossAndGradient((z: never, t: never) => losses.binaryCrossEntropyFromLogits(z, t), scores, flat),
    ).toEqual(
      lossAndGradient((z: never, t: never) => losses.binaryCrossEntropyFromLogits(z, t), scores, binaryFloat),
    );
  });

  it("names the loss, the bad label and its index for a label outside [0, C)", () => {
    for (const [bad, index] of [
      [[0, 3, 1, 1], 1],
      [[0, 2, 1, -1], 3],
    ] as const) {
      const labels = new Tensor(Int32Array.from(bad), [4]);
      expect(() => losses.softmaxCrossEntropyFromLogits(logits, labels)).toThrow(ValueError);
      expect(() => losses.softmaxCrossEntropyFromLogits(logits, labels)).toThrow(
        `softmaxCrossEntropyFromLogits: label ${index} is ${bad[index]}: labels must be integers in [0, 2]`,
      );
    }
    const twos = new Tensor(Int32Array.from([1, 2, 0, 0]), [4, 1]);
    expect(() => losses.binaryCrossEntropyFromLogits(tensor([[0], [0], [0], [0]]), twos)).toThrow(
      "binaryCrossEntropyFromLogits: target 1 is 2: targets must be in [0, 1]",
    );
    expect(() => losses.hinge(tensor([[0], [0], [0], [0]]), twos)).toThrow("hinge: target 1 is 2");
  });

  it("refuses int32 one-hot rows, and int32 targets in a float loss, naming the fix", () => {
    const rows = new Tensor(Int32Array.from([1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0]), [4, 3]);
    expect(() => losses.softmaxCrossEntropyFromLogits(logits, rows)).toThrow(ShapeError);
    const regression = new Tensor(Int32Array.from([1, 2, 3, 4]), [4, 1]);
    const predictions = tensor([[1], [2], [3], [4]]);
    for (const loss of [
      losses.meanSquaredError,
      losses.meanAbsoluteError,
      losses.huber,
      losses.klDivergence,
    ]) {
      expect(() => loss(predictions, regression as never)).toThrow(DTypeError);
      expect(() => loss(predictions, regression as never)).toThrow(
        'convert it with cast(targets, "float32")',
      );
    }
  });
});

describe("int32 class labels in the metrics", () => {
  const scores = tensor([
    [0.1, 0.7, 0.2],
    [0.8, 0.1, 0.1],
    [0.2, 0.3, 0.5],
    [0.3, 0.4, 0.3],
    [0.6, 0.2, 0.2],
  ]);
  const labelsFloat = tensor([1, 0, 1, 2, 0]);
  const labelsInt = asInt32(labelsFloat);

  it("every classification metric gives the same number for int32 and float32 labels", () => {
    for (const labels of [labelsInt, new Tensor(labelsInt.data, [5, 1])]) {
      const column = labels.shape.length === 2 ? new Tensor(labelsFloat.data, [5, 1]) : labelsFloat;
      expect(metrics.accuracy(scores, labels)).toBe(metrics.accuracy(scores, column));
      expect(metrics.topKAccuracy(scores, labels, { k: 2 })).toBe(
        metrics.topKAccuracy(scores, column, { k: 2 }),
      );
      expect(metrics.precision(scores, labels)).toBe(metrics.precision(scores, column));
      expect(metrics.recall(scores, labels)).toBe(metrics.recall(scores, column));
      expect(metrics.f1Score(scores, labels)).toBe(metrics.f1Score(scores, column));
      expect(metrics.confusionMatrix(scores, labels).toNested()).toEqual(
        metrics.confusionMatrix(scores, column).toNested(),
      );
    }
    const binary = tensor([0.9, 0.2, 0.6, 0.4]);
    const binaryFloat = tensor([1, 0, 0, 1]);
    expect(metrics.rocAuc(binary, asInt32(binaryFloat))).toBe(metrics.rocAuc(binary, binaryFloat));
    expect(metrics.prAuc(binary, asInt32(binaryFloat))).toBe(metrics.prAuc(binary, binaryFloat));
    expect(metrics.accuracy(binary, asInt32(binaryFloat))).toBe(metrics.accuracy(binary, binaryFloat));
  });

  it("names the metric, the label and its index for a label outside [0, C) of the scores", () => {
    const bad = new Tensor(Int32Array.from([1, 0, 3, 2, 0]), [5]);
    for (const [name, metric] of [
      ["accuracy", metrics.accuracy],
      ["topKAccuracy", metrics.topKAccuracy],
      ["precision", metrics.precision],
      ["recall", metrics.recall],
      ["f1Score", metrics.f1Score],
      ["confusionMatrix", metrics.confusionMatrix],
    ] as const) {
      expect(() => metric(scores, bad)).toThrow(ValueError);
      expect(() => metric(scores, bad)).toThrow(
        `${name}: label 3 at index 2 is outside [0, 2]: the predictions have 3 classes`,
      );
    }
    const negative = new Tensor(Int32Array.from([1, -1, 0, 2, 0]), [5]);
    expect(() => metrics.accuracy(scores, negative)).toThrow("accuracy: target 1 is -1");
  });
});

describe("int32 class labels in fit and evaluate", () => {
  const intTrain = { inputs: train.inputs, targets: asInt32(train.targets) };
  const intTest = { inputs: test.inputs, targets: asInt32(test.targets) };
  const optimizers: [string, () => GradientTransformation<unknown>][] = [
    ["sgd", () => sgd({ learningRate: 0.1 }) as GradientTransformation<unknown>],
    ["adam", () => adam({ learningRate: 0.01 }) as GradientTransformation<unknown>],
  ];

  for (const [name, optimizer] of optimizers) {
    it(`trains to bit-identical parameters with int32 and float32 labels (${name})`, () => {
      const model = makeModel();
      const run = (data: typeof train | typeof intTrain, validation: typeof test | typeof intTest) =>
        fit(model, model.init(0), data, {
          optimizer: optimizer(),
          loss: "softmaxCrossEntropyFromLogits",
          epochs: 4,
          batchSize: 7,
          validationData: validation,
          metrics: ["accuracy", "topKAccuracy"],
          stepMetrics: true,
          trainingMetrics: true,
        });
      const fromFloat = run(train, test);
      const fromInt = run(intTrain, intTest);
      expect(leaves(fromInt.params as ParamTree)).toEqual(leaves(fromFloat.params as ParamTree));
      expect(fromInt.history).toEqual(fromFloat.history);
      expect(fromInt.history.epochs[3]!.loss).toBeLessThan(fromInt.history.epochs[0]!.loss);
    });
  }

  it("evaluate reports the same loss and metrics for int32 labels", () => {
    const model = makeModel();
    const params = model.init(3);
    const options = { loss: "softmaxCrossEntropyFromLogits", metrics: ["accuracy", "f1Score"] } as const;
    expect(evaluate(model, params, intTest, options)).toEqual(evaluate(model, params, test, options));
  });

  it("a float loss given int32 targets by fit stops with a DTypeError naming the conversion", () => {
    const model = makeModel();
    expect(() =>
      fit(model, model.init(0), intTrain, {
        optimizer: sgd({ learningRate: 0.1 }),
        loss: "meanSquaredError",
      }),
    ).toThrow(DTypeError);
    expect(() =>
      fit(
        model,
        model.init(0),
        { inputs: intTrain.targets as never, targets: train.targets },
        {
          optimizer: sgd({ learningRate: 0.1 }),
          loss: "softmaxCrossEntropyFromLogits",
        },
      ),
    ).toThrow(
      'data.inputs is an int32 tensor (class labels) but fit computes in float32/float64: convert it with cast(data.inputs, "float32")',
    );
  });
});
