// Why this exists: every public function of @descent/optimizers, given random or adversarial input, must
// return a correct result or throw a typed descent error naming the argument (fuzz.shared.ts) — never a raw
// TypeError, never a polluted Object.prototype, never a non-finite update from finite inputs and options
// that were accepted. Fixed seeds, so a run repeats; CASES counts the cases run (reported by the suite).

import type { GradientTransformation, ParamTree, Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adversarialOptions, allFinite, expectDescentOutcome, fuzzSuite } from "../../../fuzz.shared";
import * as api from "./index.js";

const { check } = fuzzSuite("optimizers");

// ---------- arbitraries ----------

/** Values a caller may pass by mistake or by malice. */
const adversarialValue = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    0,
    -1,
    0.5,
    0.9,
    0.999,
    1,
    1.5,
    2.5,
    1e-12,
    1e6,
    Number.MAX_SAFE_INTEGER + 2,
    "0.1",
    "",
    null,
    undefined,
    true,
    false,
    [],
    {},
    10n,
    () => 0.1,
    () => Number.NaN,
    () => -1,
  ),
  fc.double({ min: -10, max: 10 }),
  fc.integer({ min: -3, max: 20 }),
);

/** An options object: known names with adversarial values, sometimes an unknown or a prototype key. */
function optionsOf(names: readonly string[]): fc.Arbitrary<unknown> {
  if (names.length === 0) return fc.constant(undefined);
  const known = fc.dictionary(fc.constantFrom(...names), adversarialValue, { maxKeys: names.length });
  return adversarialOptions(known, adversarialValue, { lr: 0.1 });
}

// "__proto__" is refused as a parameter name (tested below); prototype names that are harmless as own keys stay.
const KEY_NAMES = ["w", "bias", "layer", "constructor", "toString", "prototype", "$x", "a.b"];

/** A valid parameter tree (keys include prototype names, set as own data), finite values in ±1e3. */
const paramTree: fc.Arbitrary<ParamTree> = fc
  .record({
    dtype: fc.constantFrom("float32", "float64"),
    layout: fc.array(
      fc.record({
        path: fc.array(fc.constantFrom(...KEY_NAMES), { minLength: 1, maxLength: 3 }),
        shape: fc.oneof(
          fc.tuple(fc.integer({ min: 0, max: 4 })),
          fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        ),
        seed: fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 9, maxLength: 9 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ dtype, layout }) => {
    const root: Record<string, unknown> = {};
    for (const { path, shape, seed } of layout) {
      let node = root;
      let ok = true;
      for (const key of path.slice(0, -1)) {
        if (!Object.hasOwn(node, key)) define(node, key, {});
        const next = node[key];
        if (next instanceof Tensor) ok = false;
        else node = next as Record<string, unknown>;
        if (!ok) break;
      }
      const last = path[path.length - 1]!;
      if (!ok || Object.hasOwn(node, last)) continue;
      const size = shape.reduce((a, b) => a * b, 1);
      const values = seed.slice(0, size);
      define(
        node,
        last,
        new Tensor(dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values), shape),
      );
    }
    return (Object.keys(root).length === 0 ? { w: new Tensor(Float64Array.of(1), [1]) } : root) as ParamTree;
  });

function define(node: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A tree with `tree`'s structure and fresh finite values. */
function like(tree: ParamTree, step: number, scale = 1): ParamTree {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(tree)) {
    const child = tree[key]!;
    if (child instanceof Tensor) {
      const data = child.data.map((x, i) => scale * Math.sin(step * 7 + i + x));
      define(out, key, new Tensor(data, child.shape));
    } else define(out, key, like(child as ParamTree, step, scale));
  }
  return out as ParamTree;
}

function leavesOf(tree: unknown, out: number[][] = [], depth = 0): number[][] {
  if (depth > 50 || typeof tree !== "object" || tree === null) return out;
  if (tree instanceof Tensor) {
    out.push(Array.from(tree.data));
    return out;
  }
  for (const key of Object.keys(tree)) leavesOf((tree as Record<string, unknown>)[key], out, depth + 1);
  return out;
}

function treeFinite(tree: unknown): true | string {
  return leavesOf(tree).every((values) => allFinite(values)) || "a non-finite number from finite inputs";
}

function unpolluted(): void {
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
}

/** Runs `steps` updates (and the fused step when there is one); every update must be finite. */
function train(optimizer: GradientTransformation<unknown>, params: ParamTree, steps: number): true | string {
  let state = optimizer.init(params);
  let p = params;
  const fused = api.fusedStep(optimizer);
  for (let step = 0; step < steps; step++) {
    const g = like(p, step);
    const { updates, state: next } = optimizer.update(g, state, p);
    const verdict = treeFinite(updates);
    if (verdict !== true) return `${verdict} at step ${step}`;
    if (fused) {
      const stepped = fused(g, state, p);
      if (!stepped.finite) return `fused step not finite at step ${step}`;
    }
    p = api.applyUpdates(p, updates);
    state = next;
  }
  return treeFinite(p);
}

// ---------- the factories ----------

type Factory = readonly [
  name: string,
  build: (options: unknown) => GradientTransformation<unknown>,
  names: string[],
];
const adamNames = ["learningRate", "beta1", "beta2", "epsilon", "epsilonRoot", "amsgrad", "weightDecay"];
const factories: Factory[] = [
  ["sgd", (o) => api.sgd(o as never), ["learningRate", "momentum", "nesterov", "weightDecay"]],
  ["momentum", (o) => api.momentum(o as never), ["learningRate", "momentum", "weightDecay"]],
  ["nesterov", (o) => api.nesterov(o as never), ["learningRate", "momentum", "weightDecay"]],
  [
    "adagrad",
    (o) => api.adagrad(o as never),
    ["learningRate", "initialAccumulatorValue", "epsilon", "weightDecay"],
  ],
  [
    "rmsprop",
    (o) => api.rmsprop(o as never),
    ["learningRate", "decay", "epsilon", "centered", "momentum", "weightDecay", "initialScale"],
  ],
  ["adadelta", (o) => api.adadelta(o as never), ["learningRate", "rho", "epsilon", "weightDecay"]],
  ["adam", (o) => api.adam(o as never), adamNames],
  ["adamw", (o) => api.adamw(o as never), [...adamNames, "mask"]],
  ["amsgrad", (o) => api.amsgrad(o as never), adamNames],
  ["adamax", (o) => api.adamax(o as never), ["learningRate", "beta1", "beta2", "epsilon", "weightDecay"]],
  [
    "nadam",
    (o) => api.nadam(o as never),
    ["learningRate", "beta1", "beta2", "epsilon", "momentumDecay", "weightDecay"],
  ],
  [
    "radam",
    (o) => api.radam(o as never),
    ["learningRate", "beta1", "beta2", "epsilon", "threshold", "weightDecay"],
  ],
  ["lion", (o) => api.lion(o as never), ["learningRate", "beta1", "beta2", "weightDecay", "mask"]],
  [
    "scaleByAdam",
    (o) => api.scaleByAdam(o as never),
    ["beta1", "beta2", "epsilon", "epsilonRoot", "amsgrad"],
  ],
  ["scaleByAdamax", (o) => api.scaleByAdamax(o as never), ["beta1", "beta2", "epsilon"]],
  ["scaleByNadam", (o) => api.scaleByNadam(o as never), ["beta1", "beta2", "epsilon", "momentumDecay"]],
  ["scaleByRadam", (o) => api.scaleByRadam(o as never), ["beta1", "beta2", "epsilon", "threshold"]],
  [
    "scaleByRms",
    (o) => api.scaleByRms(o as never),
    ["decay", "epsilon", "epsilonInsideSqrt", "centered", "initialScale"],
  ],
  ["scaleByAdagrad", (o) => api.scaleByAdagrad(o as never), ["initialAccumulatorValue", "epsilon"]],
  ["scaleByAdadelta", (o) => api.scaleByAdadelta(o as never), ["rho", "epsilon"]],
  ["scaleByLion", (o) => api.scaleByLion(o as never), ["beta1", "beta2"]],
  ["trace", (o) => api.trace(o as never), ["decay", "nesterov"]],
  [
    "scaleByLearningRate",
    (o) => api.scaleByLearningRate(pick(o, "learningRate") as never, pick(o, "rest") as never),
    ["learningRate", "rest"],
  ],
  ["scale", (o) => api.scale(pick(o, "factor") as never), ["factor"]],
  ["clipByValue", (o) => api.clipByValue(pick(o, "maxAbsoluteValue") as never), ["maxAbsoluteValue"]],
  [
    "clipByGlobalNorm",
    (o) => api.clipByGlobalNorm(pick(o, "maxNorm") as never, pick(o, "options") as never),
    ["maxNorm", "options"],
  ],
  [
    "addDecayedWeights",
    (o) => api.addDecayedWeights(pick(o, "weightDecay") as never, pick(o, "mask") as never),
    ["weightDecay", "mask"],
  ],
  ["identity", () => api.identity(), []],
  [
    "accumulateGradients",
    (o) => api.accumulateGradients(pick(o, "steps") as never, pick(o, "transform") as never),
    ["steps", "transform"],
  ],
  ["applyIfFinite", (o) => api.applyIfFinite(pick(o, "transform") as never), ["transform"]],
  [
    "masked",
    (o) => api.masked(pick(o, "transform") as never, pick(o, "mask") as never),
    ["transform", "mask"],
  ],
  [
    "chain",
    (o) =>
      api.chain(...((Array.isArray(pick(o, "parts")) ? pick(o, "parts") : [pick(o, "parts")]) as never[])),
    ["parts"],
  ],
  [
    "injectHyperparams",
    (o) => api.injectHyperparams(pick(o, "factory") as never, pick(o, "hyperparams") as never),
    ["factory", "hyperparams"],
  ],
];

/** Positional arguments arrive through an options-like record; undefined when absent. */
function pick(options: unknown, key: string): unknown {
  return typeof options === "object" && options !== null && Object.hasOwn(options, key)
    ? (options as Record<string, unknown>)[key]
    : undefined;
}

/** Arguments for the positional factories that are sometimes valid transforms / masks. */
const transformOrJunk = fc.oneof(
  fc.constant(undefined),
  fc
    .constantFrom(
      () => api.adam(),
      () => api.sgd({ momentum: 0.5 }),
      () => api.rmsprop(),
    )
    .map((make) => make()),
  adversarialValue,
);
const maskOrJunk = fc.oneof(
  fc.constant((path: readonly string[]) => path.at(-1) !== "bias"),
  fc.constant(() => "yes"),
  fc.constant({ w: true }),
  adversarialValue,
);

function argumentsFor(name: string, names: readonly string[]): fc.Arbitrary<unknown> {
  if (["accumulateGradients", "applyIfFinite", "masked", "chain", "injectHyperparams"].includes(name)) {
    return fc.record(
      {
        steps: fc.oneof(fc.integer({ min: 1, max: 3 }), adversarialValue),
        transform: transformOrJunk,
        mask: maskOrJunk,
        parts: fc.oneof(fc.array(transformOrJunk, { maxLength: 3 }), adversarialValue),
        factory: fc.oneof(
          fc.constant((h: unknown) => api.adam(h as never)),
          fc.constant(() => 42),
          adversarialValue,
        ),
        hyperparams: fc.oneof(optionsOf(["learningRate", "beta1"]), adversarialValue),
      },
      { requiredKeys: [] },
    );
  }
  if (names.includes("mask") && names.length > 2) {
    return fc
      .tuple(optionsOf(names), maskOrJunk)
      .map(([options, mask]) =>
        typeof options === "object" && options !== null && !Array.isArray(options)
          ? { ...options, mask }
          : options,
      );
  }
  if (names.includes("options") || names.includes("rest")) {
    return fc.record(
      { [names[0]!]: adversarialValue, [names[1]!]: optionsOf(["epsilon", "flipSign"]) },
      {
        requiredKeys: [],
      },
    );
  }
  return optionsOf(names);
}

// ---------- properties ----------

describe("optimizers fuzz", () => {
  it.each(factories)(
    "%s: adversarial options give a result or a typed error; accepted ones train finitely",
    (name, build, names) => {
      check(
        fc.property(argumentsFor(name, names), paramTree, (options, params) => {
          const outcome = expectDescentOutcome(() => build(options));
          unpolluted();
          if (!outcome.ok) return;
          const optimizer = outcome.value;
          // Accepted options: from finite inputs, finite updates; masks or injected values may still refuse
          // at init/update with a typed error (a mask returning "yes", a tree mask missing a name).
          expectDescentOutcome(() => train(optimizer, params, 3), { check: (verdict) => verdict });
          unpolluted();
        }),
        150,
      );
    },
  );

  const built: [string, () => GradientTransformation<unknown>][] = [
    ["adam", () => api.adam({ learningRate: 0.01 })],
    ["amsgrad", () => api.amsgrad()],
    ["sgd", () => api.sgd({ momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
    ["rmsprop", () => api.rmsprop({ centered: true, momentum: 0.5 })],
    ["adagrad", () => api.adagrad()],
    ["adadelta", () => api.adadelta()],
    ["adamax", () => api.adamax()],
    ["nadam", () => api.nadam()],
    ["radam", () => api.radam()],
    ["lion", () => api.lion({ weightDecay: 0.1 })],
    ["accumulateGradients", () => api.accumulateGradients(2, api.adam())],
    ["applyIfFinite", () => api.applyIfFinite(api.adam())],
    ["injectHyperparams", () => api.injectHyperparams((h) => api.adam(h), { learningRate: 0.01 })],
    [
      "masked",
      () =>
        api.chain(
          api.masked(api.scaleByAdam(), (path) => path.length > 1),
          api.scaleByLearningRate(0.1),
        ),
    ],
  ];

  /** A saved state with one number (a scalar or a tensor element) replaced by an adversarial value. */
  function mutate(json: unknown, choice: number, value: unknown): unknown {
    const slots: { holder: Record<string | number, unknown>; key: string | number }[] = [];
    const visit = (node: unknown) => {
      if (Array.isArray(node)) {
        for (const [i, item] of node.entries()) {
          if (typeof item === "number") slots.push({ holder: node as never, key: i });
          else visit(item);
        }
      } else if (typeof node === "object" && node !== null)
        for (const key of Object.keys(node)) {
          const item = (node as Record<string, unknown>)[key];
          if (typeof item === "number") slots.push({ holder: node as never, key });
          else visit(item);
        }
    };
    visit(json);
    if (slots.length > 0) {
      const slot = slots[choice % slots.length]!;
      slot.holder[slot.key] = value;
    }
    return json;
  }

  const stateValue = fc.oneof(
    fc.constantFrom(
      -5,
      -1,
      -1e-3,
      2.5,
      1e300,
      Number.MAX_SAFE_INTEGER,
      "NaN",
      "Infinity",
      "-Infinity",
      "-0",
      "x",
      null,
      true,
      {},
      [],
    ),
    // Finite moments of any size are accepted (no rule bounds them); beyond ~1e300 the update itself
    // overflows, which fit's non-finite check reports, so the edits stay within ±1e6.
    fc.double({ min: -1e6, max: 1e6 }),
  );

  it.each(built)("%s: an edited checkpoint is refused by name, or resumes finitely", (_, make) => {
    check(
      fc.property(
        paramTree,
        fc.nat(),
        stateValue,
        fc.integer({ min: 0, max: 3 }),
        (params, choice, value, steps) => {
          const optimizer = make();
          let state = optimizer.init(params);
          let p = params;
          for (let step = 0; step < steps; step++) {
            const result = optimizer.update(like(p, step), state, p);
            p = api.applyUpdates(p, result.updates);
            state = result.state;
          }
          const json = mutate(JSON.parse(JSON.stringify(api.serializeState(state))), choice, value);
          const outcome = expectDescentOutcome(() =>
            api.checkOptimizerState(optimizer, api.deserializeState(json as never), p),
          );
          if (!outcome.ok) {
            expect(outcome.error.message).toMatch(/state|tensor|\$number/);
            return;
          }
          // Accepted: the resumed step is finite.
          const { updates } = optimizer.update(like(p, 9), outcome.value, p);
          expect(treeFinite(updates)).toBe(true);
        },
      ),
      120,
    );
  });

  const hostileJson = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.jsonValue({ maxDepth: 2 }),
      tie("object"),
      fc.array(tie("node"), { maxLength: 3 }),
    ),
    object: fc
      .array(
        fc.tuple(
          fc.constantFrom(
            "__proto__",
            "constructor",
            "prototype",
            "$tensor",
            "$number",
            "$$x",
            "count",
            "mu",
            "nu",
            "inner",
          ),
          tie("node"),
        ),
        { maxLength: 4 },
      )
      .map((entries) =>
        JSON.parse(
          `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? "null"}`).join(",")}}`,
        ),
      ),
  })).node;

  it("hostile JSON (__proto__, constructor, markers, deep nesting) never pollutes and fails typed", () => {
    const optimizer = api.adam();
    const params = { w: new Tensor(Float64Array.of(1, 2), [2]) };
    check(
      fc.property(hostileJson, fc.integer({ min: 0, max: 300 }), (json, depth) => {
        let nested: unknown = json;
        for (let i = 0; i < depth; i++) nested = i % 2 ? [nested] : { inner: nested };
        expectDescentOutcome(() => api.deserializeState(nested as never));
        expectDescentOutcome(() => api.deserializeState(nested as never, optimizer.init(params)));
        expectDescentOutcome(() => api.checkOptimizerState(optimizer, nested, params));
        expectDescentOutcome(() => api.serializeState(nested));
        unpolluted();
      }),
      300,
    );
  });

  const junkTree = fc.oneof(
    paramTree,
    adversarialValue,
    fc.constant({ w: { shape: [-1], dtype: "float64", data: new Float64Array(1) } }),
    fc.constant({ w: { shape: [3], dtype: "float64", data: new Float64Array(1) } }),
    fc.constant({ w: { shape: [1], dtype: "int8", data: new Int8Array(1) } }),
    fc.constant({ w: { shape: [1], dtype: "float32", data: new Float64Array(1) } }),
    fc.constant({ w: { shape: [1], dtype: "float64", data: new DataView(new ArrayBuffer(8)) } }),
    fc.constant(
      (() => {
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        return cyclic;
      })(),
    ),
    fc.constant(JSON.parse('{"__proto__": {"polluted": 1}}')),
  );

  it("update with mismatched or hostile gradients, state and params fails typed (ShapeError names the path)", () => {
    check(
      fc.property(
        fc.constantFrom(...built),
        paramTree,
        junkTree,
        junkTree,
        fc.oneof(adversarialValue, fc.constant("init")),
        ([, make], params, gradients, other, stateChoice) => {
          const optimizer = make();
          const state = stateChoice === "init" ? optimizer.init(params) : stateChoice;
          expectDescentOutcome(() => optimizer.update(gradients as ParamTree, state, params));
          expectDescentOutcome(() => optimizer.update(like(params, 1), state, other as ParamTree));
          const fused = api.fusedStep(optimizer);
          if (fused)
            expectDescentOutcome(() =>
              fused(gradients as ParamTree, state, params, { scale: other as never }),
            );
          unpolluted();
        },
      ),
      200,
    );
  });

  it('"__proto__" never names a parameter: a typed error, and Object.prototype untouched', () => {
    const hostile = JSON.parse('{"__proto__": {"w": {"polluted": 1}}}');
    for (const [, make] of built) {
      const outcome = expectDescentOutcome(() => make().init(hostile), { names: ["__proto__"] });
      expect(outcome.ok).toBe(false);
    }
    unpolluted();
  });

  it("gradients that do not match params: ShapeError naming the path", () => {
    const params = {
      layer: { w: new Tensor(Float64Array.of(1, 2), [2]), b: new Tensor(Float64Array.of(0), [1]) },
    };
    const wrong = {
      layer: { w: new Tensor(Float64Array.of(1, 2, 3), [3]), b: new Tensor(Float64Array.of(0), [1]) },
    };
    for (const [, make] of built) {
      const optimizer = make();
      const outcome = expectDescentOutcome(() => optimizer.update(wrong, optimizer.init(params), params));
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.error.name).toBe("ShapeError");
        expect(outcome.error.message).toContain("layer.w");
      }
    }
  });

  const treeFunctions: [string, (tree: unknown, other: unknown, extra: unknown) => unknown][] = [
    ["treeLeaves", (t) => api.treeLeaves(t as never)],
    ["mapTree", (t, _o, e) => api.mapTree(t as never, e as never)],
    ["zipTrees", (t, o, e) => api.zipTrees(t as never, o as never, e as never)],
    ["assertSameStructure", (t, o, e) => api.assertSameStructure(t as never, o as never, e as never)],
    ["applyUpdates", (t, o) => api.applyUpdates(t as never, o as never)],
    ["globalNorm", (t) => api.globalNorm(t as never)],
    ["zerosLikeTree", (t, _o, e) => api.zerosLikeTree(t as never, e as never)],
    ["fullLikeTree", (t, _o, e) => api.fullLikeTree(t as never, e as never)],
    ["serializeState", (t) => api.serializeState(t)],
    ["deserializeState", (t, o) => api.deserializeState(t as never, o)],
    ["pathName", (t) => api.pathName(t as never)],
    ["createOptimizer", (t, o) => api.createOptimizer(o as never, t as never)],
    ["fusedStep", (t) => api.fusedStep(t as never)],
    ["setHyperparams", (t, o) => api.setHyperparams(t as never, o as never)],
    ["checkOptimizerState", (t, o, e) => api.checkOptimizerState(e as never, o, t as never)],
  ];
  const extra = fc.oneof(
    adversarialValue,
    fc.constant((t: TensorLike) => t.data.length),
    fc.constant("float32"),
    fc.constant(api.adam()),
  );

  it.each(treeFunctions)("%s: random and hostile trees give a result or a typed error", (_, call) => {
    check(
      fc.property(junkTree, fc.oneof(junkTree, fc.constant(api.adam())), extra, (tree, other, more) => {
        expectDescentOutcome(() => call(tree, other, more));
        unpolluted();
      }),
      60,
    );
  });

  it("applyUpdates, globalNorm and fullLikeTree of finite trees are finite", () => {
    check(
      fc.property(paramTree, fc.double({ min: -1e3, max: 1e3, noNaN: true }), (params, value) => {
        expect(treeFinite(api.applyUpdates(params, like(params, 2)))).toBe(true);
        expect(Number.isFinite(api.globalNorm(params))).toBe(true);
        expect(treeFinite(api.fullLikeTree(params, value))).toBe(true);
      }),
      50,
    );
  });

  const schedules: [string, (options: unknown) => (step: number) => number, string[]][] = [
    ["constantSchedule", (o) => api.constantSchedule(pick(o, "value") as never), ["value"]],
    [
      "linearSchedule",
      (o) => api.linearSchedule(o as never),
      ["initialValue", "endValue", "transitionSteps", "transitionBegin"],
    ],
    [
      "polynomialDecay",
      (o) => api.polynomialDecay(o as never),
      ["initialValue", "endValue", "power", "decaySteps", "transitionBegin"],
    ],
    ["piecewiseConstantSchedule", (o) => api.piecewiseConstantSchedule(o as never), ["boundaries", "values"]],
    [
      "exponentialDecay",
      (o) => api.exponentialDecay(o as never),
      ["initialValue", "decayRate", "transitionSteps", "staircase", "transitionBegin", "endValue"],
    ],
    ["cosineDecay", (o) => api.cosineDecay(o as never), ["initialValue", "decaySteps", "alpha", "exponent"]],
    [
      "warmupCosineDecay",
      (o) => api.warmupCosineDecay(o as never),
      ["initialValue", "peakValue", "warmupSteps", "decaySteps", "endValue", "exponent"],
    ],
    [
      "oneCycle",
      (o) => api.oneCycle(o as never),
      ["maxValue", "totalSteps", "warmupFraction", "initialDivisor", "finalDivisor", "annealStrategy"],
    ],
  ];
  const scheduleOptions = (names: string[]) =>
    fc.oneof(
      optionsOf(names),
      fc.dictionary(
        fc.constantFrom(...names),
        fc.oneof(
          fc.integer({ min: 0, max: 50 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.constant([1, 2]),
          fc.constant([0.1, 0.2, 0.3]),
          adversarialValue,
        ),
        { maxKeys: names.length },
      ),
    );
  const step = fc.oneof(fc.integer({ min: 0, max: 10_000 }), adversarialValue);

  it.each(schedules)(
    "%s: adversarial options and steps; an accepted schedule at an accepted step is finite",
    (_, make, names) => {
      check(
        fc.property(scheduleOptions(names), step, (options, at) => {
          const built = expectDescentOutcome(() => make(options));
          if (!built.ok) return;
          expectDescentOutcome(() => built.value(at as number), {
            names: ["step"],
            check: (value) =>
              (typeof value === "number" && Number.isFinite(value)) || `schedule gave ${value}`,
          });
        }),
        80,
      );
    },
  );

  const objective = fc.constantFrom(
    (x: Float64Array) => x.reduce((s, v) => s + v * v, 0),
    () => Number.NaN,
    () => undefined,
    () => "1",
    (x: Float64Array) => ({ value: x.reduce((s, v) => s + v * v, 0), gradient: Array.from(x, (v) => 2 * v) }),
    () => ({ value: 1, gradient: [Number.NaN] }),
    () => ({ value: 1 }),
    () => ({ value: 1, gradient: [] }),
  );
  const methods = ["lbfgs", "cma-es", "nelder-mead", "first-order", "newton", undefined] as const;

  it("minimize, lbfgs, cmaEs, nelderMead: adversarial objectives, points and options", () => {
    check(
      fc.property(
        objective,
        fc.oneof(
          fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 3 }),
          adversarialValue,
        ),
        fc.constantFrom(...methods),
        optionsOf([
          "maxIterations",
          "tolerance",
          "memory",
          "seed",
          "initialStepSize",
          "adaptive",
          "lineSearch",
        ]),
        fc.constantFrom("minimize", "lbfgs", "cmaEs", "nelderMead"),
        (f, x0, method, options, which) => {
          const bounded =
            typeof options === "object" && options !== null && !Array.isArray(options)
              ? { ...options, maxIterations: 20 }
              : options;
          const withMethod =
            typeof bounded === "object" && bounded !== null
              ? { ...bounded, method, ...(method === "first-order" ? { optimizer: api.adam() } : {}) }
              : bounded;
          expectDescentOutcome(() => {
            switch (which) {
              case "lbfgs":
                return api.lbfgs(f as never, x0 as never, bounded as never);
              case "cmaEs":
                return api.cmaEs(f as never, x0 as never, bounded as never);
              case "nelderMead":
                return api.nelderMead(f as never, x0 as never, bounded as never);
              default:
                return api.minimize(f as never, x0 as never, withMethod as never);
            }
          });
        },
      ),
      200,
    );
  });

  it("covers every exported function", () => {
    const covered = new Set([
      ...factories.map(([name]) => name),
      ...treeFunctions.map(([name]) => name),
      ...schedules.map(([name]) => name),
      "constant",
      "linear",
      "piecewiseConstant",
      "minimize",
      "lbfgs",
      "cmaEs",
      "nelderMead",
    ]);
    const exported = Object.entries(api)
      .filter(([, value]) => typeof value === "function")
      .map(([name]) => name);
    expect(exported.filter((name) => !covered.has(name))).toEqual([]);
  });
});
