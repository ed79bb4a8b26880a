import { describe, expect, it } from "vitest";
import { arange, DTypeError, gather, oneHot, reshape, ShapeError, tensor, ValueError } from "../index.js";

const table = tensor([
  [1, 2],
  [3, 4],
  [5, 6],
]);

describe("gather", () => {
  it("picks rows, columns and nested index shapes", () => {
    expect(gather(table, [2, 0]).toNested()).toEqual([
      [5, 6],
      [1, 2],
    ]);
    expect(gather(table, [1], 1).toNested()).toEqual([[2], [4], [6]]);
    expect(gather(table, tensor([[0, 1]])).shape).toEqual([1, 2, 2]);
    expect(gather(table, new Int32Array([1, 1])).toNested()).toEqual([
      [3, 4],
      [3, 4],
    ]);
    expect(gather(table, []).shape).toEqual([0, 2]);
  });

  it("copies long rows exactly", () => {
    const embeddings = reshape(arange(0, 5 * 64, 1, "float64"), [5, 64]);
    const rows = gather(embeddings, [4, 0]);
    expect(rows.toArray()).toEqual([
      ...Array.from({ length: 64 }, (_, i) => 256 + i),
      ...Array.from({ length: 64 }, (_, i) => i),
    ]);
  });

  it("names an out-of-range index, its position and the size", () => {
    expect(() => gather(table, [0, 3])).toThrow(ValueError);
    expect(() => gather(table, [0, 3])).toThrow(
      "gather: index 3 (at position 1 of the indices) is out of range for axis 0 of size 3: use integers in [0, 2]",
    );
    expect(() => gather(table, [-1])).toThrow("index -1 (at position 0 of the indices) is out of range");
    expect(() => gather(table, [0.5], 1)).toThrow(
      "gather: index 0.5 (at position 0 of the indices) is not a valid index for axis 1 of size 2",
    );
    expect(() => gather(tensor(1), [0])).toThrow(ShapeError);
    expect(() => gather(table, 2 as never)).toThrow("gather: indices is 2: pass an array of integers");
  });
});

describe("oneHot", () => {
  it("encodes indices along a new last axis", () => {
    expect(oneHot([0, 2], 3).toNested()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    const encoded = oneHot(tensor([[1], [0]]), 2, "float64");
    expect(encoded.shape).toEqual([2, 1, 2]);
    expect(encoded.dtype).toBe("float64");
  });

  it("rejects indices outside [0, depth) and bad depths", () => {
    expect(() => oneHot([0, 3], 3)).toThrow(
      "oneHot: index 3 (at position 1 of the indices) is out of range for depth 3: use integers in [0, 2]",
    );
    expect(() => oneHot([0], -1)).toThrow("oneHot: depth is -1: use a non-negative integer");
    expect(() => oneHot([0], 0)).toThrow("there is no valid index (the size is 0)");
    expect(() => oneHot([0], 2, "int32" as never)).toThrow(DTypeError);
  });
});
