// Why this exists: exportOnnx, given random or adversarial input (parameter trees with missing, misshapen
// or lying tensors, `__proto__` keys, junk options, junk models and layers with junk configs), must return
// ONNX bytes or throw a typed descent error naming what is wrong (fuzz.shared.ts) — never a raw TypeError.
// Fixed seed; the suite prints how many cases it ran.

import { batchNorm, conv2d, dense, dropout, flatten, type Layer, maxPool2d, sequential } from "@descent/nn";
import type { ParamTree } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adversarialOptions, expectDescentOutcome, fuzzSuite } from "../../../fuzz.shared";
import * as api from "./index.js";

const { check } = fuzzSuite("onnx");

const adversarialValue = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    0,
    -1,
    0.5,
    1,
    3,
    16,
    20,
    1e9,
    "20",
    "",
    "input",
    "output",
    null,
    undefined,
    true,
    [],
    [0],
    [3],
    [4, 4, 1],
    [2.5],
    [-1, 3],
    {},
    { dense_1: {} },
    10n,
    () => 1,
  ),
  fc.integer({ min: -3, max: 25 }),
);

const OPTION_NAMES = ["inputShape", "state", "opset", "batchSize", "inputName", "outputName"];
const options = adversarialOptions(
  fc.dictionary(fc.constantFrom(...OPTION_NAMES), adversarialValue, { maxKeys: 4 }),
  adversarialValue,
  { inputshape: [3] },
);

/** A tensor, or something shaped like one that lies: wrong shape, too few elements, not a typed array. */
const tensorOrLie = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
    .map(([rows, columns]) => new Tensor(new Float32Array(rows * columns).fill(0.5), [rows, columns])),
  fc.integer({ min: 1, max: 4 }).map((size) => new Tensor(new Float64Array(size), [size])),
  fc.constant({ shape: [3, 4], dtype: "float32", data: new Float32Array(2) }),
  fc.constant({ shape: [4], dtype: "int32", data: new Int32Array(4) }),
  fc.constant({ shape: "4", dtype: "float32", data: [1, 2, 3, 4] }),
  adversarialValue,
);

const models = [
  sequential([dense(3, 4), "relu", dropout(0.1), dense(4, 2)]),
  sequential([conv2d(1, 2, 3), maxPool2d(2), batchNorm(2), flatten(), dense(2, 2)]),
  sequential([batchNorm(4), "gelu", "softmax"]),
];

const LAYER_NAMES = ["dense_1", "dense_2", "conv2d_1", "batchNorm_1", "__proto__", "constructor"];
const KEYS = ["weights", "bias", "gamma", "beta", "runningMean", "runningVariance", "__proto__"];
const tree: fc.Arbitrary<unknown> = fc.oneof(
  // Real parameter trees (of one of the models, so often of another), so some exports succeed.
  fc.constantFrom(...models.map((model) => model.init(0))),
  fc.dictionary(
    fc.constantFrom(...LAYER_NAMES),
    fc.oneof(fc.dictionary(fc.constantFrom(...KEYS), tensorOrLie, { maxKeys: 4 }), tensorOrLie),
    { maxKeys: 4 },
  ),
  adversarialValue,
);

/** A layer as a hand-written one may look: a known type with a junk config. */
const junkLayer: fc.Arbitrary<Layer> = fc
  .record({
    type: fc.constantFrom("dense", "conv2d", "maxPool2d", "batchNorm", "layerNorm", "activation", "custom"),
    config: fc.dictionary(
      fc.constantFrom(
        "inputSize",
        "outputSize",
        "kernelSize",
        "strides",
        "poolSize",
        "features",
        "epsilon",
        "activation",
        "useBias",
      ),
      fc.oneof(adversarialValue, fc.constant({ name: "relu", options: null }), fc.constant({ name: 3 })),
      { maxKeys: 5 },
    ),
  })
  .map(({ type, config }) => ({
    type,
    name: undefined,
    hasParams: false,
    hasState: false,
    config: { ...config, type },
    init: () => ({}),
    initState: () => ({}),
    apply: (_params, input) => input as never,
    outputShape: (shape) => [...shape],
  }));

describe("onnx fuzz", () => {
  it("exportOnnx: models with random and hostile parameters, state and options", () => {
    let exported = 0;
    check(
      fc.property(fc.constantFrom(...models), tree, options, (model, params, opts) => {
        const outcome = expectDescentOutcome(
          () => api.exportOnnx(model, params as ParamTree, opts as never),
          {
            check: (bytes) => (bytes instanceof Uint8Array && bytes.length > 0) || "no bytes",
          },
        );
        if (outcome.ok) exported++;
        expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      }),
      300,
    );
    expect(exported).toBeGreaterThan(0);
  });

  it("exportOnnx: hand-written layers with junk configs, and junk models", () => {
    check(
      fc.property(junkLayer, tree, (layer, params) => {
        expectDescentOutcome(() =>
          api.exportOnnx(sequential([layer]), params as ParamTree, { inputShape: [4, 4, 1] }),
        );
      }),
      300,
    );
    check(
      fc.property(adversarialValue, tree, (model, params) => {
        expectDescentOutcome(() => api.exportOnnx(model as never, params as ParamTree), {
          names: ["model", "params"],
        });
      }),
      100,
    );
  });

  it("covers every exported function", () => {
    const exported = Object.entries(api)
      .filter(
        ([, value]) =>
          typeof value === "function" && !/^[A-Z]/.test(String((value as { name?: string }).name)),
      )
      .map(([name]) => name);
    expect(exported).toEqual(["exportOnnx"]);
  });
});
