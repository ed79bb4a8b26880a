import type { ParamTree } from "@descent/spec";
import { MAX_TREE_DEPTH, ShapeError, Tensor, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { cloneTree, flattenTree, mapTree, unflattenTree } from "./parameter-names.js";

// Why this exists: tree paths come from files (`unflattenTree` of a weights file's names) and trees from
// users. `__proto__.polluted` used to reach Object.prototype, `toString.x` to decorate the built-in
// function, and a cyclic or 10,000-deep tree overflowed the stack with a RangeError.

const t = (n = 1) => new Tensor(new Float32Array(n), [n]);

describe("unflattenTree", () => {
  it("rejects reserved names and follows own properties only", () => {
    for (const path of ["__proto__.polluted", "constructor.prototype.x", "a.__proto__", "prototype"]) {
      expect(() => unflattenTree([[path, t()]])).toThrow(ValueError);
      expect(() => unflattenTree([[path, t()]])).toThrow(/is reserved/);
    }
    const tree = unflattenTree([
      ["toString.x", t()],
      ["valueOf", t(2)],
    ]) as Record<string, unknown>;
    expect(Object.hasOwn(tree, "toString")).toBe(true);
    expect(Object.hasOwn(Object.prototype.toString, "x")).toBe(false);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(flattenTree(tree as ParamTree).map(([path]) => path)).toEqual(["toString.x", "valueOf"]);
  });

  it("rejects empty parts, duplicates and a name that is both a tensor and a group", () => {
    expect(() => unflattenTree([["a..b", t()]])).toThrow(/is empty or contains "\."/);
    expect(() =>
      unflattenTree([
        ["a", t()],
        ["a", t()],
      ]),
    ).toThrow(/duplicate entry "a"/);
    expect(() =>
      unflattenTree([
        ["a", t()],
        ["a.b", t()],
      ]),
    ).toThrow(/"a" is both a tensor and a group/);
    expect(() =>
      unflattenTree([
        ["a.b", t()],
        ["a", t()],
      ]),
    ).toThrow(/"a" is both a tensor and a group/);
  });
});

describe("flattenTree / mapTree", () => {
  it("throw a ValueError for cycles and deep nesting, not a stack overflow", () => {
    const cyclic: Record<string, unknown> = { w: t() };
    cyclic.inner = { back: cyclic };
    expect(() => flattenTree(cyclic as ParamTree)).toThrow(
      /flattenTree: "inner\.back" refers back to an enclosing object: a tree of tensors must not contain cycles/,
    );
    expect(() => mapTree(cyclic as ParamTree, (x) => x)).toThrow(/cycle/);
    let deep: Record<string, unknown> = { w: t() };
    for (let i = 0; i < 10_000; i++) deep = { n: deep };
    expect(() => flattenTree(deep as ParamTree)).toThrow(
      new RegExp(`nested more than ${MAX_TREE_DEPTH} levels`),
    );
    expect(() => mapTree(deep as ParamTree, (x) => x)).toThrow(ValueError);
    // A tensor shared by two branches is not a cycle.
    const shared = t();
    expect(flattenTree({ a: { w: shared }, b: { w: shared } }).length).toBe(2);
  });

  it("reject leaves that are not tensors and tensors that lie about their shape", () => {
    expect(() => flattenTree({ a: 5 } as never)).toThrow(/"a" is number 5, not a tensor/);
    expect(() => flattenTree({ a: null } as never)).toThrow(/"a" is null/);
    expect(() => flattenTree({ a: new Float32Array(2) } as never)).toThrow(
      /a Float32Array \(wrap it in a Tensor\)/,
    );
    const lying = { shape: [-1, 2], dtype: "float32", data: new Float32Array(2) };
    expect(() => flattenTree({ a: lying } as never)).toThrow(ShapeError);
    expect(() => flattenTree({ a: lying } as never)).toThrow(/tensor "a"\.shape \[-1,2\] has size -1/);
    const short = { shape: [3], dtype: "float32", data: new Float32Array(2) };
    expect(() => flattenTree({ a: short } as never)).toThrow(
      /tensor "a" has shape \[3\] \(3 elements\) but 2 data elements/,
    );
    const JSONProto = JSON.parse('{"__proto__": {"w": 1}}');
    expect(() => flattenTree(JSONProto)).toThrow(/"__proto__" .* is reserved/);
    expect(() => mapTree({ constructor: { w: t() } } as never, (x) => x)).toThrow(
      /"constructor" .* is reserved/,
    );
    expect(() => mapTree({ "a.b": {} } as never, (x) => x)).toThrow(/is empty or contains "\."/);
  });
});

describe("mapTree / cloneTree", () => {
  it("mapTree hands out dotted names in flattenTree's order", () => {
    const tree = { dense_1: { weights: t(2), bias: t() }, dense_2: { bias: t(3) } };
    const names: string[] = [];
    const sizes = mapTree(tree, (tensor, path) => {
      names.push(path);
      return t(tensor.data.length + 1);
    });
    expect(names).toEqual(flattenTree(tree).map(([path]) => path));
    expect(names).toEqual(["dense_1.weights", "dense_1.bias", "dense_2.bias"]);
    expect(flattenTree(sizes).map(([path, tensor]) => [path, tensor.data.length])).toEqual([
      ["dense_1.weights", 3],
      ["dense_1.bias", 2],
      ["dense_2.bias", 4],
    ]);
    expect(() => mapTree(tree, 5 as never)).toThrow(/mapTree: fn must be a function/);
  });

  it("cloneTree copies every leaf's data and names itself in errors", () => {
    const weights = new Tensor(Float32Array.from([1, 2, 3]), [3]);
    const clone = cloneTree({ layer: { weights } }) as { layer: { weights: Tensor } };
    expect(clone.layer.weights).not.toBe(weights);
    expect(clone.layer.weights.data).not.toBe(weights.data);
    expect(clone.layer.weights.shape).toEqual([3]);
    expect(Array.from(clone.layer.weights.data)).toEqual([1, 2, 3]);
    weights.data[0] = 9;
    expect(clone.layer.weights.data[0]).toBe(1);
    expect(() => cloneTree({ "a.b": t() } as never)).toThrow(/^cloneTree: parameter name "a\.b"/);
  });
});
