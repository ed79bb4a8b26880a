import { describe, expect, it } from "vitest";
import { arange, pad, reshape, ShapeError, slice, tensor, ValueError } from "../index.js";

const matrix = tensor([
  [1, 2, 3],
  [4, 5, 6],
]);

describe("slice", () => {
  it("takes blocks, with negative begins and -1 sizes", () => {
    expect(slice(matrix, [0, 1], [2, 2]).toNested()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(slice(matrix, [1]).toNested()).toEqual([[4, 5, 6]]);
    expect(slice(matrix, [0, -1]).toNested()).toEqual([[3], [6]]);
    expect(slice(matrix, [-1, 0], [1, -1]).toNested()).toEqual([[4, 5, 6]]);
    expect(slice(matrix, [2, 0]).shape).toEqual([0, 3]);
    expect(slice(tensor(3), []).item()).toBe(3);
  });

  it("copies long contiguous runs exactly", () => {
    const t = reshape(arange(0, 3 * 100, 1, "float64"), [3, 100]);
    expect(slice(t, [1, 10], [2, 80]).toArray()).toEqual([
      ...Array.from({ length: 80 }, (_, i) => 110 + i),
      ...Array.from({ length: 80 }, (_, i) => 210 + i),
    ]);
  });

  it("says which axis the block leaves, and the largest size that fits", () => {
    expect(() => slice(matrix, [0, 2], [2, 2])).toThrow(ShapeError);
    expect(() => slice(matrix, [0, 2], [2, 2])).toThrow(
      "slice: begin [0,2] with size [2,2] goes past the end of axis 1 (size 3) of [2,3]: 2 + 2 > 3; use a size of at most 1 (or -1 for the rest)",
    );
    expect(() => slice(matrix, [0, 4])).toThrow(
      "slice: begin [0,4] is out of range for shape [2,3] at axis 1: use a begin in [-3, 3]",
    );
    expect(() => slice(matrix, [0, 0, 0])).toThrow(ValueError);
    expect(() => slice(matrix, [0.5])).toThrow("must hold integers (axis 0 has 0.5, -1)");
  });
});

describe("pad", () => {
  it("pads each axis before and after with the value", () => {
    expect(
      pad(tensor([[1, 2]]), [
        [1, 0],
        [0, 1],
      ]).toNested(),
    ).toEqual([
      [0, 0, 0],
      [1, 2, 0],
    ]);
    expect(pad(tensor([1]), [[2, 2]], -1).toArray()).toEqual([-1, -1, 1, -1, -1]);
    expect(pad(tensor(3), []).item()).toBe(3);
  });

  it("needs one [before, after] pair of non-negative integers per axis", () => {
    expect(() => pad(matrix, [[1, 1]])).toThrow(ShapeError);
    expect(() => pad(matrix, [[1, 1]])).toThrow(
      "pad: paddings has 1 entries but the tensor has rank 2 ([2,3]): give one [before, after] pair per axis",
    );
    expect(() =>
      pad(matrix, [
        [0, 0],
        [-1, 0],
      ]),
    ).toThrow("pad: paddings[1] is [-1, 0]: use a pair [before, after] of non-negative integers");
    expect(() => pad(tensor([1]), [[0, 0]], "x" as never)).toThrow('pad: value is "x": use a number');
  });
});
