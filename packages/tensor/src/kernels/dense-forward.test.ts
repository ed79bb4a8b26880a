import { describe, expect, it } from "vitest";
import { applyDenseEpilogue, denseForwardByGemm } from "./dense-forward.js";
import { jsKernels } from "./js-kernels.js";

describe("denseForwardByGemm", () => {
  it("computes act(A·B + bias) row by row, ReLU = max(x, 0) keeping NaN", () => {
    // A = [[1, 2], [3, NaN]], B = [[1, 0, -1], [0, 1, -1]], bias = [0.5, -10, 0]
    const a = Float32Array.of(1, 2, 3, Number.NaN);
    const b = Float32Array.of(1, 0, -1, 0, 1, -1);
    const bias = Float32Array.of(0.5, -10, 0);
    const c = new Float32Array(6).fill(99);
    denseForwardByGemm(jsKernels, false, false, 2, 3, 2, a, b, bias, "relu", c);
    expect(Array.from(c)).toEqual([1.5, 0, 0, Number.NaN, Number.NaN, Number.NaN]);
    denseForwardByGemm(jsKernels, false, false, 2, 3, 2, a, b, bias, "none", c);
    expect(Array.from(c.subarray(0, 3))).toEqual([1.5, -8, -3]);
    denseForwardByGemm(jsKernels, false, false, 2, 3, 2, a, b, null, "none", c);
    expect(Array.from(c.subarray(0, 3))).toEqual([1, 2, -3]);
  });

  it("turns -0 into +0 under ReLU and leaves C alone without bias or activation", () => {
    const c = Float32Array.of(-0, -1, 2);
    applyDenseEpilogue(1, 3, null, "none", c);
    expect(Object.is(c[0], -0)).toBe(true);
    applyDenseEpilogue(1, 3, null, "relu", c);
    expect(Array.from(c)).toEqual([0, 0, 2]);
    expect(Object.is(c[0], 0)).toBe(true);
  });
});
