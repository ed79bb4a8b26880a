// Why this exists: every public function of @descent/tensor, given random or adversarial input, must return a
// correct result or throw a typed descent error naming the argument (fuzz.shared.ts) — never a raw
// TypeError/RangeError ("Invalid typed array length"), never a silently wrong result from a hand-made tensor
// whose shape lies (negative, fractional, NaN or huge sizes, a product other than data.length, a dtype other
// than its data's), and never a non-finite value from finite inputs where the op is finite on the reals.
// Fixed seeds, so a run repeats; the suite prints how many cases it ran.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allFinite, expectDescentOutcome, fuzzSuite } from "../../../fuzz.shared";
import * as api from "./index.js";
import { type KernelName, type Tensor, tensor, useKernels } from "./index.js";
import * as kernelApi from "./kernels/index.js";

const { check, count } = fuzzSuite("tensor");

// ---------- arbitraries ----------

const dtype = fc.constantFrom("float32" as const, "float64" as const);
const smallShape = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });
const finite = fc.double({ min: -10, max: 10, noNaN: true });
const special = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e300);

/** A valid tensor with values from `values`. */
function validTensor(values: fc.Arbitrary<number> = finite, shape = smallShape): fc.Arbitrary<Tensor> {
  return fc.tuple(shape, dtype).chain(([dims, type]) => {
    const size = dims.reduce((a, b) => a * b, 1);
    return fc.array(values, { minLength: size, maxLength: size }).map((items) => tensor(items, dims, type));
  });
}

const cyclic: Record<string, unknown> = { shape: [1], dtype: "float32" };
cyclic.data = cyclic;

/** Tensor-shaped objects that lie, and things that are no tensor at all. */
const fakeTensor = fc.constantFrom<unknown>(
  { shape: [-1], dtype: "float32", data: new Float32Array(0) },
  { shape: [-2, -3], dtype: "float32", data: new Float32Array(6) },
  { shape: [2, -1], dtype: "float32", data: new Float32Array(2) },
  { shape: [Number.NaN], dtype: "float32", data: new Float32Array(1) },
  { shape: [1.5, 2], dtype: "float64", data: new Float64Array(3) },
  { shape: [1e300, 0], dtype: "float32", data: new Float32Array(0) },
  { shape: [2 ** 53, 0], dtype: "float32", data: new Float32Array(0) },
  { shape: [3], dtype: "float32", data: new Float32Array(2) },
  { shape: [2], dtype: "float64", data: new Float32Array(2) },
  { shape: [2], dtype: "int32", data: new Int32Array(2) },
  { shape: [2], dtype: "float32", data: [1, 2] },
  { shape: "2", dtype: "float32", data: new Float32Array(2) },
  { shape: ["2"], dtype: "float32", data: new Float32Array(2) },
  { shape: [2] },
  JSON.parse('{"__proto__": {"shape": [1]}, "dtype": "float32"}'),
  cyclic,
  null,
  undefined,
  3,
  "tensor",
  [1, 2],
  {},
  () => 1,
  Symbol("x"),
);

const tensorArg = fc.oneof(
  { weight: 3, arbitrary: validTensor() as fc.Arbitrary<unknown> },
  { weight: 1, arbitrary: validTensor(fc.oneof(finite, special)) as fc.Arbitrary<unknown> },
  { weight: 2, arbitrary: fakeTensor },
);

const badNumber = fc.constantFrom<unknown>(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -1,
  -0,
  1.5,
  2 ** 31,
  2 ** 53,
  1e300,
  "1",
  null,
  undefined,
  true,
  [0],
  {},
);
const axisArg = fc.oneof(
  fc.integer({ min: -4, max: 4 }),
  badNumber,
  fc.constantFrom<unknown>([0, 1], [0, 0], [-1]),
);
const shapeArg = fc.oneof(
  smallShape as fc.Arbitrary<unknown>,
  fc.constantFrom<unknown>(
    [-1],
    [2, -1],
    [Number.NaN],
    [1.5],
    [65536, 65536],
    [2 ** 31],
    [2 ** 53],
    [1e300],
    [1e6, 1e6, 1e6],
    "3",
    null,
    undefined,
    [[2]],
    [2, "3"],
    {},
  ),
);
const optionsArg = fc.oneof(
  fc.constantFrom<unknown>(undefined, {}, null, 3, "x", JSON.parse('{"__proto__": {"polluted": 1}}')),
  fc.dictionary(
    fc.constantFrom(
      "low",
      "high",
      "mean",
      "std",
      "dtype",
      "ord",
      "axis",
      "keepDims",
      "correction",
      "transposeA",
      "transposeB",
      "maxItems",
      "edgeItems",
      "precision",
      "lineWidth",
    ),
    fc.oneof(finite, badNumber, fc.constantFrom<unknown>("float32", "float64", "int8", true, false)),
    { maxKeys: 3 },
  ),
);
const anyArg = fc.oneof(tensorArg, axisArg, shapeArg, optionsArg, fc.oneof(finite, special));
const random = () => api.createRandom(7);

// ---------- the outcome rule, per function ----------

type Call = (args: unknown[]) => unknown;
/** Every public function with the names its errors may use (its parameters and what they are). */
const functions: Record<string, { call: Call; names: string[] }> = {};
const f = (name: string, call: Call, names: string[]) => {
  functions[name] = { call, names };
};
const any = (fn: unknown) => fn as (...args: unknown[]) => unknown;
const byName: Record<string, unknown> = { ...api };

const TENSOR_NAMES = [
  "x",
  "input",
  "tensor",
  "operand",
  "condition",
  " a ",
  "a must",
  "b must",
  "a has",
  "b has",
  "shape",
  "dtype",
  "broadcast",
  "t ",
];
for (const name of [
  "neg",
  "abs",
  "sign",
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
  "floor",
  "round",
  "isFinite",
]) {
  f(name, (args) => any(byName[name])(...args), TENSOR_NAMES);
}
for (const name of [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "equal",
  "notEqual",
  "greater",
  "greaterEqual",
  "less",
  "lessEqual",
]) {
  f(name, (args) => any(byName[name])(args[0], args[1]), [
    ...TENSOR_NAMES,
    "first operand",
    "second operand",
  ]);
}
f("clip", (args) => api.clip(...(args as [never, never, never])), [
  ...TENSOR_NAMES,
  "low",
  "high",
  "min",
  "max",
]);
f("where", (args) => api.where(...(args as [never, never, never])), [...TENSOR_NAMES, "condition", "a", "b"]);
for (const name of ["sum", "mean", "max", "min", "prod", "argmax", "argmin", "logSumExp"]) {
  f(name, (args) => any(byName[name])(...args), [...TENSOR_NAMES, "axis", "keepDims"]);
}
f("cumsum", (args) => any(api.cumsum)(...args), [...TENSOR_NAMES, "axis"]);
for (const name of ["variance", "standardDeviation"]) {
  f(name, (args) => any(byName[name])(...args), [
    ...TENSOR_NAMES,
    "axis",
    "options",
    "correction",
    "keepDims",
  ]);
}
f("norm", (args) => any(api.norm)(...args), [...TENSOR_NAMES, "options", "ord", "axis", "keepDims"]);
f("matmul", (args) => any(api.matmul)(...args), [
  ...TENSOR_NAMES,
  "options",
  "transpose",
  "inner",
  "batch",
  "rank",
]);
f("dot", (args) => any(api.dot)(...args), [...TENSOR_NAMES, "1-D", "length"]);
f("outer", (args) => any(api.outer)(...args), [...TENSOR_NAMES, "1-D", "elements"]);
f("tensor", (args) => any(api.tensor)(...args), ["values", "shape", "dtype"]);
f("scalar", (args) => any(api.scalar)(...args), ["value", "dtype"]);
for (const name of ["zeros", "ones"])
  f(name, (args) => any(byName[name])(...args), ["shape", "dtype", "size"]);
f("full", (args) => any(api.full)(...args), ["shape", "value", "dtype"]);
for (const name of ["zerosLike", "onesLike", "fullLike"])
  f(name, (args) => any(byName[name])(...args), [...TENSOR_NAMES, "value"]);
f("arange", (args) => any(api.arange)(...args), ["start", "stop", "step", "dtype", "result"]);
f("linspace", (args) => any(api.linspace)(...args), ["start", "stop", "count", "dtype", "result"]);
f("eye", (args) => any(api.eye)(...args), ["rows", "columns", "dtype", "result"]);
f("cast", (args) => any(api.cast)(...args), [...TENSOR_NAMES, "dtype"]);
f("broadcastTo", (args) => any(api.broadcastTo)(...args), [...TENSOR_NAMES, "shape"]);
f("concat", (args) => any(api.concat)(args.slice(0, 2), args[2]), [...TENSOR_NAMES, "tensors", "axis"]);
f("concat (raw)", (args) => any(api.concat)(...args), [...TENSOR_NAMES, "tensors", "axis"]);
f("stack", (args) => any(api.stack)(args.slice(0, 2), args[2]), [...TENSOR_NAMES, "tensors", "axis"]);
f("split", (args) => any(api.split)(...args), [...TENSOR_NAMES, "sizes", "axis"]);
f("unstack", (args) => any(api.unstack)(...args), [...TENSOR_NAMES, "axis"]);
f("gather", (args) => any(api.gather)(...args), [...TENSOR_NAMES, "indices", "axis"]);
f("oneHot", (args) => any(api.oneHot)(...args), ["indices", "depth", "dtype", "result"]);
f("expandDims", (args) => any(api.expandDims)(...args), [...TENSOR_NAMES, "axis"]);
f("flatten", (args) => any(api.flatten)(...args), [...TENSOR_NAMES, "startAxis"]);
f("reshape", (args) => any(api.reshape)(...args), [...TENSOR_NAMES, "shape", "reshape"]);
f("squeeze", (args) => any(api.squeeze)(...args), [...TENSOR_NAMES, "axes", "axis"]);
f("pad", (args) => any(api.pad)(...args), [...TENSOR_NAMES, "paddings", "value", "result"]);
f("slice", (args) => any(api.slice)(...args), [...TENSOR_NAMES, "begin", "size"]);
f("tile", (args) => any(api.tile)(...args), [...TENSOR_NAMES, "reps", "result"]);
f("transpose", (args) => any(api.transpose)(...args), [...TENSOR_NAMES, "axes"]);
f("permute", (args) => any(api.permute)(...args), [...TENSOR_NAMES, "axes"]);
f("createRandom", (args) => any(api.createRandom)(...args), ["seed"]);
f("uniform", (args) => any(api.uniform)(random(), ...args), ["shape", "options", "low", "high", "dtype"]);
f("normal", (args) => any(api.normal)(random(), ...args), ["shape", "options", "mean", "std", "dtype"]);
f("truncatedNormal", (args) => any(api.truncatedNormal)(random(), ...args), [
  "shape",
  "options",
  "mean",
  "std",
  "dtype",
]);
f("bernoulli", (args) => any(api.bernoulli)(random(), ...args), ["shape", "p", "dtype"]);
f("random (bad generator)", (args) => any(api.uniform)(args[0], [2]), ["random"]);
f("randomInteger", (args) => any(api.randomInteger)(random(), ...args), ["n"]);
f("permutation", (args) => any(api.permutation)(random(), ...args), ["n"]);
f("shuffle", (args) => any(api.shuffle)(random(), ...args), ["array"]);
f("formatTensor", (args) => any(api.formatTensor)(...args), [...TENSOR_NAMES, "options"]);
f("sizeOf", (args) => any(api.sizeOf)(...args), ["shape"]);
f("stridesOf", (args) => any(api.stridesOf)(...args), ["shape"]);
f("shapesEqual", (args) => any(api.shapesEqual)(...args), ["shape"]);
f("formatShape", (args) => any(api.formatShape)(...args), ["shape"]);
f("describeValue", (args) => any(api.describeValue)(...args), ["value"]);
f("assertValidShape", (args) => any(api.assertValidShape)("op", args[0]), ["shape"]);
f("broadcastShapes", (args) => any(api.broadcastShapes)("op", ...args), ["shape", "broadcast"]);
f("normalizeAxis", (args) => any(api.normalizeAxis)("op", ...args), ["axis", "rank"]);
f("allocate", (args) => any(api.allocate)(...args), ["size", "dtype", "result"]);
f("assertDType", (args) => any(api.assertDType)("op", ...args), ["dtype"]);
f("dtypeOf", (args) => any(api.dtypeOf)(...args), ["data"]);
f("resultDType", (args) => any(api.resultDType)(...args), ["dtype"]);
f("assertTensorLike", (args) => any(api.assertTensorLike)("op", ...args), TENSOR_NAMES);
f("Tensor", (args) => new api.Tensor(...(args as [never, never])), ["data", "shape"]);
f("useKernels", (args) => any(api.useKernels)(...args), ["kernels", "name"]);
f("setKernels", (args) => any(kernelApi.setKernels)(...args), ["kernels", "Kernels"]);
f("setThreadCount", (args) => any(api.setThreadCount)(...args), ["thread", "count"]);
f(
  "residentFloat32",
  (args) => {
    const array = any(kernelApi.residentFloat32)(...args) as Float32Array | null;
    if (array !== null) kernelApi.releaseResident(array);
    return array;
  },
  ["length"],
);
f("releaseResident", (args) => any(kernelApi.releaseResident)(...args), ["array"]);
f("jsKernels.gemm", (args) => any(kernelApi.jsKernels.gemm)(...args), [
  "m",
  "n",
  "k",
  "alpha",
  "beta",
  "a",
  "b",
  "c",
]);
f("getKernels().gemm", (args) => any(kernelApi.getKernels().gemm)(...args), [
  "m",
  "n",
  "k",
  "alpha",
  "beta",
  "a",
  "b",
  "c",
]);
f("denseForwardByGemm", (args) => any(kernelApi.denseForwardByGemm)(kernelApi.jsKernels, ...args), [
  "m",
  "n",
  "k",
  "a",
  "b",
  "c",
  "bias",
]);
f("reluGradient", (args) => any(kernelApi.reluGradient)(...args), [
  "g",
  "y",
  "out",
  "biasGradient",
  "columns",
]);
f("scaledAddFloat32", (args) => any(kernelApi.scaledAddFloat32)(...args), ["out", "p", "u", "factor"]);

/** Arguments for the raw-array kernel functions: typed arrays (sometimes short), sizes, flags. */
const kernelArg = fc.oneof(
  fc.integer({ min: 0, max: 6 }).map((n) => new Float32Array(n).fill(1)),
  fc.integer({ min: 0, max: 6 }).map((n) => new Float64Array(n).fill(1)),
  fc.integer({ min: -1, max: 4 }),
  fc.boolean(),
  badNumber,
  fc.constantFrom<unknown>("relu", "none", new Int32Array(4), [1, 2, 3, 4]),
);

describe("tensor fuzz: the outcome rule", () => {
  for (const [name, { call, names }] of Object.entries(functions)) {
    const kernelLevel = /gemm|Gemm|reluGradient|scaledAdd/.test(name);
    it(`${name}: a result or a typed error naming the argument`, () => {
      const args = kernelLevel
        ? fc.array(kernelArg, { minLength: 3, maxLength: 12 })
        : fc.array(anyArg, { maxLength: 4 });
      check(
        fc.property(args, (list) => {
          const before = Object.keys(Object.prototype).length;
          try {
            expectDescentOutcome(() => call(list), { names });
          } finally {
            useKernels(kernels);
          }
          expect(Object.keys(Object.prototype).length).toBe(before);
        }),
        kernelLevel ? 300 : 300,
      );
    });
  }
});

const kernels: KernelName = api.availableKernels().includes("wasm-simd") ? "wasm-simd" : "js";

// ---------- finite in, finite out ----------

const isFiniteTensor = (value: unknown): true | string => {
  const list = Array.isArray(value) ? value : [value];
  for (const item of list) {
    const data = (item as Tensor).data;
    if (!(data instanceof Float32Array || data instanceof Float64Array)) return "not a tensor";
    if (!allFinite(data)) return `non-finite values ${Array.from(data).slice(0, 8)}`;
  }
  return true;
};

/** Ops that are finite on the reals, with finite inputs in [-10, 10] and a size-1 broadcast partner. */
const finiteOps: Record<string, (a: Tensor, b: Tensor) => unknown> = {
  add: api.add,
  sub: api.sub,
  mul: api.mul,
  maximum: api.maximum,
  minimum: api.minimum,
  neg: api.neg,
  abs: api.abs,
  sign: api.sign,
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
  floor: api.floor,
  round: api.round,
  clip: (a) => api.clip(a, -1, 1),
  where: (a, b) => api.where(api.greater(a, 0), a, b),
  sum: (a) => api.sum(a),
  "sum(axis -1)": (a) => (a.rank > 0 ? api.sum(a, -1) : api.sum(a)),
  mean: (a) => (a.size > 0 ? api.mean(a) : api.sum(a)),
  prod: (a) => api.prod(api.clip(a, -1.5, 1.5)),
  max: (a) => (a.size > 0 ? api.max(a) : a),
  logSumExp: (a) => (a.size > 0 ? api.logSumExp(a) : a),
  variance: (a) => (a.size > 1 ? api.variance(a) : a),
  standardDeviation: (a) => (a.size > 1 ? api.standardDeviation(a) : a),
  norm: (a) => api.norm(a),
  cumsum: (a) => (a.rank > 0 ? api.cumsum(a, 0) : a),
  "matmul(a, aᵀ)": (a) => (a.rank === 2 ? api.matmul(a, a, { transposeB: true }) : a),
  outer: (a, b) => api.outer(api.flatten(a, 0), api.flatten(b, 0)),
  transpose: (a) => api.transpose(a),
  tile: (a) =>
    api.tile(
      a,
      a.shape.map(() => 2),
    ),
  pad: (a) =>
    api.pad(
      a,
      a.shape.map(() => [1, 1] as [number, number]),
    ),
  broadcastTo: (a) => api.broadcastTo(a, [2, ...a.shape]),
};

describe("tensor fuzz: finite in, finite out", () => {
  for (const kernelName of ["js", kernels] as const) {
    it(`keeps results finite with the ${kernelName} kernels`, () => {
      useKernels(kernelName);
      const pair = fc.tuple(
        validTensor(finite, fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 2 })),
        validTensor(finite, fc.constant([1])),
      );
      for (const [name, op] of Object.entries(finiteOps)) {
        check(
          fc.property(pair, ([a, b]) => {
            const outcome = expectDescentOutcome(() => op(a, b), { check: isFiniteTensor });
            expect(outcome.ok, `${name} threw ${outcome.ok ? "" : outcome.error.message}`).toBe(true);
          }),
          60,
        );
      }
      useKernels(kernels);
    });
  }

  it("samples finite random tensors for finite options", () => {
    const options = fc.record({ mean: finite, std: fc.double({ min: 0, max: 10, noNaN: true }) });
    // uniform needs low < high: its interval is [mean, mean + std + 1).
    check(
      fc.property(smallShape, options, (shape, { mean, std }) => {
        for (const sample of [
          api.normal(random(), shape, { mean, std }),
          api.truncatedNormal(random(), shape, { mean, std }),
          api.uniform(random(), shape, { low: mean, high: mean + std + 1 }),
        ]) {
          expect(isFiniteTensor(sample)).toBe(true);
        }
      }),
      100,
    );
  });
});

describe("tensor fuzz: lying tensors are refused, huge shapes are limited", () => {
  it("refuses a hand-made tensor with a negative shape instead of summing it", () => {
    const lying = { shape: [-2, -3], dtype: "float32" as const, data: new Float32Array([1, 2, 3, 4, 5, 6]) };
    expect(() => api.sum(lying)).toThrow(/sum: x\.shape \[-2,-3\] has size -2 at axis 0/);
    const wrongDType = { shape: [2], dtype: "float64" as const, data: new Float32Array(2) };
    expect(() => api.add(wrongDType, 1)).toThrow(api.DTypeError);
  });

  it("every op that takes a tensor refuses every lying one (never a result computed from it)", () => {
    const lying: unknown[] = [
      { shape: [-2, -3], dtype: "float32", data: new Float32Array(6) },
      { shape: [-1], dtype: "float32", data: new Float32Array(0) },
      { shape: [Number.NaN], dtype: "float32", data: new Float32Array(1) },
      { shape: [1.5, 2], dtype: "float64", data: new Float64Array(3) },
      { shape: [2 ** 53, 0], dtype: "float32", data: new Float32Array(0) },
      { shape: [3], dtype: "float32", data: new Float32Array(2) },
      { shape: [2], dtype: "float64", data: new Float32Array(2) },
      { shape: [2], dtype: "float32", data: new Float64Array(2) },
      { shape: [2], dtype: "float32", data: new Int32Array(2) },
      { shape: [2], dtype: "int32", data: new Float32Array(2) },
      { shape: [3], dtype: "int32", data: new Int32Array(2) },
    ];
    const unary = [
      "neg",
      "abs",
      "sign",
      "exp",
      "log",
      "sqrt",
      "square",
      "tanh",
      "sigmoid",
      "relu",
      "floor",
      "isFinite",
      "sum",
      "mean",
      "max",
      "min",
      "prod",
      "argmax",
      "logSumExp",
      "variance",
      "norm",
      "zerosLike",
      "onesLike",
      "transpose",
      "flatten",
      "squeeze",
      "unstack",
      "formatTensor",
    ];
    const calls: ((t: never) => unknown)[] = [
      ...unary.map((name) => (t: never) => any(byName[name])(t)),
      (t) => api.add(t, 1),
      (t) => api.mul(tensor([1]), t),
      (t) => api.where(t, 1, 0),
      (t) => api.clip(t, 0, 1),
      (t) => api.matmul(t, t),
      (t) => api.dot(t, t),
      (t) => api.reshape(t, [-1]),
      (t) => api.cast(t, "float64"),
      (t) => api.concat([t, t]),
      (t) => api.broadcastTo(t, [2, 2]),
      (t) => api.cumsum(t, 0),
      (t) => api.tile(t, [1]),
      (t) => api.pad(t, [[0, 0]]),
      (t) => api.slice(t, [0]),
      (t) => api.gather(t, [0]),
      (t) => api.fullLike(t, 1),
    ];
    for (const t of lying) {
      for (const call of calls) {
        const outcome = expectDescentOutcome(() => call(t as never));
        expect(outcome.ok, `accepted ${JSON.stringify((t as { shape: unknown }).shape)} in ${call}`).toBe(
          false,
        );
      }
    }
    count(lying.length * calls.length);
  });

  it("every float op refuses an int32 tensor (class labels) with a DTypeError naming the op and cast", () => {
    const floatOps: [string, (t: never) => unknown][] = [
      ...[
        "neg",
        "exp",
        "log",
        "sqrt",
        "relu",
        "sigmoid",
        "sum",
        "mean",
        "max",
        "argmax",
        "logSumExp",
        "norm",
      ].map((name) => [name, (t: never) => any(byName[name])(t)] as [string, (t: never) => unknown]),
      ["zerosLike", (t) => api.zerosLike(t)],
      ["transpose", (t) => api.transpose(t)],
      ["add", (t) => api.add(t, 1)],
      ["mul", (t) => api.mul(tensor([1]), t)],
      ["where", (t) => api.where(t, 1, 0)],
      ["clip", (t) => api.clip(t, 0, 1)],
      ["matmul", (t) => api.matmul(t, t)],
      ["reshape", (t) => api.reshape(t, [-1])],
      ["concat", (t) => api.concat([t, t])],
      ["slice", (t) => api.slice(t, [0])],
      ["gather", (t) => api.gather(t, [0])],
      ["cumsum", (t) => api.cumsum(t, 0)],
    ];
    const labels = fc
      .array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 6 })
      .map((values) => tensor(values, undefined, "int32"));
    check(
      fc.property(labels, fc.constantFrom(...floatOps), (t, [name, call]) => {
        const outcome = expectDescentOutcome(() => call(t as never), { names: ["cast(", "int32"] });
        expect(outcome.ok, `${name} accepted an int32 tensor`).toBe(false);
        if (!outcome.ok) {
          expect(outcome.error).toBeInstanceOf(api.DTypeError);
          expect(outcome.error.message.startsWith(`${(outcome.error as api.DTypeError).op}:`)).toBe(true);
        }
      }),
      600,
    );
  });

  it("int32 labels: tensor() and cast() keep integers exactly and refuse any value int32 would change", () => {
    check(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 8 }), (values) => {
        const labels = tensor(values, [values.length], "int32");
        expect(labels.dtype).toBe("int32");
        expect(labels.data).toBeInstanceOf(Int32Array);
        expect(Array.from(labels.data)).toEqual(values.map((v) => v + 0));
        expect(Array.from(api.cast(labels, "float64").data)).toEqual(values.map((v) => v + 0));
        expect(Array.from(api.cast(api.cast(labels, "float64"), "int32").data)).toEqual(
          Array.from(labels.data),
        );
      }),
      300,
    );
    const notInt32 = fc.oneof(
      fc.double({ noInteger: true }),
      fc.constantFrom(
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        2 ** 31,
        -(2 ** 31) - 1,
        1e300,
      ),
    );
    check(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 4 }),
        notInt32,
        fc.nat(4),
        (good, bad, at) => {
          const values = [...good];
          values.splice(Math.min(at, values.length), 0, bad);
          const index = Math.min(at, good.length);
          for (const make of [
            () => tensor(values, undefined, "int32"),
            () => api.cast(tensor(values, undefined, "float64"), "int32"),
          ]) {
            const outcome = expectDescentOutcome(make, { names: [`[${index}]`] });
            expect(outcome.ok, `int32 accepted ${bad}`).toBe(false);
            if (!outcome.ok) expect(outcome.error).toBeInstanceOf(api.ValueError);
          }
        },
      ),
      300,
    );
  });

  it("gives a ValueError stating the limit for huge shapes, never a RangeError", () => {
    for (const create of [
      () => api.zeros([65536, 65536]),
      () => api.ones([2 ** 31]),
      () => api.full([1e5, 1e5], 1),
      () => api.normal(random(), [1e5, 1e5]),
      () => api.uniform(random(), [1e5, 1e5]),
      () => api.arange(0, 1e10),
      () => api.linspace(0, 1, 2 ** 32),
      () => api.eye(1e5),
      () => api.broadcastTo(tensor([1]), [1e5, 1e5]),
      () => api.add(api.zeros([50000, 1]), api.zeros([1, 50000])),
      () => api.tile(tensor([1]), [1e10]),
    ]) {
      expect(create).toThrow(/elements, more than the limit of 2147483647 \(MAX_TENSOR_ELEMENTS\)/);
    }
    expect(() => api.reshape(tensor([]), [1e300, 0])).toThrow(api.ValueError);
  });
});
