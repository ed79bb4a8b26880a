import type { Tensor as TensorLike } from "@descent/spec";
import { describe, expect, it } from "vitest";
import { ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { decodeJson, encodeJson, MAX_JSON_DEPTH } from "./json-codec.js";

const encodeOptions = { op: "save", root: "state", what: "saved data" } as const;
const decodeOptions = { op: "load", root: "state", fix: "pass data written by save" } as const;
const roundTrip = (value: unknown) =>
  decodeJson(JSON.parse(JSON.stringify(encodeJson(value, encodeOptions))), decodeOptions);

// Written by descent before the codec was shared: optimizers' serializeState (`$`-keys escaped as `$$`,
// tensors inline) and nn's encodeValue (objects with `$` keys wrapped in `$object`, tensors by name).
const OPTIMIZER_STATE_BEFORE =
  '{"count":3,"negativeZero":{"$number":"-0"},"specials":[{"$number":"NaN"},{"$number":"Infinity"},{"$number":"-Infinity"},{"$number":"-0"},0.1],"tensor32":{"$tensor":{"dtype":"float32","shape":[5],"data":["NaN","Infinity","-Infinity","-0",0.10000000149011612]}},"tensor64":{"$tensor":{"dtype":"float64","shape":[3,1],"data":[3.141592653589793,"-0",1e-300]}},"$$dollar":1,"$$$double":2,"$$tensor":{"$$number":"NaN"},"$$object":{"$$float32Array":"x"},"constructor":{"prototype":1},"plain":{"a":[null,true,false,"text","$string"],"empty":{},"list":[]}}';
const MANIFEST_VALUE_BEFORE =
  '{"$object":{"count":3,"specials":[{"$number":"NaN"},{"$number":"Infinity"},{"$number":"-Infinity"},{"$number":"-0"},0.1],"moments":[{"mu":{"dense":{"weights":{"$tensor":"@training.moments.0.mu.dense.weights"}}}}],"raw32":{"$float32Array":"@training.raw32"},"raw64":{"$float64Array":"@training.raw64"},"rng":{"$int32Array":[-2147483648,5]},"seed":{"$uint32Array":[4294967295]},"bytes":{"$uint8Array":[0,255]},"$weird":{"$object":{"$tensor":"not a tensor","$$double":[1,{"$object":{"$number":2}}]}},"nested":{"$object":{"$object":{"inner":{"$number":"-0"}}}},"plain":{"a":[null,true,false,"text"],"empty":{},"list":[]}}}';

describe("encodeJson / decodeJson", () => {
  it("round-trips numbers JSON cannot hold, tensors of both dtypes, typed arrays and $-keys exactly", () => {
    const value = {
      zero: -0,
      specials: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0.1],
      tensor: new Tensor(new Float32Array([Number.NaN, Number.NEGATIVE_INFINITY, -0, 0.1]), [2, 2]),
      wide: new Tensor(new Float64Array([Math.PI, 1e-300]), [2]),
      raw: Float32Array.from([0.5, Number.NaN]),
      rng: Uint32Array.from([2 ** 32 - 1, 0]),
      $tensor: { $number: 1, $$twice: "$" },
      $object: [{ $int32Array: null }],
      constructor: { prototype: true },
    };
    const restored = roundTrip(value) as typeof value;
    expect(restored).toEqual(value);
    expect(Object.is(restored.zero, -0)).toBe(true);
    expect(Object.is(restored.tensor.data[2], -0)).toBe(true);
    expect(restored.tensor.data).toBeInstanceOf(Float32Array);
    expect(restored.wide.data).toBeInstanceOf(Float64Array);
    expect(restored.raw).toBeInstanceOf(Float32Array);
    expect(restored.rng).toBeInstanceOf(Uint32Array);
    expect(Object.getPrototypeOf(restored.constructor)).toBe(Object.prototype);
  });

  it("writes one escaping: a key starting with $ gets one more $, markers are single-key objects", () => {
    expect(encodeJson({ $x: { $$y: -0 }, n: Number.NaN }, encodeOptions)).toEqual({
      $$x: { $$$y: { $number: "-0" } },
      n: { $number: "NaN" },
    });
    expect(encodeJson(new Tensor(new Float64Array([1, -0]), [2]), encodeOptions)).toEqual({
      $tensor: { dtype: "float64", shape: [2], data: [1, "-0"] },
    });
    expect(encodeJson({ skipped: undefined, kept: null }, encodeOptions)).toEqual({ kept: null });
  });

  it("moves tensors and float arrays to a table by dotted name when given one, and takes each back once", () => {
    const weights = new Tensor(new Float32Array([1.5, -0]), [2]);
    const tensors: Record<string, TensorLike> = {};
    const json = encodeJson(
      { moments: [{ mu: weights }], raw: Float64Array.from([Math.PI]) },
      {
        ...encodeOptions,
        root: "@training",
        tensors,
      },
    );
    expect(json).toEqual({
      moments: [{ mu: { $tensor: "@training.moments.0.mu" } }],
      raw: { $float64Array: "@training.raw" },
    });
    expect(Object.keys(tensors)).toEqual(["@training.moments.0.mu", "@training.raw"]);
    const used = new Set<string>();
    const decoded = decodeJson(json, { ...decodeOptions, tensors, used }) as {
      moments: { mu: TensorLike }[];
      raw: Float64Array;
    };
    expect(decoded.moments[0]!.mu).toBe(weights);
    expect(Array.from(decoded.raw)).toEqual([Math.PI]);
    expect([...used]).toEqual(["@training.moments.0.mu", "@training.raw"]);
    expect(() => decodeJson({ a: json, b: json }, { ...decodeOptions, tensors })).toThrow(
      /state.b.moments\[0\].mu: refers to tensor "@training.moments.0.mu", which another value already uses/,
    );
    expect(() =>
      decodeJson({ $tensor: "missing" }, { ...decodeOptions, tensorSource: "the weights file" }),
    ).toThrow(
      'load: state: refers to tensor "missing", which is not in the weights file: pass data written by save',
    );
    expect(() =>
      encodeJson({ a: { b: weights }, "a.b": weights }, { ...encodeOptions, tensors: {} }),
    ).toThrow('save: two values would be saved as "state.a.b": rename a key');
  });

  it("loads optimizer state written before the codec was shared, every escaped case", () => {
    const state = decodeJson(JSON.parse(OPTIMIZER_STATE_BEFORE), decodeOptions) as Record<string, unknown>;
    expect(Object.keys(state)).toEqual([
      "count",
      "negativeZero",
      "specials",
      "tensor32",
      "tensor64",
      "$dollar",
      "$$double",
      "$tensor",
      "$object",
      "constructor",
      "plain",
    ]);
    expect(state.count).toBe(3);
    expect(Object.is(state.negativeZero, -0)).toBe(true);
    expect((state.specials as number[]).map(String)).toEqual(["NaN", "Infinity", "-Infinity", "0", "0.1"]);
    expect(Object.is((state.specials as number[])[3], -0)).toBe(true);
    const tensor32 = state.tensor32 as TensorLike;
    expect(tensor32.shape).toEqual([5]);
    expect(Array.from(tensor32.data).map(String)).toEqual([
      "NaN",
      "Infinity",
      "-Infinity",
      "0",
      String(Math.fround(0.1)),
    ]);
    expect(Object.is(tensor32.data[3], -0)).toBe(true);
    const tensor64 = state.tensor64 as TensorLike;
    expect(tensor64.shape).toEqual([3, 1]);
    expect(tensor64.data).toBeInstanceOf(Float64Array);
    expect(Array.from(tensor64.data)).toEqual([Math.PI, -0, 1e-300]);
    expect(state.$dollar).toBe(1);
    expect(state.$$double).toBe(2);
    expect(state.$tensor).toEqual({ $number: "NaN" });
    expect(state.$object).toEqual({ $float32Array: "x" });
    expect(state.constructor).toEqual({ prototype: 1 });
    expect(state.plain).toEqual({ a: [null, true, false, "text", "$string"], empty: {}, list: [] });
  });

  it("loads a manifest value written before the codec was shared, every escaped case", () => {
    const weights = new Tensor(new Float32Array([1.5, -0]), [2]);
    const tensors = {
      "@training.moments.0.mu.dense.weights": weights,
      "@training.raw32": new Tensor(new Float32Array([0.25, Number.NaN]), [2]),
      "@training.raw64": new Tensor(new Float64Array([Math.PI]), [1]),
    };
    const used = new Set<string>();
    const value = decodeJson(JSON.parse(MANIFEST_VALUE_BEFORE), {
      ...decodeOptions,
      root: "training",
      tensors,
      used,
    });
    expect(value).toEqual({
      count: 3,
      specials: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0.1],
      moments: [{ mu: { dense: { weights } } }],
      raw32: Float32Array.from([0.25, Number.NaN]),
      raw64: Float64Array.from([Math.PI]),
      rng: Int32Array.from([-(2 ** 31), 5]),
      seed: Uint32Array.from([2 ** 32 - 1]),
      bytes: Uint8Array.from([0, 255]),
      $weird: { $tensor: "not a tensor", $$double: [1, { $number: 2 }] },
      nested: { $object: { inner: -0 } },
      plain: { a: [null, true, false, "text"], empty: {}, list: [] },
    });
    const decoded = value as {
      moments: { mu: { dense: { weights: TensorLike } } }[];
      nested: { $object: { inner: number } };
    };
    expect(decoded.moments[0]!.mu.dense.weights).toBe(weights);
    expect(Object.is(decoded.nested.$object.inner, -0)).toBe(true);
    expect(used.size).toBe(3);
  });

  it("refuses what it cannot write or read, naming the path and the fix", () => {
    expect(() => encodeJson({ inner: [{ schedule: () => 1 }] }, encodeOptions)).toThrow(
      new ValueError(
        "save",
        "state.inner[0].schedule is a function: saved data must be plain data (numbers, booleans, strings, null, arrays, objects, tensors)",
      ),
    );
    expect(() => encodeJson({ map: new Map() }, encodeOptions)).toThrow(/state.map is a Map object/);
    expect(() => encodeJson([undefined], encodeOptions)).toThrow(/state\[0\] is undefined/);
    expect(() => encodeJson(JSON.parse('{"__proto__": 1}'), encodeOptions)).toThrow(
      /state.__proto__: the key "__proto__" is refused/,
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeJson(cyclic, encodeOptions)).toThrow(
      new RegExp(`state.self.self.*nested deeper than ${MAX_JSON_DEPTH} levels \\(or cyclic\\)`),
    );
    for (const [text, message] of [
      ['{"__proto__": {"polluted": 1}}', "state.__proto__: the key"],
      ['{"a": {"$object": {"__proto__": 1}}}', "state.a.__proto__: the key"],
      ['{"$what": 1}', 'state: unknown marker "$what": pass data written by save'],
      ['{"a": 1, "$tensor": 2}', 'state: unknown marker "$tensor"'],
      ['{"$number": "1"}', 'state: $number "1" is not one of'],
      ['{"$tensor": {"dtype": "int8", "shape": [], "data": []}}', 'tensor dtype "int8"'],
      [
        '{"$tensor": {"__proto__": {"dtype": "float64", "shape": [1], "data": [1]}}}',
        "tensor dtype undefined",
      ],
      [
        '{"$tensor": {"dtype": "float32", "shape": [2], "data": [1]}}',
        "tensor of shape [2] needs 2 values, has 1",
      ],
      ['{"$uint8Array": [256]}', "$uint8Array must hold an array of integers in [0, 255]"],
      ['{"$float32Array": {}}', "$float32Array holds neither a tensor name nor numbers"],
    ] as const) {
      expect(() => decodeJson(JSON.parse(text), decodeOptions)).toThrow(message);
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(() => decodeJson(deep, decodeOptions)).toThrow(/nested deeper than 100 levels/);
  });
});
