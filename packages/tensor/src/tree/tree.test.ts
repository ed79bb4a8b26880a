import { describe, expect, it } from "vitest";
import { DTypeError, ShapeError, ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import {
  formatPath,
  isTensorLike,
  MAX_TREE_DEPTH,
  maskSelects,
  requireMask,
  resolveMask,
  setOwnProperty,
  treeFlatten,
  treeGet,
  treeLeavesLike,
  treeMap,
  treeUnflatten,
  treeZip,
} from "./index.js";

// Why this exists: autodiff, optimizers, regularizers and nn walk parameter trees through this one module.
// Trees come from users and files: a `__proto__` key must never reach a prototype, and a cyclic or
// 10,000-deep tree must give a ValueError naming the path instead of a stack overflow.

const t = (...values: number[]) => new Tensor(Float64Array.from(values), [values.length]);

describe("treeFlatten / treeUnflatten", () => {
  it("round-trips the structure, with paths depth-first in own-key order", () => {
    const tree = { layer1: { weights: t(1, 2), bias: t(3) }, layer2: { weights: t(4) } };
    const { structure, paths, leaves } = treeFlatten(tree);
    expect(paths).toEqual([
      ["layer1", "weights"],
      ["layer1", "bias"],
      ["layer2", "weights"],
    ]);
    expect(leaves).toEqual([tree.layer1.weights, tree.layer1.bias, tree.layer2.weights]);
    expect(treeUnflatten(structure, leaves)).toEqual(tree);
    expect(treeUnflatten(structure, [1, 2, 3])).toEqual({
      layer1: { weights: 1, bias: 2 },
      layer2: { weights: 3 },
    });
    expect(() => treeUnflatten(structure, [1, 2])).toThrow(ValueError);
    expect(() => treeUnflatten(structure, [1, 2, 3, 4])).toThrow(/3 leaves but 4 were given/);
  });

  it("reads arrays and a lone tensor only when asked, and takes extra leaves from isLeaf", () => {
    const tree = [t(1), { b: t(2) }];
    expect(() => treeFlatten(tree as never)).toThrow(/the tree is an array of length 2, not a tensor/);
    const flat = treeFlatten(tree as never, { arrays: true });
    expect(flat.paths).toEqual([["0"], ["1", "b"]]);
    const rebuilt = treeUnflatten(flat.structure, flat.leaves) as unknown;
    expect(Array.isArray(rebuilt)).toBe(true);
    expect(rebuilt).toEqual(tree);
    expect(() => treeFlatten(t(1))).toThrow(/the tree is a tensor, not a tree/);
    expect(treeFlatten(t(1), { leafRoot: true }).paths).toEqual([[]]);
    const marker = { traced: true };
    const marked = treeFlatten({ a: marker } as never, { isLeaf: (value) => value === marker });
    expect(marked.leaves).toEqual([marker]);
  });

  it('refuses a "__proto__" key by default, keeps it as an own key with prototypeKey: "own"', () => {
    const hostile = JSON.parse('{"__proto__": {"w": {"shape": [1], "dtype": "float64"}}, "v": null}');
    hostile.v = t(1);
    Object.defineProperty(hostile, "__proto__", { value: { w: t(2) }, enumerable: true });
    expect(() => treeFlatten(hostile, { op: "adam" })).toThrow(
      /adam: "__proto__": "__proto__" cannot name a parameter/,
    );
    const mapped = treeMap(hostile, (leaf) => leaf.data[0]!, { prototypeKey: "own" }) as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(mapped)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(mapped, "__proto__")!.value).toEqual({ w: 2 });
    expect(({} as { w?: unknown }).w).toBeUndefined();
    // A key check runs before the value under the key is read, empty subtrees included.
    const seen: string[] = [];
    treeFlatten({ a: { b: t(1) }, empty: {} }, { checkKey: (_key, path) => void seen.push(path.join(".")) });
    expect(seen).toEqual(["a", "a.b", "empty"]);
    expect(() =>
      treeFlatten({ "bad.name": { x: 3 } } as never, {
        checkKey: (key) => {
          if (key.includes(".")) throw new ValueError("save", `name ${key} holds "."`);
        },
      }),
    ).toThrow('save: name bad.name holds "."');
    // Prototype names that are harmless as own keys stay.
    expect(treeFlatten({ constructor: t(1), toString: { x: t(2) } } as never).paths).toEqual([
      ["constructor"],
      ["toString", "x"],
    ]);
  });

  it("gives a ValueError naming the path for cycles and deep nesting, not a stack overflow", () => {
    const cyclic: Record<string, unknown> = { w: t(1) };
    cyclic.inner = { back: cyclic };
    expect(() => treeFlatten(cyclic as never, { op: "fit" })).toThrow(
      'fit: "inner.back" refers back to an enclosing object: a tree of tensors must not contain cycles',
    );
    let deep: Record<string, unknown> = { w: t(1) };
    for (let i = 0; i < 10_000; i++) deep = { n: deep };
    expect(() => treeFlatten(deep as never)).toThrow(ValueError);
    expect(() => treeFlatten(deep as never)).toThrow(
      new RegExp(`"n(\\.n){7}…" is nested more than ${MAX_TREE_DEPTH} levels deep \\(MAX_TREE_DEPTH\\)`),
    );
    let limit: Record<string, unknown> = { w: t(1) };
    for (let i = 1; i < MAX_TREE_DEPTH; i++) limit = { n: limit };
    expect(treeFlatten(limit as never).leaves.length).toBe(1);
    expect(() => treeFlatten({ n: limit } as never)).toThrow(ValueError);
    // A tensor shared by two branches is not a cycle.
    const shared = t(1);
    expect(treeFlatten({ a: { w: shared }, b: { w: shared } }).leaves.length).toBe(2);
  });

  it("names the path of leaves that are not tensors, and of tensors that lie", () => {
    expect(() => treeFlatten({ a: { b: 3 } } as never, { op: "l2" })).toThrow(
      /l2: "a\.b" is number 3, not a tensor: pass a tensor or an object of named tensors/,
    );
    expect(() => treeFlatten({ a: new Float32Array(2) } as never)).toThrow(
      /a Float32Array \(wrap it in a Tensor\)/,
    );
    expect(() => treeFlatten({ a: null } as never, { hint: "wrap a number with scalar(...)" })).toThrow(
      /"a" is null, not a tensor: wrap a number with scalar/,
    );
    expect(() => treeFlatten({ a: new Map() } as never)).toThrow(/"a" is an object \(Map\)/);
    const short = { shape: [3], dtype: "float32", data: new Float32Array(2) };
    expect(() => treeFlatten({ a: short } as never, { op: "sgd" })).toThrow(ShapeError);
    expect(() => treeFlatten({ a: short } as never, { op: "sgd" })).toThrow(
      /sgd: tensor "a" has shape \[3\]/,
    );
    const labels = { shape: [1], dtype: "int32", data: new Int32Array(1) };
    expect(() => treeFlatten({ a: labels } as never)).toThrow(DTypeError);
  });
});

describe("treeMap / treeZip / treeLeavesLike / treeGet", () => {
  const params = { dense: { weights: t(1, 2), bias: t(3) } };

  it("map leaves with their paths, keeping keys", () => {
    expect(treeMap(params, (leaf, path) => `${formatPath(path)}:${leaf.data.length}`)).toEqual({
      dense: { weights: "dense.weights:2", bias: "dense.bias:1" },
    });
    expect(() => treeMap(params, 3 as never)).toThrow(/treeMap: fn must be a function/);
  });

  it("zip two trees and name the first path where they differ", () => {
    const updates = { dense: { weights: t(10, 20), bias: t(30) } };
    expect(treeZip(params, updates, (a, b) => a.data[0]! + b.data[0]!)).toEqual({
      dense: { weights: 11, bias: 33 },
    });
    const names = ["params", "updates"] as const;
    expect(() =>
      treeZip(params, { dense: { weights: t(1), bias: t(3) } }, () => 0, { op: "apply", names }),
    ).toThrow(
      "apply: updates.dense.weights has shape [1] but params.dense.weights has shape [2]: both trees must hold tensors of the same shapes under the same names",
    );
    const flat = treeFlatten(params);
    expect(() => treeLeavesLike(flat, { dense: { weights: t(1, 2) } }, { names })).toThrow(
      /updates has no entry dense\.bias but params has/,
    );
    expect(() => treeLeavesLike(flat, { dense: { ...updates.dense, extra: t(1) } }, { names })).toThrow(
      /updates has an entry dense\.extra that params does not have/,
    );
    expect(() => treeLeavesLike(flat, { dense: t(1) }, { names })).toThrow(ShapeError);
    expect(() => treeLeavesLike(flat, { dense: { weights: 2, bias: t(3) } } as never, { names })).toThrow(
      /updates\.dense\.weights is number 2 but params\.dense\.weights is a tensor/,
    );
  });

  it("look up own properties only", () => {
    expect(treeGet(params, ["dense", "bias"])).toBe(params.dense.bias);
    expect(treeGet(params, ["dense", "toString"])).toBeUndefined();
    expect(treeGet(params, ["__proto__", "x"])).toBeUndefined();
  });

  it("set own properties, __proto__ included", () => {
    const node: Record<string, unknown> = {};
    setOwnProperty(node, "__proto__", { polluted: 1 });
    expect(Object.getPrototypeOf(node)).toBe(Object.prototype);
    expect(Object.keys(node)).toEqual(["__proto__"]);
    expect(formatPath([])).toBe("<root>");
    expect(() => formatPath("a.b" as never)).toThrow(ValueError);
  });

  it("recognizes tensors structurally", () => {
    expect(isTensorLike(t(1))).toBe(true);
    expect(isTensorLike({ shape: [1], dtype: "float32", data: new Float32Array(1) })).toBe(true);
    expect(isTensorLike({ weights: t(1) })).toBe(false);
    expect(isTensorLike({ shape: [1], data: [1] })).toBe(false);
  });
});

describe("masks", () => {
  const params = { encoder: { weights: t(1, 2), bias: t(3) }, decoder: { weights: t(4) } };
  const flat = treeFlatten(params);

  it("resolve a predicate on (path, tensor) and a boolean tree whose booleans may cover subtrees", () => {
    expect(
      resolveMask("masked", (path, tensor) => path.at(-1) !== "bias" && tensor.data.length > 1, flat),
    ).toEqual([true, false, false]);
    expect(resolveMask("masked", { encoder: { weights: true, bias: false }, decoder: true }, flat)).toEqual([
      true,
      false,
      true,
    ]);
    expect(
      maskSelects("l2", { encoder: false, decoder: true }, ["encoder", "bias"], params.encoder.bias),
    ).toBe(false);
  });

  it("names the label and path of a missing entry or a non-boolean answer", () => {
    expect(() => resolveMask("l2", { encoder: { weights: true } }, flat, "include")).toThrow(
      /l2: include has no entry for encoder\.bias/,
    );
    expect(() => resolveMask("l2", { encoder: 1, decoder: true } as never, flat)).toThrow(
      /the mask holds number 1 at encoder\.weights: expected true or false/,
    );
    expect(() => resolveMask("masked", (() => "yes") as never, flat)).toThrow(
      /masked: the mask returned string "yes" for encoder\.weights: a mask predicate must return true or false/,
    );
    expect(() => requireMask("masked", "mask", "bias")).toThrow(/mask = string "bias" is not a mask/);
    expect(() => requireMask("masked", "mask", t(1))).toThrow(ValueError);
    expect(() => requireMask("masked", "mask", { a: true })).not.toThrow();
  });
});
