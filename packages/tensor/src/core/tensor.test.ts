import { describe, expect, it } from "vitest";
import { Tensor, ValueError } from "../index.js";

describe("Tensor", () => {
  it("wraps row-major data with a frozen shape", () => {
    const t = new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe("float32");
    expect(t.toNested()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Object.isFrozen(t.shape)).toBe(true);
  });

  it("rejects data whose length does not match the shape, naming both", () => {
    expect(() => new Tensor(new Float64Array(5), [2, 3])).toThrow(ValueError);
    expect(() => new Tensor(new Float64Array(5), [2, 3])).toThrow(
      /\[2,3\] needs 6 elements but the data has 5/,
    );
  });

  it("item() reads a one-element tensor and refuses larger ones", () => {
    expect(new Tensor(new Float64Array([7]), []).item()).toBe(7);
    expect(() => new Tensor(new Float64Array(2), [2]).item()).toThrow(/exactly one/);
  });
});
