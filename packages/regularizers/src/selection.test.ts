import { Tensor, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { l1, l2 } from "./penalties.js";
import { allParameters, isWeightParameter } from "./selection.js";

const one = () => new Tensor(Float64Array.from([2]), [1]);

describe("name-based selection", () => {
  it("default: weights and kernels, not biases nor normalization parameters", () => {
    const cases: [string[], boolean][] = [
      [["dense1", "weights"], true],
      [["conv", "kernel"], true],
      [["w"], true],
      [["embedding", "embeddings"], true],
      [["lstm", "recurrentKernel"], true],
      [["dense1", "bias"], false],
      [["dense1", "b"], false],
      [["dense1", "hiddenBias"], false],
      [["dense1", "Biases"], false],
      [["batchNorm", "gamma"], false],
      [["layerNorm1", "scale"], false],
      [["blocks", "normalization", "weights"], false],
      [["ribbon"], true],
    ];
    for (const [path, expected] of cases)
      expect([path.join("."), isWeightParameter(path, one())]).toEqual([path.join("."), expected]);
    expect(() => isWeightParameter("dense.bias" as never)).toThrow(/must be an array of names/);
  });

  it("penalizes only selected parameters", () => {
    const params = { dense: { weights: one(), bias: one() }, layerNorm: { gamma: one(), beta: one() } };
    expect(l2(1).penalty(params)).toBe(2);
    expect(l2(1, { include: allParameters }).penalty(params)).toBe(8);
    expect(l1(1, { include: (path) => path[0] === "layerNorm" }).penalty(params)).toBe(4);
    expect(l1(1, { include: allParameters, exclude: (path) => path.at(-1) === "beta" }).penalty(params)).toBe(
      6,
    );
    // The predicate sees the parameter tensor too (optax's mask): select by rank or size.
    const wide = { dense: { weights: new Tensor(Float64Array.from([1, 1, 1]), [3]), bias: one() } };
    expect(l1(1, { include: (_path, tensor) => tensor.data.length > 1 }).penalty(wide)).toBe(3);
    expect(
      l1(1, { include: allParameters, exclude: { dense: { weights: false, bias: true } } }).penalty(wide),
    ).toBe(3);
  });

  it("accepts a boolean tree as include, a boolean standing for a subtree, and names a missing entry", () => {
    const params = { dense: { weights: one(), bias: one() } };
    expect(l2(1, { include: { dense: { weights: false, bias: true } } }).penalty(params)).toBe(2);
    expect(l2(1, { include: { dense: true } }).penalty(params)).toBe(4);
    expect(() => l2(1, { include: { dense: { weights: true } } }).penalty(params)).toThrow(
      "l2: include has no entry for dense.bias",
    );
    expect(() => l2(1, { include: () => "yes" as never }).penalty(params)).toThrow(
      'l2: include returned string "yes" for dense.weights: a mask predicate must return true or false',
    );
  });

  it("rejects a malformed include / exclude", () => {
    expect(() => l2(1, { include: 3 as never })).toThrow(ValueError);
    expect(() => l2(1, { exclude: "bias" as never })).toThrow(/exclude = string "bias" is not a mask/);
  });
});
