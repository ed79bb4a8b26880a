import type { ParamTree } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { addTrees, scaleTree } from "./tree-arithmetic.js";

const f32 = (values: number[]) => new Tensor(Float32Array.from(values), [values.length]);
const valuesOf = (tree: ParamTree, group: string, name: string) =>
  Array.from(((tree[group] as ParamTree)[name] as Tensor).data);

describe("addTrees", () => {
  it("adds matched leaves into new tensors, keeps unmatched ones and ignores extra addends", () => {
    const bias = f32([7]);
    const a = { layer: { weights: f32([1, 2]), bias } };
    const sum = addTrees(a, { layer: { weights: f32([0.5, -2]) }, other: { w: f32([1]) } });
    expect(valuesOf(sum, "layer", "weights")).toEqual([1.5, 0]);
    expect((sum.layer as ParamTree).bias).toBe(bias);
    expect(valuesOf(a, "layer", "weights")).toEqual([1, 2]);
    expect(Object.keys(sum)).toEqual(["layer"]);
  });

  it("names itself and the path for mismatched sizes and unsaveable names", () => {
    expect(() => addTrees({ w: f32([1, 2]) }, { w: f32([1]) })).toThrow(
      /^addTrees: "w" has 2 elements in a but 1 in b/,
    );
    expect(() => addTrees({ w: f32([1]) }, { "a.b": f32([1]) } as never)).toThrow(ValueError);
    expect(() => addTrees({ constructor: f32([1]) } as never, {})).toThrow(
      /^addTrees: parameter name "constructor" .* is reserved/,
    );
  });
});

describe("scaleTree", () => {
  it("multiplies every leaf by the factor into new tensors", () => {
    const tree = { layer: { weights: f32([1, -2]), bias: f32([0.5]) } };
    const scaled = scaleTree(tree, 0.5);
    expect(valuesOf(scaled, "layer", "weights")).toEqual([0.5, -1]);
    expect(valuesOf(scaled, "layer", "bias")).toEqual([0.25]);
    expect((scaled.layer as ParamTree).weights).not.toBe(tree.layer.weights);
    expect(valuesOf(tree, "layer", "weights")).toEqual([1, -2]);
  });

  it("refuses a factor that is not a number and names that a file cannot store", () => {
    expect(() => scaleTree({ w: f32([1]) }, Number.NaN)).toThrow(
      /^scaleTree: factor must be a number, got NaN/,
    );
    expect(() => scaleTree({ w: f32([1]) }, "2" as never)).toThrow(ValueError);
    expect(() => scaleTree({ "a.b": f32([1]) } as never, 2)).toThrow(/^scaleTree: parameter name "a\.b"/);
  });
});
