// Why this exists: a checkpoint is data from outside. These tests pin that hostile JSON cannot reach
// Object.prototype, and that a state whose values no run could produce (count −5, a negative second
// moment) is refused with the path, the value and the rule — before it turns parameters into NaN.

import type { GradientTransformation, ParamTree } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { adam, adamax, adamw, amsgrad, lion, nadam, radam } from "../aliases/adam-family.js";
import { adadelta, adagrad, rmsprop } from "../aliases/adaptive.js";
import { momentum, sgd } from "../aliases/sgd.js";
import { accumulateGradients } from "../combine/accumulate-gradients.js";
import { applyIfFinite } from "../combine/apply-if-finite.js";
import { chain } from "../combine/chain.js";
import { injectHyperparams } from "../combine/inject-hyperparams.js";
import { masked } from "../combine/masked.js";
import { vector } from "../test-helpers.js";
import { addDecayedWeights } from "../transforms/weight-decay.js";
import { applyUpdates } from "../tree/tree.js";
import { checkOptimizerState } from "./check.js";
import { createOptimizer } from "./create-optimizer.js";
import { deserializeState, serializeState } from "./serialize.js";

const params: ParamTree = { layer: { weights: vector([0.5, -1, 2]), bias: vector([0.1]) } };

function gradients(p: ParamTree, step: number): ParamTree {
  const layer = p.layer as { weights: Tensor; bias: Tensor };
  return {
    layer: {
      weights: new Tensor(
        layer.weights.data.map((w, i) => Math.sin(step + i) + w),
        [3],
      ),
      bias: new Tensor(
        layer.bias.data.map((b) => Math.cos(step) - b),
        [1],
      ),
    },
  };
}

/** The state after `steps` updates, as plain JSON (what a checkpoint holds). */
function savedAfter(optimizer: GradientTransformation<unknown>, steps: number): unknown {
  let p = params;
  let state = optimizer.init(p);
  for (let step = 0; step < steps; step++) {
    const result = optimizer.update(gradients(p, step), state, p);
    p = applyUpdates(p, result.updates);
    state = result.state;
  }
  return JSON.parse(JSON.stringify(serializeState(state)));
}

/** Saved JSON as the tests edit it: any key at any depth. */
// biome-ignore lint/suspicious/noExplicitAny: the tests write into saved JSON at arbitrary paths
type Saved = any;

/** `saved` with `edit` applied to a deep copy. */
function edited(saved: unknown, edit: (state: Saved) => void): unknown {
  const copy = JSON.parse(JSON.stringify(saved));
  edit(copy);
  return copy;
}

const every: [string, () => GradientTransformation<unknown>][] = [
  ["sgd", () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ["momentum", () => momentum()],
  ["adagrad", () => adagrad()],
  ["rmsprop", () => rmsprop({ centered: true, momentum: 0.5 })],
  ["adadelta", () => adadelta()],
  ["adam", () => adam()],
  ["adamw", () => adamw()],
  ["amsgrad", () => amsgrad()],
  ["adamax", () => adamax()],
  ["nadam", () => nadam()],
  ["radam", () => radam()],
  ["lion", () => lion({ weightDecay: 0.1 })],
  [
    "masked",
    () =>
      chain(
        masked(addDecayedWeights(0.1), (path) => path.at(-1) !== "bias"),
        adam(),
      ),
  ],
  ["injectHyperparams", () => injectHyperparams((h) => adam(h), { learningRate: 0.01 })],
  ["accumulateGradients", () => accumulateGradients(3, adam())],
  ["applyIfFinite", () => applyIfFinite(rmsprop())],
];

describe("deserializeState never lets a key reach a prototype", () => {
  it.each([
    ['{"__proto__": {"polluted": 1}}', "state.__proto__"],
    ['{"$tensor": {"__proto__": {"dtype": "float64", "shape": [1], "data": [1]}}}', "tensor dtype undefined"],
    ['[{}, {"mu": {"__proto__": {"polluted": 1}}}]', "state[1].mu.__proto__"],
  ])("%s is refused, naming %s", (text, path) => {
    const hostile = JSON.parse(text);
    expect(() => deserializeState(hostile)).toThrow(ValueError);
    expect(() => deserializeState(hostile)).toThrow(path);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it("keys like constructor and prototype stay own data (and a template refuses them)", () => {
    const restored = deserializeState(
      JSON.parse('{"constructor": {"prototype": {"polluted": 1}}}'),
    ) as object;
    expect(Object.getPrototypeOf(restored)).toBe(Object.prototype);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(() => deserializeState(JSON.parse('{"count": 0, "constructor": 1}'), { count: 0 })).toThrow(
      "state.constructor: not part of this optimizer's state",
    );
  });

  it("deep or cyclic data gives a ValueError, not a stack overflow", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => deserializeState(deep as never)).toThrow(/nested deeper than 100 levels/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => serializeState(cyclic)).toThrow(
      /state.self.self.*nested deeper than 100 levels \(or cyclic\)/,
    );
  });
});

describe("checkOptimizerState checks values against the optimizer's declared rules", () => {
  it.each(every)("%s: a state saved after 4 steps passes, unchanged", (_, make) => {
    const optimizer = make();
    const state = deserializeState(savedAfter(optimizer, 4) as never, optimizer.init(params));
    expect(checkOptimizerState(optimizer, state, params)).toBe(state);
  });

  it("Adam count −5 is refused naming count, the value and the rule", () => {
    const optimizer = adam();
    const bad = edited(savedAfter(optimizer, 2), (state) => {
      state[1].count = -5;
    });
    expect(() => checkOptimizerState(optimizer, deserializeState(bad as never), params)).toThrow(
      'scaleByAdam: state[1].count = -5 breaks the rule "a step count is a whole number ≥ 0',
    );
    const fractional = edited(savedAfter(optimizer, 2), (state) => {
      state[2].count = 2.5;
    });
    expect(() => checkOptimizerState(optimizer, deserializeState(fractional as never), params)).toThrow(
      "adam: state[2].count = 2.5 breaks the rule",
    );
  });

  it("a negative second moment is refused, naming the element", () => {
    const optimizer = adam();
    const bad = edited(savedAfter(optimizer, 2), (state) => {
      state[1].nu.layer.weights.$tensor.data[2] = -1e-3;
    });
    expect(() => checkOptimizerState(optimizer, deserializeState(bad as never), params)).toThrow(
      'scaleByAdam: state[1].nu.layer.weights[2] = -0.001 breaks the rule "accumulated squares',
    );
  });

  it("non-finite moments are refused (they would make every later step NaN)", () => {
    const optimizer = sgd({ momentum: 0.9 });
    const bad = edited(savedAfter(optimizer, 2), (state) => {
      state[1].momentum.layer.bias.$tensor.data[0] = "NaN";
    });
    expect(() => checkOptimizerState(optimizer, deserializeState(bad as never), params)).toThrow(
      "trace: state[1].momentum.layer.bias[0] = NaN breaks the rule",
    );
  });

  it.each<[string, () => GradientTransformation<unknown>, (state: Saved) => void, string]>([
    [
      "adagrad",
      () => adagrad(),
      (s: Saved) => {
        s[1].sumOfSquares.layer.bias.$tensor.data[0] = -1;
      },
      "sumOfSquares",
    ],
    [
      "adadelta",
      () => adadelta(),
      (s: Saved) => {
        s[1].deltaNu.layer.bias.$tensor.data[0] = -1;
      },
      "deltaNu",
    ],
    [
      "adamax",
      () => adamax(),
      (s: Saved) => {
        s[1].infinityNorm.layer.bias.$tensor.data[0] = -1;
      },
      "infinityNorm",
    ],
    [
      "nadam",
      () => nadam(),
      (s: Saved) => {
        s[1].muProduct = 3;
      },
      "muProduct = 3",
    ],
    [
      "amsgrad",
      () => amsgrad(),
      (s: Saved) => {
        s[1].nuMax.layer.bias.$tensor.data[0] = -1;
      },
      "nuMax",
    ],
    [
      "accumulateGradients",
      () => accumulateGradients(3),
      (s: Saved) => {
        s.count = 7;
      },
      "state.count = 7",
    ],
    [
      "applyIfFinite",
      () => applyIfFinite(adam()),
      (s: Saved) => {
        s.consecutiveSkippedSteps = 2;
      },
      "consecutive",
    ],
    [
      "applyIfFinite inner",
      () => applyIfFinite(adam()),
      (s: Saved) => {
        s.inner[1].count = -1;
      },
      "state.inner[1].count",
    ],
    [
      "injectHyperparams",
      () => injectHyperparams((h) => adam(h), { learningRate: 0.1 }),
      (s: Saved) => {
        s.hyperparams.learningRate = -1;
      },
      "learningRate",
    ],
    [
      "masked",
      () => masked(adam(), { layer: { weights: true, bias: false } }),
      (s: Saved) => {
        s.inner[1].count = -2;
      },
      "state.inner[1].count = -2",
    ],
  ])("%s: a value no run could produce is refused", (_, make, edit, named) => {
    const optimizer = make();
    const bad = edited(savedAfter(optimizer, 1), edit);
    expect(() => checkOptimizerState(optimizer, deserializeState(bad as never), params)).toThrow(ValueError);
    expect(() => checkOptimizerState(optimizer, deserializeState(bad as never), params)).toThrow(named);
  });

  it("checks structure first, and custom transforms without rules get the structural check", () => {
    const custom: GradientTransformation<{ readonly n: number }> = {
      init: () => ({ n: 0 }),
      update: (g, state) => ({ updates: g, state: { n: state.n + 1 } }),
    };
    expect(checkOptimizerState(custom, { n: -3 }, params)).toEqual({ n: -3 });
    expect(() => checkOptimizerState(custom, { m: 0 }, params)).toThrow(
      "checkOptimizerState: state.n: missing",
    );
    expect(() => checkOptimizerState(42 as never, {}, params)).toThrow(/optimizer is number/);
  });

  it("createOptimizer.loadState uses it: a hostile checkpoint is refused and the old state kept", () => {
    const optimizer = createOptimizer(adam(), params);
    const before = optimizer.state;
    const bad = edited(optimizer.saveState(), (state) => {
      state[1].count = -5;
    });
    expect(() => optimizer.loadState(bad as never)).toThrow("state[1].count = -5");
    expect(optimizer.state).toBe(before);
  });
});

describe("arguments are checked when an optimizer is built", () => {
  it("chain(adam(), 42) fails at once, naming the argument's position", () => {
    expect(() => chain(adam(), 42 as never)).toThrow(
      new ValueError(
        "chain",
        "transforms[1] (argument 2) = 42 is not a gradient transformation: pass an optimizer or transform such as adam() or scaleByAdam() (an object with init and update functions)",
      ),
    );
  });
});
