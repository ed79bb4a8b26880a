// Why this exists: every public function of @descent/nn outside io (layers, sequential, modelFromConfig,
// losses, metrics, fit/evaluate/predict, callbacks, initializers), given random or adversarial input, must
// return a correct result or throw a typed descent error (fuzz.shared.ts) — never a raw TypeError, a stack
// overflow, a polluted Object.prototype, or a non-finite number where a finite one was promised. Fixed seeds,
// so a run repeats; the suite logs the cases it ran.

import { sgd } from "@descent/optimizers";
import type { DType, Tensor as TensorLike } from "@descent/spec";
import { createRandom, Tensor, ValueError } from "@descent/tensor";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { adversarialOptions, allFinite, expectDescentOutcome, fuzzSuite } from "../../../../fuzz.shared";
import * as nn from "../index.js";

const { check } = fuzzSuite("nn");

// ---------- arbitraries ----------

/** Values a caller may pass by mistake or by malice (no valid huge sizes: those would legitimately run long). */
const adversarialValue = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    0,
    -1,
    0.5,
    1,
    2,
    2.5,
    3,
    1e-12,
    Number.MAX_SAFE_INTEGER + 2,
    "2",
    "",
    "relu",
    "constructor",
    "__proto__",
    "toString",
    null,
    undefined,
    true,
    false,
    [],
    [2, 2],
    [-1, 2],
    {},
    10n,
    Symbol("s"),
    () => 1,
  ),
  fc.double({ min: -4, max: 4 }),
  fc.integer({ min: -2, max: 4 }),
);

/** An options object: known names with adversarial values, sometimes an unknown or a prototype key. */
function optionsOf(names: readonly string[]): fc.Arbitrary<unknown> {
  const known =
    names.length === 0
      ? fc.constant({})
      : fc.dictionary(fc.constantFrom(...names), adversarialValue, { maxKeys: names.length });
  return adversarialOptions(known, adversarialValue, { epoch: 3 });
}

const shapeArbitrary = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 });

/** A well-formed tensor of a random small shape with finite values in ±10 (float32 or float64). */
const finiteTensor: fc.Arbitrary<Tensor> = fc
  .record({ shape: shapeArbitrary, float64: fc.boolean(), seed: fc.integer() })
  .map(({ shape, float64, seed }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const random = createRandom(seed);
    const values = Array.from({ length: size }, () => Math.round((random.next() * 20 - 10) * 4) / 4);
    return new Tensor(float64 ? Float64Array.from(values) : Float32Array.from(values), shape);
  });

/** Integer labels in [0, 3] of a random shape. */
const labelTensor: fc.Arbitrary<Tensor> = fc
  .record({ shape: shapeArbitrary, seed: fc.integer() })
  .map(({ shape, seed }) => {
    const random = createRandom(seed);
    const size = shape.reduce((a, b) => a * b, 1);
    return new Tensor(
      Float32Array.from({ length: size }, () => Math.floor(random.next() * 4)),
      shape,
    );
  });

/** Objects that look like tensors but lie: negative or fractional shapes, short data, wrong dtypes. */
const hostileTensor = fc.constantFrom<unknown>(
  { shape: [-1, 2], dtype: "float32", data: new Float32Array(2) },
  { shape: [2.5], dtype: "float32", data: new Float32Array(2) },
  { shape: [3], dtype: "float32", data: new Float32Array(2) },
  { shape: [2], dtype: "float64", data: new Float32Array(2) },
  { shape: [2], dtype: "int32", data: new Int32Array(2) },
  { shape: "2", dtype: "float32", data: new Float32Array(2) },
  { shape: [1e9, 1e9], dtype: "float32", data: new Float32Array(2) },
  { value: { shape: [2], dtype: "float32", data: new Float32Array(1) } },
  null,
  42,
  "tensor",
  [1, 2],
  {},
);

const tensorLike = fc.oneof(
  { weight: 5, arbitrary: finiteTensor as fc.Arbitrary<unknown> },
  { weight: 2, arbitrary: labelTensor as fc.Arbitrary<unknown> },
  { weight: 2, arbitrary: hostileTensor },
);

function isFiniteTensor(value: unknown): value is TensorLike {
  return value instanceof Tensor && allFinite(value.data);
}

function unpolluted(): void {
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
}

function leaves(tree: unknown, out: TensorLike<DType>[] = [], depth = 0): TensorLike<DType>[] {
  if (depth > 20 || typeof tree !== "object" || tree === null) return out;
  if (tree instanceof Tensor) out.push(tree);
  else for (const value of Object.values(tree)) leaves(value, out, depth + 1);
  return out;
}

const treeFinite = (tree: unknown): true | string =>
  leaves(tree).every((tensor) => allFinite(tensor.data)) || "a non-finite parameter from finite input";

// ---------- layers ----------

type Factory = readonly [string, (a: unknown, b: unknown, c: unknown, o: unknown) => unknown, string[]];
const factories: Factory[] = [
  [
    "dense",
    (a, b, _c, o) => nn.dense(a as never, b as never, o as never),
    ["useBias", "weightsInitializer", "biasInitializer", "name"],
  ],
  [
    "conv2d",
    (a, b, c, o) => nn.conv2d(a as never, b as never, c as never, o as never),
    ["strides", "padding", "useBias", "name"],
  ],
  ["maxPool2d", (a, _b, _c, o) => nn.maxPool2d(a as never, o as never), ["strides", "padding", "name"]],
  ["batchNorm", (a, _b, _c, o) => nn.batchNorm(a as never, o as never), ["epsilon", "momentum", "name"]],
  ["layerNorm", (a, _b, _c, o) => nn.layerNorm(a as never, o as never), ["epsilon", "name"]],
  ["dropout", (a, _b, _c, o) => nn.dropout(a as never, o as never), ["name"]],
  ["flatten", (_a, _b, _c, o) => nn.flatten(o as never), ["name"]],
  ["softmax", (_a, _b, _c, o) => nn.softmax(o as never), ["name"]],
  ["activation", (a, _b, _c, o) => nn.activation(a as never, o as never), ["name"]],
  ["sequential", (a, _b, _c, o) => nn.sequential(a as never, o as never), ["name"]],
];

describe("layer factories and apply", () => {
  it.each(factories)("%s: adversarial arguments and options", (_name, build, names) => {
    check(
      fc.property(adversarialValue, adversarialValue, adversarialValue, optionsOf(names), (a, b, c, o) => {
        expectDescentOutcome(() => build(a, b, c, o));
        unpolluted();
      }),
      150,
    );
  });

  const layers: [string, () => nn.Layer, number[]][] = [
    ["dense", () => nn.dense(2, 3), [4, 2]],
    ["conv2d", () => nn.conv2d(1, 2, 2), [1, 3, 3, 1]],
    ["batchNorm", () => nn.batchNorm(3), [4, 3]],
    ["layerNorm", () => nn.layerNorm(3), [4, 3]],
    ["sequential", () => nn.sequential([nn.dense(2, 3), "relu", nn.dense(3, 2)]), [4, 2]],
  ];
  it.each(layers)(
    "%s: apply with hostile parameters, state and input; finite output from finite input",
    (_name, make, inputShape) => {
      const layer = make();
      const good = layer.init(createRandom(0));
      const leafNames = [
        "weights",
        "bias",
        "gamma",
        "beta",
        "dense_1",
        "dense_2",
        "constructor",
        "__proto__",
      ];
      const paramsArbitrary = fc.oneof(
        fc.constant(good as unknown),
        fc
          .dictionary(fc.constantFrom(...leafNames), tensorLike, { maxKeys: 4 })
          .map((extra) => ({ ...good, ...extra })),
        adversarialValue,
      );
      const inputArbitrary = fc.oneof(
        fc.constant(
          new Tensor(
            new Float32Array(inputShape.reduce((a, b) => a * b, 1)).fill(0.5),
            inputShape,
          ) as unknown,
        ),
        tensorLike,
      );
      const optionsArbitrary = fc.oneof(
        fc.constant(undefined as unknown),
        fc.record({
          training: fc.boolean(),
          state: fc.constant(layer.initState()),
          random: fc.constant(createRandom(1)),
        }),
        optionsOf(["training", "state", "random", "onState"]),
      );
      check(
        fc.property(paramsArbitrary, inputArbitrary, optionsArbitrary, (params, input, options) => {
          const outcome = expectDescentOutcome(() =>
            layer.apply(params as never, input as never, options as never),
          );
          if (outcome.ok && isFiniteTensor(input) && treeFinite(params) === true && options !== undefined) {
            // Inference with running statistics, or training: the output of finite input and parameters is finite.
            expect(allFinite(outcome.value.value.data), "finite output").toBe(true);
          }
          unpolluted();
        }),
        200,
      );
    },
  );

  it("a model's init, initState, outputShape and summary with adversarial arguments", () => {
    const model = nn.sequential([nn.conv2d(1, 2, 2), nn.flatten(), nn.batchNorm(8), nn.dense(8, 2)]);
    const shapes = fc.oneof(
      adversarialValue,
      shapeArbitrary as fc.Arbitrary<unknown>,
      fc.constant<unknown>([3, 3, 1]),
    );
    check(
      fc.property(adversarialValue, adversarialValue, shapes, (random, dtype, shape) => {
        const made = expectDescentOutcome(() => model.init(random as never, dtype as never));
        if (made.ok) expect(treeFinite(made.value)).toBe(true);
        expectDescentOutcome(() => model.initState(dtype as never));
        expectDescentOutcome(() => model.outputShape(shape as never));
        expectDescentOutcome(() => model.summary(shape as never, random as never));
        unpolluted();
      }),
      300,
    );
  });

  it("modelFromConfig: hostile configs, prototype types, deep nesting and cycles", () => {
    const cyclic: Record<string, unknown> = { type: "sequential", layers: [] };
    (cyclic.layers as unknown[]).push(cyclic);
    let deep: unknown = { type: "dense", inputSize: 2, outputSize: 2 };
    for (let i = 0; i < 5000; i++) deep = { type: "sequential", layers: [deep] };
    const typeName = fc.constantFrom(
      "dense",
      "activation",
      "flatten",
      "dropout",
      "softmax",
      "batchNorm",
      "layerNorm",
      "conv2d",
      "maxPool2d",
      "sequential",
      "constructor",
      "__proto__",
      "toString",
      "hasOwnProperty",
      "unknown",
    );
    const config: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      config: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.record(
          {
            type: typeName,
            name: fc.oneof(fc.constant(undefined), adversarialValue),
            inputSize: adversarialValue,
            outputSize: adversarialValue,
            features: adversarialValue,
            rate: adversarialValue,
            activation: fc.oneof(
              adversarialValue,
              fc.record({ name: adversarialValue, options: adversarialValue }),
            ),
            layers: fc.oneof(fc.array(tie("config"), { maxLength: 3 }), adversarialValue),
            kernelSize: adversarialValue,
            poolSize: adversarialValue,
            padding: adversarialValue,
          },
          { requiredKeys: ["type"] },
        ),
        adversarialValue,
      ),
    })).config;
    check(
      fc.property(
        fc.oneof({ weight: 20, arbitrary: config }, fc.constant(cyclic as unknown), fc.constant(deep)),
        (value) => {
          expectDescentOutcome(() => nn.modelFromConfig(value as never));
          unpolluted();
        },
      ),
      400,
    );
  });
});

// ---------- losses and metrics ----------

const losses: [string, (p: unknown, t: unknown, o: unknown) => unknown, string[]][] = [
  ["meanSquaredError", (p, t) => nn.losses.meanSquaredError(p as never, t as never), []],
  ["meanAbsoluteError", (p, t) => nn.losses.meanAbsoluteError(p as never, t as never), []],
  ["huber", (p, t, o) => nn.losses.huber(p as never, t as never, o as never), ["delta"]],
  ["hinge", (p, t) => nn.losses.hinge(p as never, t as never), []],
  ["squaredHinge", (p, t) => nn.losses.squaredHinge(p as never, t as never), []],
  ["klDivergence", (p, t) => nn.losses.klDivergence(p as never, t as never), []],
  [
    "binaryCrossEntropyFromLogits",
    (p, t, o) => nn.losses.binaryCrossEntropyFromLogits(p as never, t as never, o as never),
    ["labelSmoothing", "classWeights"],
  ],
  [
    "softmaxCrossEntropyFromLogits",
    (p, t, o) => nn.losses.softmaxCrossEntropyFromLogits(p as never, t as never, o as never),
    ["labelSmoothing", "classWeights"],
  ],
];

describe("losses", () => {
  it.each(losses)("%s: random and hostile shapes; a finite loss from finite input", (_name, loss, names) => {
    check(
      fc.property(tensorLike, tensorLike, optionsOf(names), (predictions, targets, options) => {
        const outcome = expectDescentOutcome(
          () => loss(predictions, targets, options) as { value: TensorLike },
        );
        if (outcome.ok) {
          const operand = isFiniteTensor(predictions) || Number.isFinite(predictions);
          // int32 targets are class labels, which the classification losses read.
          const labels = (targets as TensorLike<DType>).data instanceof Int32Array;
          expect(operand && (isFiniteTensor(targets) || labels), "accepted only tensors").toBe(true);
          expect(allFinite(outcome.value.value.data), "finite loss").toBe(true);
        }
      }),
      500,
    );
  });
});

describe("int32 class labels", () => {
  const labelled = fc
    .record({ rows: fc.integer({ min: 1, max: 6 }), classes: fc.integer({ min: 2, max: 5 }) })
    .chain(({ rows, classes }) =>
      fc.record({
        classes: fc.constant(classes),
        logits: fc.array(fc.double({ min: -20, max: 20, noNaN: true }), {
          minLength: rows * classes,
          maxLength: rows * classes,
        }),
        labels: fc.array(fc.integer({ min: -2, max: classes + 1 }), { minLength: rows, maxLength: rows }),
        column: fc.boolean(),
      }),
    );
  const classification: [string, (p: TensorLike, t: TensorLike<DType>) => unknown][] = [
    [
      "softmaxCrossEntropyFromLogits",
      (p, t) => Array.from(nn.losses.softmaxCrossEntropyFromLogits(p, t).value.data),
    ],
    ["accuracy", (p, t) => nn.metrics.accuracy(p, t)],
    ["topKAccuracy", (p, t) => nn.metrics.topKAccuracy(p, t, { k: 2 })],
    ["precision", (p, t) => nn.metrics.precision(p, t)],
    ["recall", (p, t) => nn.metrics.recall(p, t)],
    ["f1Score", (p, t) => nn.metrics.f1Score(p, t)],
    ["confusionMatrix", (p, t) => nn.metrics.confusionMatrix(p, t).toNested()],
  ];

  it("losses and metrics accept valid int32 labels as their float form and name an out-of-range one", () => {
    check(
      fc.property(
        labelled,
        fc.constantFrom(...classification),
        ({ classes, logits, labels, column }, [name, call]) => {
          const rows = labels.length;
          const shape = column ? [rows, 1] : [rows];
          const predictions = new Tensor(Float32Array.from(logits), [rows, classes]);
          const intLabels = new Tensor(Int32Array.from(labels), shape);
          const bad = labels.findIndex((label) => label < 0 || label >= classes);
          const outcome = expectDescentOutcome(() => call(predictions, intLabels), {
            names: bad < 0 ? [] : [name, String(labels[bad])],
          });
          if (bad < 0) {
            expect(outcome.ok, `${name} refused valid int32 labels`).toBe(true);
            if (outcome.ok) {
              expect(outcome.value).toEqual(call(predictions, new Tensor(Float32Array.from(labels), shape)));
            }
          } else {
            expect(outcome.ok, `${name} accepted label ${labels[bad]} for ${classes} classes`).toBe(false);
            if (!outcome.ok) {
              expect(outcome.error).toBeInstanceOf(ValueError);
              expect(outcome.error.message).toContain(`${labels[bad]}`);
              expect(outcome.error.message).toMatch(new RegExp(`\\b${bad}\\b`));
            }
          }
        },
      ),
      700,
    );
  });

  it("float-only losses, layers and inputs refuse int32 tensors with a DTypeError naming cast", () => {
    const floatOnly: [string, (t: TensorLike<DType>) => unknown][] = [
      [
        "meanSquaredError",
        (t) => nn.losses.meanSquaredError(new Tensor(new Float32Array(t.data.length), t.shape), t as never),
      ],
      ["huber", (t) => nn.losses.huber(new Tensor(new Float32Array(t.data.length), t.shape), t as never)],
      [
        "klDivergence",
        (t) => nn.losses.klDivergence(new Tensor(new Float32Array(t.data.length), t.shape), t as never),
      ],
      [
        "logits",
        (t) =>
          nn.losses.softmaxCrossEntropyFromLogits(
            t as never,
            new Tensor(new Int32Array(t.shape[0] ?? 1), [t.shape[0] ?? 1]),
          ),
      ],
      [
        "predict",
        (t) =>
          nn.predict(
            nn.sequential([nn.dense(t.shape[1] ?? 1, 2)]),
            nn.sequential([nn.dense(t.shape[1] ?? 1, 2)]).init(0),
            t as never,
          ),
      ],
      ["accuracy predictions", (t) => nn.metrics.accuracy(t as never, t)],
    ];
    check(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: -5, max: 5 }),
        fc.constantFrom(...floatOnly),
        (rows, columns, value, [name, call]) => {
          const t = new Tensor(new Int32Array(rows * columns).fill(value), [rows, columns]);
          const outcome = expectDescentOutcome(() => call(t), { names: ["cast(", "int32"] });
          expect(outcome.ok, `${name} accepted an int32 tensor`).toBe(false);
          if (!outcome.ok) expect(outcome.error.name, name).toBe("DTypeError");
        },
      ),
      300,
    );
  });
});

const metricFunctions: [string, (p: unknown, t: unknown, o: unknown) => unknown, string[]][] = [
  ["accuracy", (p, t, o) => nn.metrics.accuracy(p as never, t as never, o as never), ["threshold"]],
  ["topKAccuracy", (p, t, o) => nn.metrics.topKAccuracy(p as never, t as never, o as never), ["k"]],
  [
    "precision",
    (p, t, o) => nn.metrics.precision(p as never, t as never, o as never),
    ["threshold", "average", "positiveClass"],
  ],
  [
    "recall",
    (p, t, o) => nn.metrics.recall(p as never, t as never, o as never),
    ["threshold", "average", "positiveClass"],
  ],
  [
    "f1Score",
    (p, t, o) => nn.metrics.f1Score(p as never, t as never, o as never),
    ["threshold", "average", "positiveClass"],
  ],
  ["rocAuc", (p, t) => nn.metrics.rocAuc(p as never, t as never), []],
  ["prAuc", (p, t) => nn.metrics.prAuc(p as never, t as never), []],
  ["meanSquaredError", (p, t) => nn.metrics.meanSquaredError(p as never, t as never), []],
  ["meanAbsoluteError", (p, t) => nn.metrics.meanAbsoluteError(p as never, t as never), []],
  ["r2", (p, t) => nn.metrics.r2(p as never, t as never), []],
  [
    "confusionMatrix",
    (p, t, o) => nn.metrics.confusionMatrix(p as never, t as never, o as never),
    ["threshold", "classes"],
  ],
  ["toMetric", (p) => nn.metrics.toMetric(p as never), []],
  ["formatConfusionMatrix", (p, t) => nn.metrics.formatConfusionMatrix(p as never, t as never), []],
];

describe("metrics", () => {
  it.each(metricFunctions)(
    "%s: random and hostile shapes; a finite value from finite input",
    (_name, metric, names) => {
      check(
        fc.property(
          fc.oneof(tensorLike, adversarialValue),
          tensorLike,
          optionsOf(names),
          (predictions, targets, options) => {
            const outcome = expectDescentOutcome(() => metric(predictions, targets, options));
            if (outcome.ok && typeof outcome.value === "number")
              expect(Number.isFinite(outcome.value), "finite metric").toBe(true);
            if (outcome.ok && outcome.value instanceof Tensor)
              expect(allFinite(outcome.value.data)).toBe(true);
            unpolluted();
          },
        ),
        400,
      );
    },
  );
});

// ---------- fit, evaluate, predict ----------

const model = nn.sequential([nn.dense(2, 3), "relu", nn.dense(3, 2)]);
const params = model.init(0);
const goodData = {
  inputs: new Tensor(Float32Array.from([0, 1, 1, 0, 0.5, 0.5, -1, 2]), [4, 2]),
  targets: new Tensor(Float32Array.from([0, 1, 1, 0]), [4]),
};
const dataArbitrary = fc.oneof(
  { weight: 4, arbitrary: fc.constant(goodData as unknown) },
  { weight: 3, arbitrary: fc.record({ inputs: tensorLike, targets: tensorLike }) },
  { weight: 1, arbitrary: adversarialValue },
);

/** fit options with small training budgets: valid huge epoch counts would run long, not fail. */
const fitValue = fc.oneof(
  adversarialValue.filter((value) => !(typeof value === "number" && Number.isInteger(value) && value > 3)),
  fc.constantFrom<unknown>(
    [42],
    [{}],
    [{ name: "x", onStepEnd: 1 }],
    ["accuracy"],
    ["constructor"],
    [{ apply: () => ({}) }],
  ),
);
const FIT_KEYS = [
  "optimizer",
  "loss",
  "epochs",
  "mode",
  "batchSize",
  "shuffle",
  "seed",
  "metrics",
  "stepMetrics",
  "trainingMetrics",
  "regularizers",
  "constraints",
  "callbacks",
  "nonFiniteGuard",
  "evaluationBatchSize",
  "validationData",
  "state",
  "epoch",
  "__proto__",
  "constructor",
];
/** Valid options that train (small budgets), then up to two keys replaced by adversarial values. */
const fitOptions = fc
  .tuple(
    fc.record(
      {
        optimizer: fc.constant(sgd({ learningRate: 0.1 }) as unknown),
        loss: fc.constantFrom<unknown>("softmaxCrossEntropyFromLogits", (p: never, t: never) =>
          nn.losses.softmaxCrossEntropyFromLogits(p, t),
        ),
        epochs: fc.integer({ min: 0, max: 2 }),
        batchSize: fc.integer({ min: 1, max: 5 }),
        shuffle: fc.boolean(),
        seed: fc.integer({ min: -3, max: 3 }),
        metrics: fc.constantFrom<unknown>(["accuracy"], [], ["f1Score", "precision"]),
        stepMetrics: fc.boolean(),
        validationData: fc.constant(goodData as unknown),
      },
      { requiredKeys: ["optimizer", "loss"] },
    ),
    fc.array(fc.tuple(fc.constantFrom(...FIT_KEYS), fc.oneof(fitValue, dataArbitrary)), { maxLength: 2 }),
  )
  .map(([options, changes]) => {
    const result: Record<string, unknown> = { ...options };
    for (const [key, value] of changes) {
      Object.defineProperty(result, key, { value, enumerable: true, configurable: true, writable: true });
    }
    return result;
  });

let trained = 0;
afterAll(() => {
  console.log(`nn fuzz: ${trained} fit calls trained (the rest were refused with a typed error)`);
});

describe("fit, evaluate, predict", () => {
  it("fit: hostile options and data; finite parameters from finite data", () => {
    check(
      fc.property(
        fc.oneof({ weight: 6, arbitrary: fc.constant(goodData as unknown) }, dataArbitrary),
        fitOptions,
        (data, options) => {
          const outcome = expectDescentOutcome(() => nn.fit(model, params, data as never, options as never));
          if (outcome.ok) {
            trained++;
            expect(treeFinite(outcome.value.params)).toBe(true);
          }
          unpolluted();
        },
      ),
      600,
    );
  });

  it("names from outside (losses, metrics, layer types) resolve among own keys only", () => {
    const names = fc.oneof(
      fc.constantFrom(
        ...Object.getOwnPropertyNames(Object.prototype),
        "__proto__",
        "prototype",
        "accuracy",
        "hinge",
        "dense",
      ),
      fc.string({ maxLength: 12 }),
    );
    check(
      fc.property(names, (name) => {
        const base = { optimizer: sgd({ learningRate: 0.1 }), epochs: 1 };
        const fitted = expectDescentOutcome(
          () => nn.fit(model, params, goodData, { ...base, loss: name as never }),
          {
            names: ["options.loss", "predictions"],
          },
        );
        if (fitted.ok) expect(["softmaxCrossEntropyFromLogits"]).toContain(name);
        expectDescentOutcome(() => nn.evaluate(model, params, goodData, { metrics: [name as never] }), {
          names: ["metric"],
        });
        expectDescentOutcome(() => nn.modelFromConfig({ type: name }), {
          names: [
            "layer type",
            "config",
            "inputSize",
            "features",
            "rate",
            "activation",
            "inChannels",
            "poolSize",
            "layers",
          ],
        });
        unpolluted();
      }),
      300,
    );
  });

  it("parseTrainingCheckpoint: any JSON-like value, deep or cyclic", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.history = cyclic;
    check(
      fc.property(fc.oneof(fc.anything({ maxDepth: 4 }), fc.constant(cyclic as unknown)), (value) => {
        expectDescentOutcome(() => nn.parseTrainingCheckpoint(value, "test"), { names: ["checkpoint"] });
        unpolluted();
      }),
      300,
    );
  });

  it("evaluate and predict: hostile options and data", () => {
    check(
      fc.property(dataArbitrary, optionsOf(["batchSize", "state", "loss", "metrics"]), (data, options) => {
        const evaluated = expectDescentOutcome(() =>
          nn.evaluate(model, params, data as never, options as never),
        );
        if (evaluated.ok) {
          for (const value of Object.values(evaluated.value))
            expect(Number.isFinite(value) || Number.isNaN(value)).toBe(true);
        }
        const inputs =
          typeof data === "object" && data !== null ? (data as { inputs?: unknown }).inputs : data;
        const predicted = expectDescentOutcome(() =>
          nn.predict(model, params, inputs as never, options as never),
        );
        if (predicted.ok && isFiniteTensor(inputs)) expect(allFinite(predicted.value.data)).toBe(true);
        unpolluted();
      }),
      300,
    );
  });

  it("fit resume: every checkpoint field replaced by an adversarial value", () => {
    let saved: nn.TrainingCheckpoint | undefined;
    const options = {
      optimizer: sgd({ learningRate: 0.1 }),
      loss: "softmaxCrossEntropyFromLogits" as const,
      epochs: 2,
      batchSize: 2,
    };
    nn.fit(model, params, goodData, {
      ...options,
      callbacks: [{ name: "s", onStepEnd: (c) => void (c.step === 3 && (saved = c.checkpoint())) }],
    });
    const checkpoint = saved as unknown as Record<string, unknown>;
    const fields = [...Object.keys(checkpoint), "__proto__", "constructor"];
    check(
      fc.property(
        fc.constantFrom(...fields),
        fc.oneof(
          adversarialValue,
          fc.constantFrom<unknown>([0, 0, 0, 0], [1, 2, 3], { epochs: [], steps: {} }, { __proto__: 1 }),
        ),
        (field, value) => {
          const resume = { ...checkpoint };
          Object.defineProperty(resume, field, {
            value,
            enumerable: true,
            configurable: true,
            writable: true,
          });
          const outcome = expectDescentOutcome(() =>
            nn.fit(model, params, goodData, { ...options, resume: resume as never }),
          );
          if (outcome.ok) expect(treeFinite(outcome.value.params)).toBe(true);
          unpolluted();
        },
      ),
      300,
    );
  });
});

// ---------- callbacks and initializers ----------

describe("callbacks and initializers", () => {
  const callbackFactories: [string, (o: unknown) => nn.Callback, string[]][] = [
    [
      "earlyStopping",
      (o) => nn.earlyStopping(o as never),
      ["monitor", "mode", "patience", "minDelta", "restoreBestWeights"],
    ],
    [
      "reduceOnPlateau",
      (o) => nn.reduceOnPlateau(o as never),
      ["monitor", "mode", "factor", "patience", "minDelta", "cooldown", "minScale"],
    ],
    ["learningRateScheduler", (o) => nn.learningRateScheduler(o as never), []],
    ["checkpoint", (o) => nn.checkpoint(o as never), ["everySteps", "save"]],
  ];
  it.each(callbackFactories)("%s: adversarial options and restored state", (_name, build, names) => {
    check(
      fc.property(
        optionsOf(names),
        fc.oneof(
          adversarialValue,
          fc.dictionary(
            fc.constantFrom("best", "bestEpoch", "wait", "cooldownCounter", "bestParams", "bestState"),
            adversarialValue,
          ),
        ),
        (options, state) => {
          const built = expectDescentOutcome(() => build(options));
          if (built.ok && built.value.setState) expectDescentOutcome(() => built.value.setState!(state));
          unpolluted();
        },
      ),
      150,
    );
  });

  const initializerFactories = Object.entries(nn.initializers).filter(
    ([name]) => !["calculateGain", "computeFans"].includes(name),
  ) as [string, (o: unknown) => unknown][];
  it.each(initializerFactories)("%s: adversarial options and shapes; finite values", (_name, factory) => {
    const shapes = fc.oneof(
      shapeArbitrary as fc.Arbitrary<unknown>,
      fc.constantFrom<unknown>([-1, 2], [2.5], [1e5, 1e5], "3", null, [Number.NaN], [2 ** 53]),
    );
    check(
      fc.property(
        optionsOf(["low", "high", "mean", "std", "gain", "mode", "nonlinearity", "negativeSlope"]),
        shapes,
        (options, shape) => {
          const built = expectDescentOutcome(() => factory(options) as nn.initializers.Initializer);
          if (!built.ok || typeof built.value !== "function") return;
          const made = expectDescentOutcome(() => built.value(createRandom(0), shape as never));
          if (made.ok) expect(allFinite(made.value.data)).toBe(true);
        },
      ),
      120,
    );
  });

  it("calculateGain and computeFans", () => {
    check(
      fc.property(adversarialValue, adversarialValue, (a, b) => {
        const gain = expectDescentOutcome(() => nn.initializers.calculateGain(a as never, b as never));
        if (gain.ok) expect(Number.isFinite(gain.value)).toBe(true);
        expectDescentOutcome(() => nn.initializers.computeFans(a as never));
      }),
      200,
    );
  });
});
