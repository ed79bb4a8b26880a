// Why this exists: a model made of your own layers and activations must load again (Keras's
// `custom_objects`), the registry is looked up like every name from outside (own keys, no built-in
// shadowing), and a missing piece is an error that names it and where to pass it.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineActivation } from "@descent/activations";
import { add, mul, type Operand, type Traced } from "@descent/autodiff";
import { createRandom, normal, Tensor, ValueError } from "@descent/tensor";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { expectDescentOutcome } from "../../../../fuzz.shared";
import { loadModel, saveModel } from "../node.js";
import {
  dense,
  type Layer,
  type LayerConfig,
  layerFromConfig,
  modelFromConfig,
  sequential,
} from "./index.js";

const root = mkdtempSync(join(tmpdir(), "descent-custom-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** y = x ⊙ scale + shift, per feature. */
function scaleShift(features: number, options: { readonly name?: string } = {}): Layer {
  return {
    type: "scaleShift",
    name: options.name,
    hasParams: true,
    hasState: false,
    config: { type: "scaleShift", name: options.name, features },
    init: (_random, dtype = "float32") => ({
      scale: new Tensor(
        dtype === "float64" ? new Float64Array(features).fill(1) : new Float32Array(features).fill(1),
        [features],
      ),
      shift: new Tensor(dtype === "float64" ? new Float64Array(features) : new Float32Array(features), [
        features,
      ]),
    }),
    initState: () => ({}),
    apply: (params, input: Operand): Traced =>
      add(mul(input, params.scale as Operand), params.shift as Operand),
    outputShape: (shape) => [...shape],
  };
}
const scaleShiftFromConfig = (config: LayerConfig) =>
  scaleShift(config.features as number, { name: config.name });

/** f(x) = x³ (odd, smooth): enough to tell it from every built-in. */
const cube = (options: { readonly unused?: number } = {}) =>
  defineActivation(
    "cube",
    { unused: options.unused ?? 0 },
    {
      value: (x) => x * x * x,
      derivative: (x) => 3 * x * x,
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = input[i]! ** 3;
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++) gradientInput[i] = gradientOutput[i]! * 3 * input[i]! ** 2;
      },
    },
  );

const model = sequential([dense(3, 4), cube({ unused: 2 }), scaleShift(4), dense(4, 2)]);
const params = model.init(createRandom(3), "float64");
const x = normal(createRandom(4), [5, 3], { dtype: "float64" });
const outputOf = (m: Layer, p = params) => Array.from(m.apply(p, x).value.data);
const custom = { layers: { scaleShift: scaleShiftFromConfig }, activations: { cube } };

function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

describe("modelFromConfig with custom pieces", () => {
  it("rebuilds a model of custom layers and activations that computes the same bits and saves the same config", () => {
    const rebuilt = modelFromConfig(model.config, { custom });
    expect(rebuilt.config).toEqual(model.config);
    expect(outputOf(rebuilt)).toEqual(outputOf(model));
    expect(rebuilt.layerNames).toEqual(["dense_1", "activation_1", "scaleShift_1", "dense_2"]);
  });

  it("accepts Maps and null-prototype records", () => {
    const maps = {
      layers: new Map([["scaleShift", scaleShiftFromConfig]]),
      activations: new Map([["cube", cube]]),
    };
    expect(outputOf(modelFromConfig(model.config, { custom: maps }))).toEqual(outputOf(model));
    const records = {
      layers: Object.assign(Object.create(null), { scaleShift: scaleShiftFromConfig }),
      activations: Object.assign(Object.create(null), { cube }),
    };
    expect(outputOf(modelFromConfig(model.config, { custom: records }))).toEqual(outputOf(model));
  });

  it("names a missing layer type and where to pass it", () => {
    const error = thrown(() => modelFromConfig(model.config, { custom: { activations: { cube } } }));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toBe(
      'modelFromConfig: the config uses unknown layer type "scaleShift", which is not built in: pass its factory in options.custom.layers (see docs/extending.md#layers); the built-in types are dense, activation, flatten, dropout, softmax, batchNorm, layerNorm, conv2d, maxPool2d, avgPool2d, globalAveragePool2d, sequential',
    );
  });

  it("names a missing activation and where to pass it", () => {
    const error = thrown(() => layerFromConfig(model.config, { custom: { layers: custom.layers } }));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toBe(
      'layerFromConfig: the config uses activation "cube", which is not built in: pass its factory in options.custom.activations (see docs/extending.md#activations)',
    );
  });

  it("refuses custom names that shadow built-ins", () => {
    expect(
      thrown(() => modelFromConfig(model.config, { custom: { layers: { dense: scaleShiftFromConfig } } }))
        .message,
    ).toMatch(
      /options\.custom\.layers\["dense"\]: "dense" is a built-in layer type.*give yours another name/,
    );
    expect(
      thrown(() => modelFromConfig(model.config, { custom: { activations: { relu: cube } } })).message,
    ).toMatch(/options\.custom\.activations\["relu"\]: "relu" is a built-in activation/);
  });

  it("looks names up as own keys only: prototype names are unknown, not Object.prototype members", () => {
    for (const type of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const error = thrown(() => modelFromConfig({ type }, { custom }));
      expect(error).toBeInstanceOf(ValueError);
      expect(error.message).toContain(`unknown layer type "${type}"`);
    }
    const activationConfig = { type: "activation", activation: { name: "constructor", options: {} } };
    expect(thrown(() => modelFromConfig(activationConfig, { custom })).message).toContain(
      'uses activation "constructor", which is not built in',
    );
  });

  it("rejects a malformed registry, naming the entry", () => {
    const cases: [unknown, RegExp][] = [
      [{ layer: {} }, /options\.custom has an unknown key "layer" \(did you mean "layers"\?\)/],
      [
        { layers: [scaleShiftFromConfig] },
        /options\.custom\.layers is an array of length 1: pass a Map or an object/,
      ],
      [
        { layers: { scaleShift: 3 } },
        /options\.custom\.layers\["scaleShift"\] is 3: pass a factory \(config, build\) => layer/,
      ],
      [
        { activations: new Map([[7, cube]]) },
        /options\.custom\.activations has the key 7: names are non-empty strings/,
      ],
      ["cube", /options\.custom is "cube"/],
    ];
    for (const [registry, message] of cases) {
      const error = thrown(() => modelFromConfig(model.config, { custom: registry as never }));
      expect(error).toBeInstanceOf(ValueError);
      expect(error.message).toMatch(message);
    }
    expect(thrown(() => modelFromConfig(model.config, custom as never)).message).toMatch(
      /options has an unknown key "layers"/,
    );
  });

  it("checks what a factory returns and wraps what it throws", () => {
    const wrongType = { ...custom, layers: { scaleShift: () => dense(4, 4) } };
    expect(thrown(() => modelFromConfig(model.config, { custom: wrongType })).message).toMatch(
      /options\.custom\.layers\["scaleShift"\] returned a layer of type "dense": it must rebuild a layer of type "scaleShift"/,
    );
    const notALayer = { ...custom, layers: { scaleShift: () => ({}) as Layer } };
    expect(thrown(() => modelFromConfig(model.config, { custom: notALayer })).message).toMatch(
      /returned an object: a factory returns a layer/,
    );
    const renamed = { ...custom, activations: { cube: () => defineActivation("cubed", {}, cube()) } };
    expect(thrown(() => modelFromConfig(model.config, { custom: renamed })).message).toMatch(
      /options\.custom\.activations\["cube"\] returned an activation named "cubed": it must return an activation named "cube"/,
    );
    const failing = {
      ...custom,
      layers: {
        scaleShift: () => {
          throw new TypeError("features.map is not a function");
        },
      },
    };
    const error = thrown(() => modelFromConfig(model.config, { custom: failing }));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(
      /options\.custom\.layers\["scaleShift"\] threw while rebuilding from its config: features\.map is not a function/,
    );
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});

describe("loadModel with custom pieces", () => {
  const directory = join(root, "custom-model");
  saveModel(directory, { architecture: model.config, params });

  it("loads a saved model of custom pieces, which predicts the same bits", () => {
    const loaded = loadModel(directory, { custom });
    expect(loaded.model!.config).toEqual(model.config);
    expect(outputOf(loaded.model!, loaded.params)).toEqual(outputOf(model));
  });

  it("says which piece is missing and where to pass it", () => {
    const error = thrown(() => loadModel(directory));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(
      /^loadModel: the saved model uses activation "cube", which is not built in: pass its factory in options\.custom\.activations \(see docs\/extending\.md#activations\)$/,
    );
    expect(thrown(() => loadModel(directory, { custom: { activations: { cube } } })).message).toMatch(
      /^loadModel: the saved model uses unknown layer type "scaleShift", which is not built in: pass its factory in options\.custom\.layers \(see docs\/extending\.md#layers\)/,
    );
  });

  it("checks its options before reading any file", () => {
    expect(
      thrown(() => loadModel(join(root, "missing"), { custom: { layers: 1 } as never })).message,
    ).toMatch(/^loadModel: options\.custom\.layers is 1/);
    expect(thrown(() => loadModel(directory, { customs: custom } as never)).message).toMatch(
      /^loadModel: options has an unknown key "customs" \(did you mean "custom"\?\)/,
    );
  });
});

describe("hostile registries and configs", () => {
  it("give a model or a typed error naming what is wrong, and never touch Object.prototype", () => {
    const name = fc.constantFrom(
      "scaleShift",
      "cube",
      "dense",
      "relu",
      "constructor",
      "__proto__",
      "toString",
      "",
    );
    const factory = fc.constantFrom<unknown>(
      scaleShiftFromConfig,
      cube,
      () => dense(4, 4),
      () => ({}),
      () => null,
      () => {
        throw new TypeError("boom");
      },
      3,
      null,
      "cube",
    );
    const entries = fc.array(fc.tuple(name, factory), { maxLength: 3 });
    const registry = fc.oneof(
      fc.constant(undefined),
      entries.map((list) => new Map(list)),
      entries.map((list) => Object.fromEntries(list)),
      entries.map((list) => JSON.parse(`{${list.map(([key]) => `${JSON.stringify(key)}: 1`).join(",")}}`)),
      fc.anything(),
    );
    const custom = fc.oneof(
      fc.record({ layers: registry, activations: registry }, { requiredKeys: [] }),
      fc.anything(),
    );
    const layerConfig = fc.oneof(
      fc.record({ type: name, features: fc.oneof(fc.constant(4), fc.anything()) }),
      fc.record({
        type: fc.constant("activation"),
        activation: fc.record({ name, options: fc.constant({}) }),
      }),
      fc.constant(model.config.layers as never),
    );
    const config = fc.oneof(
      layerConfig,
      fc.array(layerConfig, { minLength: 1, maxLength: 3 }).map((layers) => ({ type: "sequential", layers })),
    );
    fc.assert(
      fc.property(config, custom, (value, registryValue) => {
        expectDescentOutcome(
          () => modelFromConfig(value as LayerConfig, { custom: registryValue as never }),
          {
            names: ["options", "layer type", "activation", "config", "features", "layers"],
          },
        );
        expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
