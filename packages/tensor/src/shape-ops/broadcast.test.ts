import { describe, expect, it } from "vitest";
import { broadcastTo, ShapeError, tensor, tile, ValueError } from "../index.js";

describe("broadcastTo", () => {
  it("repeats along size-1 and leading axes", () => {
    expect(broadcastTo(tensor([1, 2, 3]), [2, 3]).toNested()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(broadcastTo(tensor([[1], [2]]), [2, 2]).toNested()).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(broadcastTo(tensor(5), [3]).toArray()).toEqual([5, 5, 5]);
    expect(broadcastTo(tensor([7]), [2, 0]).shape).toEqual([2, 0]);
  });

  it("copies large repeated blocks exactly", () => {
    const row = tensor(Array.from({ length: 100 }, (_, i) => i));
    const result = broadcastTo(row, [37, 100]);
    for (let r = 0; r < 37; r++)
      expect(Array.from(result.data.subarray(r * 100, (r + 1) * 100))).toEqual(row.toArray());
  });

  it("shares the data when the shape already matches", () => {
    const t = tensor([[1, 2]]);
    expect(broadcastTo(t, [1, 2]).data).toBe(t.data);
  });

  it("names both shapes and the axis that does not fit", () => {
    expect(() => broadcastTo(tensor([[1, 2]]), [4, 3])).toThrow(ShapeError);
    expect(() => broadcastTo(tensor([[1, 2]]), [4, 3])).toThrow(
      "broadcastTo: cannot broadcast [1,2] to [4,3]: input axis 1 has size 2 but the target has 3 (sizes must be equal or 1; use tile to repeat data)",
    );
    expect(() => broadcastTo(tensor([[1, 2]]), [2])).toThrow(
      "cannot broadcast [1,2] to [2]: the target has fewer axes (1) than the input (2)",
    );
    expect(() => broadcastTo(tensor([1]), [-1])).toThrow(ValueError);
  });
});

describe("tile", () => {
  it("repeats the whole tensor along each axis", () => {
    expect(tile(tensor([1, 2]), [3]).toArray()).toEqual([1, 2, 1, 2, 1, 2]);
    expect(tile(tensor([[1, 2]]), [2, 2]).toNested()).toEqual([
      [1, 2, 1, 2],
      [1, 2, 1, 2],
    ]);
    expect(tile(tensor([1, 2]), [0]).shape).toEqual([0]);
    expect(tile(tensor(4), []).item()).toBe(4);
  });

  it("needs one non-negative integer count per axis", () => {
    expect(() => tile(tensor([[1, 2]]), [2])).toThrow(ShapeError);
    expect(() => tile(tensor([[1, 2]]), [2])).toThrow(
      "tile: reps [2] has 1 entries but the tensor has rank 2 ([1,2]): give one repetition count per axis (use expandDims to add axes)",
    );
    expect(() => tile(tensor([1]), [-1])).toThrow(
      "tile: reps [-1] holds -1: every repetition count must be a non-negative integer",
    );
  });
});
