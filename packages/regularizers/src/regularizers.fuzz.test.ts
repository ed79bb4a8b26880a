// Why this exists: every public function of @descent/regularizers, given random or adversarial input, must
// return a correct result or throw a typed descent error naming the argument (fuzz.shared.ts) — never a raw
// TypeError, never a polluted Object.prototype, never a non-finite penalty, gradient or update from finite
// parameters and accepted options. Fixed seed; CASES counts the cases run.

import type { GradientTransformation, ParamTree, Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adversarialOptions, allFinite, expectDescentOutcome, fuzzSuite } from "../../../fuzz.shared";
import * as api from "./index.js";

const { check } = fuzzSuite("regularizers");

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
    1e-12,
    1e6,
    "0.1",
    "",
    "half",
    "full",
    null,
    undefined,
    true,
    [],
    [0],
    [0, 1],
    [2.5],
    {},
    { w: true },
    10n,
    () => true,
    () => "yes",
    () => 0.1,
    () => -1,
  ),
  fc.double({ min: -10, max: 10 }),
  fc.integer({ min: -3, max: 3 }),
);

function optionsOf(names: readonly string[]): fc.Arbitrary<unknown> {
  const known = fc.dictionary(fc.constantFrom(...names), adversarialValue, { maxKeys: names.length });
  return adversarialOptions(known, adversarialValue, { strength: 1 });
}

const KEY_NAMES = ["weights", "bias", "dense", "kernel", "layerNorm", "constructor", "toString", "prototype"];

function define(node: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}

const paramTree: fc.Arbitrary<ParamTree> = fc
  .record({
    dtype: fc.constantFrom("float32", "float64"),
    layout: fc.array(
      fc.record({
        path: fc.array(fc.constantFrom(...KEY_NAMES), { minLength: 1, maxLength: 3 }),
        shape: fc.oneof(
          fc.tuple(fc.integer({ min: 1, max: 4 })),
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
        if (next instanceof Tensor) {
          ok = false;
          break;
        }
        node = next as Record<string, unknown>;
      }
      const last = path[path.length - 1]!;
      if (!ok || Object.hasOwn(node, last)) continue;
      const values = seed.slice(
        0,
        shape.reduce((a, b) => a * b, 1),
      );
      define(
        node,
        last,
        new Tensor(dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values), shape),
      );
    }
    return (Object.keys(root).length === 0 ? { w: new Tensor(Float64Array.of(1), [1]) } : root) as ParamTree;
  });

function like(tree: ParamTree, step: number): ParamTree {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(tree)) {
    const child = tree[key]!;
    if (child instanceof Tensor) {
      define(
        out,
        key,
        new Tensor(
          child.data.map((x, i) => Math.sin(step * 7 + i + x)),
          child.shape,
        ),
      );
    } else define(out, key, like(child as ParamTree, step));
  }
  return out as ParamTree;
}

function finiteTree(tree: unknown, depth = 0): boolean {
  if (depth > 50 || typeof tree !== "object" || tree === null) return true;
  if (tree instanceof Tensor) return allFinite(tree.data);
  return Object.keys(tree).every((key) => finiteTree((tree as Record<string, unknown>)[key], depth + 1));
}

function unpolluted(): void {
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
}

const junkTree = fc.oneof(
  paramTree,
  adversarialValue,
  fc.constant({ w: { shape: [-1], dtype: "float64", data: new Float64Array(1) } }),
  fc.constant({ w: { shape: [3], dtype: "float64", data: new Float64Array(1) } }),
  fc.constant({ w: { shape: [1], dtype: "int8", data: new Int8Array(1) } }),
  fc.constant({ w: { shape: [1], dtype: "float64", data: [1] } }),
  fc.constant(
    (() => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      return cyclic;
    })(),
  ),
  fc.constant(JSON.parse('{"__proto__": {"weights": {"polluted": 1}}}')),
);

function pick(options: unknown, key: string): unknown {
  return typeof options === "object" && options !== null && Object.hasOwn(options, key)
    ? (options as Record<string, unknown>)[key]
    : undefined;
}

const selection = ["include", "exclude"];
const norm = [...selection, "axis", "epsilon"];

/** Each factory, with its positional arguments drawn from a record (so one arbitrary covers them all). */
const regularizerFactories: [string, (a: unknown) => api.ElementwiseRegularizer, string[]][] = [
  ["l1", (a) => api.l1(pick(a, "strength") as never, pick(a, "options") as never), selection],
  [
    "l2",
    (a) => api.l2(pick(a, "strength") as never, pick(a, "options") as never),
    [...selection, "convention"],
  ],
  [
    "elasticNet",
    (a) =>
      api.elasticNet(pick(a, "strength") as never, pick(a, "second") as never, pick(a, "options") as never),
    [...selection, "convention"],
  ],
  [
    "createElementwiseRegularizer",
    (a) =>
      api.createElementwiseRegularizer(
        pick(a, "name") as never,
        pick(a, "kernels") as never,
        pick(a, "options") as never,
      ),
    selection,
  ],
];
const constraintFactories: [string, (a: unknown) => { apply(params: ParamTree): ParamTree }, string[]][] = [
  ["maxNorm", (a) => api.maxNorm(pick(a, "strength") as never, pick(a, "options") as never), norm],
  ["unitNorm", (a) => api.unitNorm(pick(a, "options") as never), norm],
  [
    "minMaxNorm",
    (a) =>
      api.minMaxNorm(
        pick(a, "strength") as never,
        pick(a, "second") as never,
        pick(a, "rate") as never,
        pick(a, "options") as never,
      ),
    norm,
  ],
  ["nonNeg", (a) => api.nonNeg(pick(a, "options") as never), selection],
];
const transformFactories: [string, (a: unknown) => GradientTransformation<unknown>, string[]][] = [
  ["asTransform", (a) => api.asTransform(pick(a, "regularizer") as never), []],
  [
    "proximalL1",
    (a) => api.proximalL1(pick(a, "strength") as never, pick(a, "options") as never),
    [...selection, "learningRate"],
  ],
];

const quartic = {
  penalty: (w: Float32Array | Float64Array) => {
    let sum = 0;
    for (let i = 0; i < w.length; i++) sum += w[i]! ** 4 / 4e6;
    return sum;
  },
  accumulateGradient: (w: Float32Array | Float64Array, target: Float32Array | Float64Array) => {
    for (let i = 0; i < w.length; i++) target[i]! += w[i]! ** 3 / 1e6;
  },
};

function argumentsFor(names: string[]): fc.Arbitrary<unknown> {
  return fc.record(
    {
      strength: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), adversarialValue),
      second: fc.oneof(fc.double({ min: 0, max: 3, noNaN: true }), adversarialValue),
      rate: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), adversarialValue),
      name: fc.oneof(fc.constant("quartic"), adversarialValue),
      kernels: fc.oneof(fc.constant(quartic), adversarialValue),
      regularizer: fc.oneof(
        fc.constantFrom(api.l1(0.1), api.l2(0.1), api.elasticNet(0.1, 0.2)),
        adversarialValue,
      ),
      options: fc.oneof(
        optionsOf(names.length > 0 ? names : ["include"]),
        fc.record({
          learningRate: fc.oneof(
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.constant((step: number) => 0.1 / (1 + step)),
          ),
        }),
      ),
    },
    { requiredKeys: [] },
  );
}

describe("regularizers fuzz", () => {
  it.each(regularizerFactories)(
    "%s: adversarial arguments; accepted ones give finite penalties and gradients",
    (_, make, names) => {
      check(
        fc.property(argumentsFor(names), paramTree, (args, params) => {
          const built = expectDescentOutcome(() => make(args));
          unpolluted();
          if (!built.ok) return;
          const regularizer = built.value;
          expectDescentOutcome(() => regularizer.penalty(params), {
            check: (value) => Number.isFinite(value) || `penalty ${value}`,
          });
          expectDescentOutcome(() => regularizer.gradient(params), {
            check: (g) => finiteTree(g) || "gradient not finite",
          });
          expectDescentOutcome(() => regularizer.addGradientTo(like(params, 1), params), {
            check: (g) => finiteTree(g) || "gradient sum not finite",
          });
        }),
        150,
      );
    },
  );

  it.each(constraintFactories)(
    "%s: adversarial arguments; accepted ones give finite parameters",
    (_, make, names) => {
      check(
        fc.property(argumentsFor(names), paramTree, (args, params) => {
          const built = expectDescentOutcome(() => make(args));
          unpolluted();
          if (!built.ok) return;
          expectDescentOutcome(() => built.value.apply(params), {
            check: (p) => finiteTree(p) || "not finite",
          });
        }),
        150,
      );
    },
  );

  it.each(transformFactories)(
    "%s: adversarial arguments; accepted ones update finitely, and the state is checked",
    (_, make, names) => {
      check(
        fc.property(argumentsFor(names), paramTree, adversarialValue, (args, params, badState) => {
          const built = expectDescentOutcome(() => make(args));
          unpolluted();
          if (!built.ok) return;
          const transform = built.value;
          let state = transform.init(params);
          for (let step = 0; step < 3; step++) {
            const result = expectDescentOutcome(() => transform.update(like(params, step), state, params), {
              check: (r) => finiteTree(r.updates) || "update not finite",
            });
            if (!result.ok) return;
            state = result.value.state;
          }
          expectDescentOutcome(() => transform.update(like(params, 0), badState, params));
          expectDescentOutcome(() => transform.update(like(params, 0), { step: badState }, params));
          if (transform.validateState) {
            const validate = transform.validateState;
            expect(validate(state, params, "state")).toBe(state);
            expectDescentOutcome(() => validate({ step: badState }, params, "state"), {
              names: ["state.step"],
            });
          }
        }),
        150,
      );
    },
  );

  const calls: [string, (tree: unknown, other: unknown, extra: unknown) => unknown][] = [
    ["l2.penalty", (t) => api.l2(0.1).penalty(t as never)],
    ["l1.gradient", (t) => api.l1(0.1).gradient(t as never)],
    ["elasticNet.addGradientTo", (t, o) => api.elasticNet(0.1, 0.1).addGradientTo(t as never, o as never)],
    ["maxNorm.apply", (t) => api.maxNorm(1, { axis: 0 }).apply(t as never)],
    ["unitNorm.apply", (t, _o, e) => api.unitNorm({ axis: e as never }).apply(t as never)],
    ["nonNeg.apply", (t) => api.nonNeg().apply(t as never)],
    ["asTransform.update", (t, o) => api.asTransform(api.l2(0.1)).update(t as never, {}, o as never)],
    [
      "proximalL1.update",
      (t, o) => api.proximalL1(0.1, { learningRate: 0.1 }).update(t as never, { step: 0 }, o as never),
    ],
    ["softThreshold", (t, _o, e) => api.softThreshold(t as never, e as never)],
    ["isWeightParameter", (t, o) => api.isWeightParameter(t as never, o as never)],
    ["allParameters", () => api.allParameters()],
  ];
  const tensorOrJunk = fc.oneof(
    junkTree,
    fc
      .array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 5 })
      .map((v) => new Tensor(Float64Array.from(v), [v.length]) as TensorLike),
  );

  it.each(calls)("%s: random and hostile trees give a result or a typed error", (_, call) => {
    check(
      fc.property(
        tensorOrJunk,
        junkTree,
        fc.oneof(adversarialValue, fc.constant(["dense", "weights"])),
        (tree, other, extra) => {
          expectDescentOutcome(() => call(tree, other, extra));
          unpolluted();
        },
      ),
      150,
    );
  });

  it("gradients and parameters that do not match: ShapeError naming the path", () => {
    const params = { dense: { weights: new Tensor(Float64Array.of(1, 2), [2]) } };
    const wrong = { dense: { weights: new Tensor(Float64Array.of(1, 2, 3), [3]) } };
    const transforms: GradientTransformation<unknown>[] = [
      api.asTransform(api.l2(0.1)),
      api.proximalL1(0.1, { learningRate: 0.1 }),
    ];
    for (const transform of transforms) {
      const outcome = expectDescentOutcome(() => transform.update(wrong, transform.init(params), params), {
        names: ["dense.weights"],
      });
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error.name).toBe("ShapeError");
    }
  });

  it("covers every exported function", () => {
    const covered = new Set([
      ...regularizerFactories.map(([name]) => name),
      ...constraintFactories.map(([name]) => name),
      ...transformFactories.map(([name]) => name),
      ...calls.map(([name]) => name),
    ]);
    const exported = Object.entries(api)
      .filter(([, value]) => typeof value === "function")
      .map(([name]) => name);
    expect(exported.filter((name) => !covered.has(name))).toEqual([]);
  });
});
