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
      expect([path.join("."), isWeightParameter(path.join("."), path)]).toEqual([path.join("."), expected]);
  });

  it("penalizes only selected parameters", () => {
    const params = { dense: { weights: one(), bias: one() }, layerNorm: { gamma: one(), beta: one() } };
    expect(l2(1).penalty(params)).toBe(2);
    expect(l2(1, { include: allParameters }).penalty(params)).toBe(8);
    expect(l1(1, { include: (name) => name.startsWith("layerNorm") }).penalty(params)).toBe(4);
    expect(
      l1(1, { include: allParameters, exclude: (_name, path) => path.at(-1) === "beta" }).penalty(params),
    ).toBe(6);
  });

  it("accepts a boolean tree as include, and names a missing entry", () => {
    const params = { dense: { weights: one(), bias: one() } };
    expect(l2(1, { include: { dense: { weights: false, bias: true } } }).penalty(params)).toBe(2);
    expect(() => l2(1, { include: { dense: { weights: true } } }).penalty(params)).toThrow(
      'l2: the mask has no boolean at "dense.bias"',
    );
  });

  it("rejects a malformed include / exclude", () => {
    expect(() => l2(1, { include: 3 as never })).toThrow(ValueError);
    expect(() => l2(1, { exclude: "bias" as never })).toThrow("exclude must be a function");
  });
});
