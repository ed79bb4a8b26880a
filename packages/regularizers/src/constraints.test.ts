import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { maxNorm, minMaxNorm, nonNeg, unitNorm } from "./constraints.js";

const epsilon = 1e-7;
// [in = 2, out = 3]: columns (0,3)→norm 3, (4,0)→4, (0,0.5)→0.5.
const weights = () => new Tensor(Float64Array.from([0, 4, 0, 3, 0, 0.5]), [2, 3]);

function weightsOf(tree: ParamTree): TensorLike {
  return (tree as { dense: { weights: TensorLike } }).dense.weights;
}

describe("constraints", () => {
  it("maxNorm (axis 0 = each output unit's incoming weights of an [in, out] matrix)", () => {
    const bias = new Tensor(Float64Array.from([10, 10]), [2]);
    const result = maxNorm(2).apply({ dense: { weights: weights(), bias } });
    const expected = [
      0,
      4 * (2 / (4 + epsilon)),
      0,
      3 * (2 / (3 + epsilon)),
      0,
      0.5 * (0.5 / (0.5 + epsilon)),
    ];
    expect(Array.from(weightsOf(result).data)).toEqual(expected);
    expect((result as { dense: { bias: TensorLike } }).dense.bias).toBe(bias);
  });

  it("maxNorm with axis 1 bounds rows instead (PyTorch [out, in] layout)", () => {
    const result = weightsOf(maxNorm(1, { axis: 1 }).apply({ dense: { weights: weights() } }));
    const row0 = 4; // (0, 4, 0)
    const row1 = Math.sqrt(9.25); // (3, 0, 0.5)
    expect(Array.from(result.data)).toEqual([
      0,
      4 * (1 / (row0 + epsilon)),
      0,
      3 * (1 / (row1 + epsilon)),
      0,
      0.5 * (1 / (row1 + epsilon)),
    ]);
  });

  it("maxNorm over several axes (conv kernel) and negative axes", () => {
    const kernel = new Tensor(Float64Array.from([3, 0, 4, 0, 0, 1, 0, 0]), [2, 2, 2]);
    const all = weightsOf(maxNorm(1, { axis: [0, 1] }).apply({ dense: { weights: kernel } }));
    // output channel 0: (3, 4, 0, 0) → norm 5; channel 1: (0, 0, 1, 0) → norm 1.
    expect(Array.from(all.data)).toEqual([
      3 / (5 + epsilon),
      0,
      4 / (5 + epsilon),
      0,
      0,
      1 / (1 + epsilon),
      0,
      0,
    ]);
    const negative = weightsOf(maxNorm(1, { axis: [-3, -2] }).apply({ dense: { weights: kernel } }));
    expect(Array.from(negative.data)).toEqual(Array.from(all.data));
  });

  it("unitNorm makes every column norm ≈ 1", () => {
    const result = weightsOf(unitNorm().apply({ dense: { weights: weights() } }));
    for (let column = 0; column < 3; column++) {
      const a = result.data[column]!;
      const b = result.data[3 + column]!;
      expect(Math.hypot(a, b)).toBeCloseTo(1, 6);
    }
  });

  it("minMaxNorm clips norms into [min, max] at rate 1, moves part way at rate 0.5", () => {
    const strict = weightsOf(minMaxNorm(1, 3.5).apply({ dense: { weights: weights() } }));
    expect(Array.from(strict.data)).toEqual([
      0,
      4 * (3.5 / (4 + epsilon)),
      0,
      3 * (3 / (3 + epsilon)),
      0,
      0.5 * (1 / (0.5 + epsilon)),
    ]);
    const half = weightsOf(minMaxNorm(1, 3.5, 0.5).apply({ dense: { weights: weights() } }));
    expect(half.data[1]).toBeCloseTo(4 * (3.75 / 4), 6);
    expect(half.data[5]).toBeCloseTo(0.5 * (0.75 / 0.5), 6);
  });

  it("nonNeg zeroes negative weights and keeps float32", () => {
    const w = new Tensor(Float32Array.from([-1, 2, -0.5, 0]), [4]);
    const result = weightsOf(nonNeg().apply({ dense: { weights: w } }));
    expect(result.dtype).toBe("float32");
    expect(Array.from(result.data)).toEqual([0, 2, 0, 0]);
  });

  it("validates its arguments", () => {
    expect(() => maxNorm(0)).toThrow("maxNorm: max 0 must be a finite number > 0");
    expect(() => maxNorm(Number.NaN)).toThrow(ValueError);
    expect(() => minMaxNorm(2, 1)).toThrow("minMaxNorm: max 1 is smaller than min 2");
    expect(() => minMaxNorm(0, 1, 1.5)).toThrow("rate 1.5 must be in [0, 1]");
    expect(() => maxNorm(1, { axis: 2 }).apply({ dense: { weights: weights() } })).toThrow(
      "maxNorm: axis 2 is out of range for a tensor of rank 2",
    );
    expect(() => maxNorm(1, { axis: [] })).toThrow("axis is an empty list");
  });
});
