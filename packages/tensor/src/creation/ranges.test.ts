import { describe, expect, it } from "vitest";
import { arange, eye, linspace, ValueError } from "../index.js";

describe("arange", () => {
  it("counts from 0 with one argument", () => {
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(0).shape).toEqual([0]);
    expect(arange(-2).shape).toEqual([0]);
  });

  it("steps up, down and by fractions without accumulating error", () => {
    expect(arange(1, 3, 0.5).toArray()).toEqual([1, 1.5, 2, 2.5]);
    expect(arange(3, 0, -1).toArray()).toEqual([3, 2, 1]);
    const tenths = arange(0, 1, 0.1, "float64");
    expect(tenths.size).toBe(10);
    expect(tenths.data[7]).toBe(7 * 0.1);
    expect(arange(0, 0.3, 0.1, "float64").size).toBe(3);
  });

  it("rejects a zero step and non-finite bounds", () => {
    expect(() => arange(0, 5, 0)).toThrow(ValueError);
    expect(() => arange(0, 5, 0)).toThrow("arange: step is 0: use a non-zero step");
    expect(() => arange(0, Number.POSITIVE_INFINITY)).toThrow(
      "arange: stop is Infinity: use a finite number",
    );
    expect(() => arange(Number.NaN)).toThrow("arange: stop is NaN");
    expect(() => arange(Number.NaN, 2)).toThrow("arange: start is NaN");
  });
});

describe("linspace", () => {
  it("includes both ends, the last exactly", () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(0, 0.3, 4, "float64").data[3]).toBe(0.3);
    expect(linspace(2, 5, 1).toArray()).toEqual([2]);
    expect(linspace(2, 5, 0).shape).toEqual([0]);
    expect(linspace(1, -1, 3).toArray()).toEqual([1, 0, -1]);
  });

  it("rejects bad counts", () => {
    expect(() => linspace(0, 1, -1)).toThrow("linspace: count is -1: use a non-negative integer");
    expect(() => linspace(0, 1, 2.5)).toThrow("count is 2.5");
    expect(() => linspace(0, 1, Number.NaN)).toThrow("count is NaN");
  });
});

describe("eye", () => {
  it("puts ones on the diagonal of square and rectangular matrices", () => {
    expect(eye(3).toNested()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(eye(2, 3).toNested()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(3, 2).toNested()).toEqual([
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    expect(eye(2, 2, "float64").dtype).toBe("float64");
  });

  it("rejects bad sizes", () => {
    expect(() => eye(-1)).toThrow("eye: rows is -1: use a non-negative integer");
    expect(() => eye(2, 1.5)).toThrow("eye: columns is 1.5");
  });
});
