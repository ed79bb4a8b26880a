import type { GradientTransformation, ParamTree } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { adam, adamax, adamw, amsgrad, lion, nadam, radam } from "../aliases/adam-family.js";
import { adadelta, adagrad, rmsprop } from "../aliases/adaptive.js";
import { momentum, nesterov, sgd } from "../aliases/sgd.js";
import { accumulateGradients } from "../combine/accumulate-gradients.js";
import { applyIfFinite } from "../combine/apply-if-finite.js";
import { chain } from "../combine/chain.js";
import { injectHyperparams } from "../combine/inject-hyperparams.js";
import { masked } from "../combine/masked.js";
import { cosineDecay } from "../schedules/cosine.js";
import { vector } from "../test-helpers.js";
import { clipByGlobalNorm } from "../transforms/clip.js";
import { addDecayedWeights } from "../transforms/weight-decay.js";
import { applyUpdates } from "../tree/tree.js";
import { createOptimizer } from "./create-optimizer.js";
import { deserializeState, serializeState } from "./serialize.js";

const optimizers: [string, () => GradientTransformation<unknown>][] = [
  ["sgd", () => sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ["momentum", () => momentum({ learningRate: 0.05 })],
  ["nesterov", () => nesterov({ learningRate: 0.05 })],
  ["adagrad", () => adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.1 })],
  ["rmsprop", () => rmsprop({ learningRate: 0.01, centered: true, momentum: 0.5 })],
  ["adadelta", () => adadelta()],
  ["adam", () => adam({ learningRate: cosineDecay({ initialValue: 0.01, decaySteps: 20 }) })],
  ["adamw", () => adamw({ learningRate: 0.01, mask: (path) => path.at(-1) !== "bias" })],
  ["amsgrad", () => amsgrad({ learningRate: 0.01 })],
  ["adamax", () => adamax()],
  ["nadam", () => nadam()],
  ["radam", () => radam({ learningRate: 0.01 })],
  ["lion", () => lion({ learningRate: 0.001, weightDecay: 0.1 })],
  [
    "masked",
    () =>
      chain(
        clipByGlobalNorm(1),
        masked(addDecayedWeights(0.1), { layer: { weights: true, bias: false } }),
        adam(),
      ),
  ],
  ["injectHyperparams", () => injectHyperparams((h) => adam(h), { learningRate: 0.01, beta1: 0.8 })],
  ["accumulateGradients", () => accumulateGradients(3, adam())],
  ["applyIfFinite", () => applyIfFinite(rmsprop())],
];

/** A small model's gradient at step t: deterministic, depends on the parameters (so any state error shows). */
function gradientAt(params: ParamTree, step: number): ParamTree {
  const layer = params.layer as { weights: Tensor; bias: Tensor };
  const weights = layer.weights.data.map((w, i) => Math.sin(step + i) + 0.5 * w);
  const bias = layer.bias.data.map((b) => Math.cos(step) - b);
  return {
    layer: {
      weights: new Tensor(weights, layer.weights.shape),
      bias: new Tensor(bias, layer.bias.shape),
    },
  };
}

function initialParams(dtype: "float32" | "float64"): ParamTree {
  return {
    layer: {
      weights: new Tensor(
        dtype === "float32"
          ? new Float32Array([0.3, -1.2, 0.7, 2.1])
          : new Float64Array([0.3, -1.2, 0.7, 2.1]),
        [2, 2],
      ),
      bias: vector([0.1, -0.1], dtype),
    },
  };
}

function train<State>(
  optimizer: GradientTransformation<State>,
  params: ParamTree,
  state: State,
  from: number,
  to: number,
) {
  for (let step = from; step < to; step++) {
    const { updates, state: next } = optimizer.update(gradientAt(params, step), state, params);
    params = applyUpdates(params, updates);
    state = next;
  }
  return { params, state };
}

function flatValues(params: ParamTree): number[] {
  const layer = params.layer as { weights: Tensor; bias: Tensor };
  return [...layer.weights.data, ...layer.bias.data];
}

describe("state round-trips through JSON and training resumes bit-identically", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it.each(optimizers)(`%s (${dtype})`, (_, make) => {
      const optimizer = make();
      const start = initialParams(dtype);
      const straight = train(optimizer, start, optimizer.init(start), 0, 10);

      const half = train(optimizer, start, optimizer.init(start), 0, 5);
      const text = JSON.stringify({
        params: serializeState(half.params),
        optimizer: serializeState(half.state),
      });
      const saved = JSON.parse(text);
      const params = deserializeState(saved.params, start);
      const restored = deserializeState(saved.optimizer, optimizer.init(start));
      expect(restored).toEqual(half.state);
      const resumed = train(make(), params, restored, 5, 10);

      expect(flatValues(resumed.params)).toEqual(flatValues(straight.params));
      expect(serializeState(resumed.state)).toEqual(serializeState(straight.state));
    });
  }

  it("keeps NaN, ±Infinity, −0 and $-keys exactly", () => {
    const state = {
      count: -0,
      bad: Number.NaN,
      tensor: new Tensor(
        new Float32Array([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0.1]),
        [5],
      ),
      $tensor: { $number: 1 },
      nested: [Number.NEGATIVE_INFINITY, null, true, "text"],
    };
    const restored = deserializeState(JSON.parse(JSON.stringify(serializeState(state))), state);
    expect(restored).toEqual(state);
    expect(Object.is(restored.count, -0)).toBe(true);
    expect(Object.is(restored.tensor.data[3], -0)).toBe(true);
    expect(restored.tensor.data[4]).toBe(Math.fround(0.1));
  });

  it("refuses state that is not plain data, naming the path", () => {
    expect(() => serializeState({ inner: [{ schedule: () => 1 }] })).toThrow(
      new ValueError(
        "serializeState",
        "state.inner[0].schedule is a function: optimizer state must be plain data (numbers, booleans, strings, null, arrays, objects, tensors)",
      ),
    );
    expect(() => serializeState({ map: new Map() })).toThrow(/state.map is a Map object/);
  });

  it("checks a saved state against the optimizer before using it", () => {
    const optimizer = adam();
    const saved = serializeState(optimizer.init({ w: vector([1, 2]) }));
    expect(() => deserializeState(saved, optimizer.init({ w: vector([1, 2, 3]) }))).toThrow(
      /state\[1\].mu.w: saved float64 tensor of shape \[2\] but the optimizer keeps float64 of shape \[3\]/,
    );
    expect(() => deserializeState(saved, optimizer.init({ v: vector([1, 2]) }))).toThrow(
      /state\[1\].mu.v: missing/,
    );
    expect(() => deserializeState(saved, sgd().init({ w: vector([1, 2]) }))).toThrow(ValueError);
    expect(() => deserializeState({ $tensor: { dtype: "int8", shape: [], data: [] } })).toThrow(
      /tensor dtype "int8"/,
    );
  });
});

describe("createOptimizer", () => {
  it("steps, saves and loads; a reloaded optimizer continues bit-identically", () => {
    const start = initialParams("float32");
    const a = createOptimizer(adam({ learningRate: 0.01 }), start);
    for (let step = 0; step < 4; step++) a.step(gradientAt(a.params, step));
    const checkpoint = JSON.stringify({ params: serializeState(a.params), optimizer: a.saveState() });

    const saved = JSON.parse(checkpoint);
    const b = createOptimizer(adam({ learningRate: 0.01 }), deserializeState(saved.params, start));
    b.loadState(saved.optimizer);
    for (let step = 4; step < 8; step++) {
      a.step(gradientAt(a.params, step));
      b.step(gradientAt(b.params, step));
    }
    expect(flatValues(b.params)).toEqual(flatValues(a.params));
    expect(b.state[1].count).toBe(8);
  });
});

describe("state saved before the JSON codec was shared", () => {
  // serializeState's output for this optimizer and these steps, written by the codec it had before
  // @descent/tensor's encodeJson (a `$`-key escaped as `$$`, tensors inline, a null option state).
  const SAVED =
    '{"skippedSteps":1,"consecutiveSkippedSteps":0,"lastStepFinite":true,"inner":[{},{"count":2,"mu":{"w":{"$tensor":{"dtype":"float32","shape":[2],"data":[0.057500001043081284,0.30000001192092896]}},"$$bias":{"$tensor":{"dtype":"float64","shape":[1],"data":[-0.022499999999999996]}}},"nu":{"w":{"$tensor":{"dtype":"float32","shape":[2],"data":[0.00026537501253187656,0.008999999612569809]}},"$$bias":{"$tensor":{"dtype":"float64","shape":[1],"data":[0.00006243750000000006]}}},"nuMax":null},{"count":2}]}';

  it("loads bit for bit, and today's serializeState writes the same JSON", () => {
    const optimizer = applyIfFinite(adam({ learningRate: 0.1 }));
    let params: ParamTree = {
      w: new Tensor(new Float32Array([1, -2]), [2]),
      $bias: new Tensor(new Float64Array([0.5]), [1]),
    };
    let state = optimizer.init(params);
    for (const [w, bias] of [
      [[0.5, -0], [-0.25]],
      [[Number.NaN, 1], [1]],
      [[0.125, 3], [1e-300]],
    ] as const) {
      const gradients = {
        w: new Tensor(Float32Array.from(w), [2]),
        $bias: new Tensor(Float64Array.from(bias), [1]),
      };
      const result = optimizer.update(gradients, state, params);
      params = applyUpdates(params, result.updates);
      state = result.state;
    }
    const restored = deserializeState(JSON.parse(SAVED), optimizer.init(params));
    expect(restored).toEqual(state);
    expect(JSON.stringify(serializeState(state))).toBe(SAVED);
  });
});
