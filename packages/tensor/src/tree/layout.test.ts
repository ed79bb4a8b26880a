import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { layoutLeaves, structuresEqual, treeFlatten, treeLayout, treeUnflatten } from "./index.js";

const t = (...values: number[]) => new Tensor(Float64Array.from(values), [values.length]);

describe("treeLayout / layoutLeaves", () => {
  it("reads the leaves of a tree keyed like the compiled one in treeFlatten's order", () => {
    const params = { b: { weights: t(1, 2), bias: t(3) }, a: {}, c: { weights: t(4) } };
    const layout = treeLayout(params);
    const { structure, paths } = treeFlatten(params);
    expect(layout).toEqual({ structure, paths });
    const gradients = { c: { weights: t(7) }, a: {}, b: { bias: t(6), weights: t(5, 5) } };
    expect(layoutLeaves(layout, gradients)).toEqual([
      gradients.b.weights,
      gradients.b.bias,
      gradients.c.weights,
    ]);
    const rebuilt = treeUnflatten(layout.structure, layoutLeaves(layout, gradients));
    expect(Object.keys(rebuilt)).toEqual(["b", "a", "c"]);
  });

  it("checks the tree it compiles as treeFlatten does", () => {
    expect(() => treeLayout({ w: [t(1)] } as never, { op: "fit" })).toThrow(ValueError);
    expect(() => treeLayout({ w: [t(1)] } as never, { op: "fit" })).toThrow(/^fit: /);
  });

  it("throws a ShapeError naming the path that does not lead to a tensor, through own keys only", () => {
    const layout = treeLayout({ dense: { bias: t(1) }, toString: t(2) });
    expect(() =>
      layoutLeaves(layout, { dense: {}, toString: t(2) }, { op: "sgd", name: "gradients" }),
    ).toThrow(
      new ShapeError(
        "sgd",
        "gradients.dense.bias is undefined but the layout has a tensor there: pass a tree with the keys of the tree the layout was compiled from",
      ),
    );
    expect(() => layoutLeaves(layout, { dense: { bias: t(1) } })).toThrow(/the tree\.toString is undefined/);
  });

  it("compares structures key by key, in order, empty subtrees included", () => {
    const layout = treeLayout({ a: { w: t(1) }, b: {} });
    expect(structuresEqual(treeLayout({ a: { w: t(9, 9) }, b: {} }).structure, layout.structure)).toBe(true);
    expect(structuresEqual(treeLayout({ a: { w: t(1) } }).structure, layout.structure)).toBe(false);
    expect(structuresEqual(treeLayout({ b: {}, a: { w: t(1) } }).structure, layout.structure)).toBe(false);
    expect(structuresEqual(treeLayout({ a: { w: t(1), v: t(1) }, b: {} }).structure, layout.structure)).toBe(
      false,
    );
  });
});
