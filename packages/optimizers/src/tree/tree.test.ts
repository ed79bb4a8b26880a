import { ShapeError, Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { vector } from "../test-helpers.js";
import {
  applyUpdates,
  assertSameStructure,
  globalNorm,
  mapTree,
  treeLeaves,
  zerosLikeTree,
  zipTrees,
} from "./tree.js";

const params = {
  layer1: {
    weights: new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]),
    bias: vector([0.5, -0.5, 1], "float32"),
  },
  scale: vector([2]),
};

describe("tree utilities", () => {
  it("lists leaves with their name paths, depth-first in key order", () => {
    expect(treeLeaves(params).map(({ path }) => path.join("."))).toEqual([
      "layer1.weights",
      "layer1.bias",
      "scale",
    ]);
  });

  it("maps leaves by path, keeping the keys", () => {
    const sizes = mapTree(params, (tensor, path) => `${path.join("/")}:${tensor.data.length}`);
    expect(sizes).toEqual({
      layer1: { weights: "layer1/weights:6", bias: "layer1/bias:3" },
      scale: "scale:1",
    });
  });

  it("zips two trees leaf by leaf", () => {
    const dots = zipTrees(params, params, (a, b) =>
      Array.from(a.data).reduce((sum, x, i) => sum + x * b.data[i]!, 0),
    );
    expect(dots).toEqual({ layer1: { weights: 91, bias: 1.5 }, scale: 4 });
  });

  it("names the path where keys or shapes differ", () => {
    const wrongShape = { ...params, layer1: { ...params.layer1, bias: vector([1, 2]) } };
    expect(() =>
      assertSameStructure(params, wrongShape, { op: "train", names: ["params", "gradients"] }),
    ).toThrow(
      new ShapeError(
        "train",
        "gradients.layer1.bias has shape [2] but params.layer1.bias has shape [3]: both trees must hold tensors of the same shapes under the same names",
      ),
    );
    const missing = { layer1: params.layer1 };
    expect(() => assertSameStructure(params, missing, { names: ["params", "gradients"] })).toThrow(
      /gradients has no entry scale/,
    );
    const extra = { ...params, extra: vector([1]) };
    expect(() => assertSameStructure(params, extra, { names: ["params", "gradients"] })).toThrow(
      /gradients has an entry extra/,
    );
    const leafForTree = { ...params, layer1: vector([1]) };
    expect(() => assertSameStructure(params, leafForTree)).toThrow(ShapeError);
  });

  it("applies updates as deltas, keeping the parameters' dtype and leaving the inputs alone", () => {
    const updates = mapTree(params, (t) => new Tensor(new Float64Array(t.data.length).fill(0.25), t.shape));
    const next = applyUpdates(params, updates) as typeof params;
    expect(Array.from(next.layer1.bias.data)).toEqual([0.75, -0.25, 1.25]);
    expect(next.layer1.weights.dtype).toBe("float32");
    expect(next.layer1.weights.shape).toEqual([2, 3]);
    expect(next.scale.dtype).toBe("float64");
    expect(Array.from(params.layer1.bias.data)).toEqual([0.5, -0.5, 1]);
    expect(() => applyUpdates(params, { scale: vector([1]) })).toThrow(ShapeError);
  });

  it("computes the global norm over all leaves", () => {
    expect(globalNorm({ a: vector([3]), b: { c: vector([0, 4]) } })).toBe(5);
    expect(globalNorm({})).toBe(0);
  });

  it("makes zeros shaped like a tree", () => {
    const zeros = zerosLikeTree(params) as typeof params;
    expect(Array.from(zeros.layer1.weights.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(zeros.layer1.weights.dtype).toBe("float32");
    expect((zerosLikeTree(params, "float64") as typeof params).layer1.weights.dtype).toBe("float64");
  });
});
