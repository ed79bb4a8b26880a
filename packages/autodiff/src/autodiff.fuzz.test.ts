// Why this exists: every public function of @descent/autodiff, given random or adversarial input, must return
// a correct result or throw a typed descent error naming the argument (fuzz.shared.ts) — never a raw
// TypeError ("Cannot read properties of undefined" from a function that returned nothing), never a stack
// overflow from a deep or cyclic parameter tree, never a polluted prototype from a `__proto__` key, and never
// a non-finite gradient from finite inputs of an op that is smooth (or piecewise linear) on the reals.
// Ops are fuzzed both on plain tensors and on traced values inside valueAndGrad, so the backward rules run
// too. Fixed seeds, so a run repeats; the suite prints how many cases it ran.

import { type Tensor, tensor, useKernels } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allFinite, expectDescentOutcome, fuzzSuite } from "../../../fuzz.shared";
import * as api from "./index.js";
import { checkGradient, grad, type Traced, valueAndGrad } from "./index.js";

const { check } = fuzzSuite("autodiff");

// ---------- arbitraries ----------

const dtype = fc.constantFrom("float32" as const, "float64" as const);
const smallShape = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 });
const finite = fc.double({ min: -3, max: 3, noNaN: true });

function validTensor(shape = smallShape, values = finite): fc.Arbitrary<Tensor> {
  return fc.tuple(shape, dtype).chain(([dims, type]) => {
    const size = dims.reduce((a, b) => a * b, 1);
    return fc.array(values, { minLength: size, maxLength: size }).map((items) => tensor(items, dims, type));
  });
}

const cyclic: Record<string, unknown> = { a: tensor([1]) };
cyclic.self = cyclic;
let deep: Record<string, unknown> = { leaf: tensor([1]) };
for (let i = 0; i < 10_000; i++) deep = { inner: deep };

const fakeTensor = fc.constantFrom<unknown>(
  { shape: [-1], dtype: "float32", data: new Float32Array(0) },
  { shape: [3], dtype: "float32", data: new Float32Array(2) },
  { shape: [2], dtype: "float64", data: new Float32Array(2) },
  { shape: [Number.NaN], dtype: "float32", data: new Float32Array(1) },
  { shape: [2], dtype: "float32", data: [1, 2] },
  JSON.parse('{"__proto__": {"polluted": 1}, "w": 1}'),
  cyclic,
  deep,
  null,
  undefined,
  "x",
  [1, 2],
  {},
  Object.create(null),
  () => 1,
);
const badNumber = fc.constantFrom<unknown>(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -1,
  1.5,
  2 ** 53,
  "1",
  null,
  undefined,
  [0],
  {},
);
const anyArg = fc.oneof(
  { weight: 3, arbitrary: validTensor() as fc.Arbitrary<unknown> },
  { weight: 2, arbitrary: fakeTensor },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: -3, max: 3 }), badNumber) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      [2, 3],
      [-1],
      [1e6, 1e6],
      [[0, 1]],
      { transposeA: 1 },
      { order: 3 },
      { correction: -1 },
    ),
  },
);

// ---------- the outcome rule ----------

const byName: Record<string, unknown> = { ...api };
const call = (name: string, args: unknown[]) => (byName[name] as (...args: unknown[]) => unknown)(...args);
const OPS = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "where",
  "clip",
  "neg",
  "abs",
  "exp",
  "log",
  "log1p",
  "expm1",
  "sqrt",
  "rsqrt",
  "square",
  "reciprocal",
  "sin",
  "cos",
  "tanh",
  "sigmoid",
  "relu",
  "erf",
  "softplus",
  "cast",
  "matmul",
  "dot",
  "outer",
  "sign",
  "floor",
  "round",
  "isFinite",
  "equal",
  "notEqual",
  "greater",
  "greaterEqual",
  "less",
  "lessEqual",
  "argmax",
  "argmin",
  "sum",
  "mean",
  "max",
  "min",
  "logSumExp",
  "prod",
  "reshape",
  "transpose",
  "permute",
  "broadcastTo",
  "expandDims",
  "squeeze",
  "flatten",
  "slice",
  "pad",
  "concat",
  "stack",
  "split",
  "unstack",
  "gather",
  "tile",
  "variance",
  "standardDeviation",
  "norm",
  "cumsum",
  "stopGradient",
  "unbroadcast",
];
/** Words an error may use to name the argument at fault (its parameter names and what they are). */
const NAMES = [
  "x",
  "a ",
  "a:",
  "a must",
  "b must",
  "a has",
  "b has",
  "input",
  "operand",
  "condition",
  "tensor",
  "shape",
  "dtype",
  "axis",
  "axes",
  "keepDims",
  "options",
  "order",
  "correction",
  "transpose",
  "begin",
  "size",
  "paddings",
  "value",
  "sizes",
  "indices",
  "reps",
  "startAxis",
  "min",
  "max",
  "broadcast",
  "gradient",
  "rank",
  "inner",
  "1-D",
  "elements",
  "pieces",
  "result",
  "argument",
  "length",
];

describe("autodiff fuzz: the outcome rule", () => {
  for (const name of OPS) {
    it(`${name} on plain and traced operands: a result or a typed error naming the argument`, () => {
      check(
        fc.property(fc.array(anyArg, { minLength: 1, maxLength: 4 }), fc.boolean(), (args, traced) => {
          if (!traced) {
            expectDescentOutcome(() => call(name, args), { names: NAMES });
            return;
          }
          // The first argument becomes the differentiated input, so the op's backward rule runs as well.
          expectDescentOutcome(
            () =>
              valueAndGrad((x: Traced) => {
                const out = call(name, [x, ...args.slice(1)]);
                const first = (Array.isArray(out) ? out[0] : out) as Traced | undefined;
                return first === undefined ? 0 : api.sum(first);
              })(args[0] as Tensor),
            { names: NAMES },
          );
        }),
        250,
      );
    });
  }

  it("valueAndGrad / grad: any function, options and argument tree", () => {
    const returns = fc.constantFrom<unknown>(
      undefined,
      null,
      "loss",
      3,
      Number.NaN,
      [1],
      {},
      tensor([1, 2]),
      tensor([5]),
      Promise.resolve(1),
    );
    const fn = fc.oneof(
      returns.map((value) => () => value),
      fc.constant((x: Traced) => api.sum(x)),
      fc.constantFrom<unknown>(undefined, null, 3, "f", {}),
    );
    const options = fc.constantFrom<unknown>(
      undefined,
      {},
      { argnums: 0 },
      { argnums: [0] },
      { argnums: 5 },
      { argnums: [] },
      { argnums: "0" },
      { argnum: 0 },
      null,
      7,
    );
    check(
      fc.property(fn, options, fc.array(anyArg, { maxLength: 3 }), fc.boolean(), (f, opts, args, useGrad) => {
        const before = Object.keys(Object.prototype).length;
        expectDescentOutcome(
          () => (useGrad ? grad : valueAndGrad)(f as never, opts as never)(...(args as [never])),
          {
            names: [
              "fn",
              "function",
              "returned",
              "options",
              "argnums",
              "argument",
              "tensor",
              "shape",
              "dtype",
              "cycle",
              "nested",
              "MAX_TREE_DEPTH",
              '"',
              "input",
            ],
          },
        );
        expect(Object.keys(Object.prototype).length).toBe(before);
      }),
      600,
    );
  });

  it("checkGradient: any function, inputs and options", () => {
    const fn = fc.constantFrom<unknown>(
      (x: Traced) => api.sum(api.square(x)),
      (x: Traced) => api.tanh(x),
      () => undefined,
      () => "loss",
      undefined,
      3,
    );
    const options = fc.constantFrom<unknown>(
      undefined,
      {},
      { step: 0 },
      { step: -1 },
      { step: Number.NaN },
      { absoluteTolerance: "1" },
      { seed: 1.5 },
      { steps: 1 },
      null,
    );
    check(
      fc.property(
        fn,
        fc.oneof(
          validTensor(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 })) as fc.Arbitrary<unknown>,
          fakeTensor,
        ),
        options,
        (f, inputs, opts) => {
          expectDescentOutcome(() => checkGradient(f as never, inputs, opts as never), {
            names: [
              "fn",
              "function",
              "returned",
              "options",
              "step",
              "Tolerance",
              "seed",
              "argument",
              "shape",
              "tensor",
              "cycle",
              "nested",
              '"',
            ],
          });
        },
      ),
      300,
    );
  });

  it("customOp: any definition and operands", () => {
    const definitions = fc.constantFrom<unknown>(
      { name: "twice", forward: (x: Tensor) => x, backward: (g: Tensor) => [g] },
      { name: "broken", forward: () => undefined, backward: () => [null] },
      {
        name: "lying",
        forward: () => ({ shape: [-1], dtype: "float32", data: new Float32Array(0) }),
        backward: () => [],
      },
      { name: "wrong gradients", forward: (x: Tensor) => x, backward: () => "g" },
      { name: 3, forward: 1, backward: 2 },
      null,
      undefined,
      {},
    );
    check(
      fc.property(
        definitions,
        fc.array(anyArg, { maxLength: 2 }),
        fc.boolean(),
        (definition, args, traced) => {
          expectDescentOutcome(
            () => {
              const op = api.customOp(definition as never);
              if (!traced) return op(...(args as never[]));
              return valueAndGrad((x: Traced) => api.sum(op(x, ...(args.slice(1) as never[]))))(
                args[0] as never,
              );
            },
            { names: [...NAMES, "definition", "name", "forward", "backward", "returned", "gradient"] },
          );
        },
      ),
      300,
    );
  });
});

// ---------- trees: deep, cyclic, prototype keys ----------

describe("autodiff fuzz: parameter trees", () => {
  it("rejects deep and cyclic trees with a ValueError, not a stack overflow", () => {
    const loss = valueAndGrad((p: unknown) => api.sum(api.square((p as { a: Traced }).a)));
    expect(() => loss(cyclic as never)).toThrow(/valueAndGrad: "self" refers back to an enclosing object/);
    expect(() => loss(deep as never)).toThrow(
      /valueAndGrad: .* nested more than 64 levels deep \(MAX_TREE_DEPTH\)/,
    );
  });

  it("keeps a __proto__ key as an own key of the gradients, never a prototype", () => {
    const params = JSON.parse('{"__proto__": {"polluted": null}, "w": null}');
    params.w = tensor([3]);
    Object.defineProperty(params, "__proto__", { value: { polluted: tensor([2]) }, enumerable: true });
    const { gradients } = valueAndGrad((p: unknown) => {
      const tree = p as Record<string, Record<string, Traced> | Traced>;
      return api.add(
        api.sum(api.square(tree.w as Traced)),
        api.sum(api.square(Object.getOwnPropertyDescriptor(tree, "__proto__")!.value.polluted)),
      );
    })(params);
    const own = Object.getOwnPropertyDescriptor(gradients, "__proto__")!.value as { polluted: Tensor };
    expect(Array.from(own.polluted.data)).toEqual([4]);
    expect(Object.getPrototypeOf(gradients)).toBe(Object.prototype);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it("names what a function returned instead of a scalar", () => {
    const f = valueAndGrad((_x: Traced) => undefined as never);
    expect(() => f(tensor([1]))).toThrow(
      "valueAndGrad: the function returned undefined: it must return a scalar (a one-element tensor, or a number)",
    );
  });
});

// ---------- finite in, finite gradients out ----------

/** Ops smooth or piecewise linear on the reals: finite inputs in [-3, 3] give finite values and gradients. */
const finiteOps: Record<string, (x: Traced, y: Tensor) => Traced> = {
  add: (x, y) => api.add(x, y),
  sub: (x, y) => api.sub(x, y),
  mul: (x, y) => api.mul(x, y),
  maximum: (x, y) => api.maximum(x, y),
  minimum: (x, y) => api.minimum(x, y),
  where: (x, y) => api.where(api.greater(x, 0), x, y),
  clip: (x) => api.clip(x, -1, 1),
  neg: api.neg,
  abs: api.abs,
  exp: api.exp,
  expm1: api.expm1,
  square: api.square,
  sin: api.sin,
  cos: api.cos,
  tanh: api.tanh,
  sigmoid: api.sigmoid,
  relu: api.relu,
  erf: api.erf,
  softplus: api.softplus,
  "pow(x, 2)": (x) => api.pow(x, 2),
  "sum(axis)": (x) => (x.rank > 0 ? api.sum(x, -1) : x),
  mean: (x) => (x.size > 0 ? api.mean(x) : x),
  max: (x) => (x.size > 0 ? api.max(x) : x),
  logSumExp: (x) => (x.size > 0 ? api.logSumExp(x) : x),
  prod: (x) => api.prod(x),
  variance: (x) => (x.size > 1 ? api.variance(x) : x),
  "norm (ord 1)": (x) => api.norm(x, { order: 1 }),
  cumsum: (x) => (x.rank > 0 ? api.cumsum(x, 0) : x),
  "matmul(x, xᵀ)": (x) => (x.rank === 2 ? api.matmul(x, x, { transposeB: true }) : x),
  outer: (x, y) => api.outer(api.flatten(x, 0), api.flatten(y, 0)),
  transpose: (x) => api.transpose(x),
  tile: (x) =>
    api.tile(
      x,
      x.shape.map(() => 2),
    ),
  pad: (x) =>
    api.pad(
      x,
      x.shape.map(() => [1, 1] as [number, number]),
    ),
  broadcastTo: (x) => api.broadcastTo(x, [2, ...x.shape]),
  concat: (x) => (x.rank > 0 ? api.concat([x, x], 0) : x),
  gather: (x) => (x.rank > 0 && x.shape[0]! > 0 ? api.gather(x, [0, 0], 0) : x),
};

describe("autodiff fuzz: finite in, finite gradients out", () => {
  for (const kernels of ["js", "wasm-simd"] as const) {
    it(`every smooth op has finite values and gradients (${kernels} kernels)`, () => {
      useKernels(kernels);
      const pair = fc.tuple(
        validTensor(fc.array(fc.integer({ min: 0, max: 24 }), { maxLength: 2 })),
        validTensor(fc.constant([1])),
      );
      for (const [name, op] of Object.entries(finiteOps)) {
        check(
          fc.property(pair, ([x, y]) => {
            const { value, gradients } = valueAndGrad((input: Traced) => api.sum(op(input, y)))(x);
            expect(Number.isFinite((value as Tensor).item()), `${name} value`).toBe(true);
            expect(allFinite((gradients as Tensor).data), `${name} gradient`).toBe(true);
          }),
          25,
        );
      }
      useKernels("wasm-simd");
    });
  }
});
