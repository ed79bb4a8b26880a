import { describe, expect, it } from "vitest";
import {
  arange,
  concat,
  reshape,
  ShapeError,
  split,
  stack,
  tensor,
  unstack,
  ValueError,
  zeros,
} from "../index.js";

describe("concat", () => {
  it("joins along an axis and promotes to float64", () => {
    expect(concat([tensor([[1, 2]]), tensor([[3, 4]])]).toNested()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const wide = concat([tensor([[1], [2]]), tensor([[3], [4]], undefined, "float64")], -1);
    expect(wide.toNested()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(wide.dtype).toBe("float64");
    expect(concat([zeros([0, 2]), tensor([[1, 2]])]).shape).toEqual([1, 2]);
  });

  it("copies long rows exactly", () => {
    const a = reshape(arange(0, 80, 1, "float64"), [2, 40]);
    const b = reshape(arange(100, 180, 1, "float64"), [2, 40]);
    const joined = concat([a, b], 1);
    expect(joined.toArray()).toEqual([
      ...a.toArray().slice(0, 40),
      ...b.toArray().slice(0, 40),
      ...a.toArray().slice(40),
      ...b.toArray().slice(40),
    ]);
  });

  it("names the tensor and the axis that disagree", () => {
    expect(() => concat([zeros([2, 3]), zeros([2, 4])])).toThrow(ShapeError);
    expect(() => concat([zeros([2, 3]), zeros([2, 4])])).toThrow(
      "concat: tensor 1 has shape [2,4] but tensor 0 has shape [2,3]: sizes must match on every axis except axis 0 (they differ on axis 1)",
    );
    expect(() => concat([zeros([2, 3]), zeros([2, 3, 1])])).toThrow("all tensors need the same rank");
    expect(() => concat([tensor(1), tensor(2)])).toThrow(
      "concat: tensor 0 is a scalar (shape []): concat joins along an existing axis; use stack to create one",
    );
    expect(() => concat([])).toThrow(
      "concat: tensors is an array of length 0: pass a non-empty array of tensors",
    );
    expect(() => concat([zeros([2]), 5 as never])).toThrow(
      "concat: tensor 1 must be a tensor (an object with shape, dtype and a Float32Array or Float64Array data) but got number 5",
    );
    expect(() => concat([zeros([2])], 1)).toThrow(ValueError);
  });
});

describe("split", () => {
  it("cuts by sizes, by an inferred size and into equal pieces", () => {
    expect(split(arange(6), [2, 4]).map((p) => p.toArray())).toEqual([
      [0, 1],
      [2, 3, 4, 5],
    ]);
    expect(split(arange(6), [1, -1, 2]).map((p) => p.toArray())).toEqual([[0], [1, 2, 3], [4, 5]]);
    expect(split(zeros([4, 6]), 3, 1).map((p) => p.shape)).toEqual([
      [4, 2],
      [4, 2],
      [4, 2],
    ]);
  });

  it("explains sizes that do not add up", () => {
    expect(() => split(arange(6), [2, 3])).toThrow(ShapeError);
    expect(() => split(arange(6), [2, 3])).toThrow(
      "split: sizes [2,3] add up to 5 but axis 0 has size 6: make them add up to 6",
    );
    expect(() => split(arange(7), 3)).toThrow(
      "split: axis 0 of size 7 does not divide into 3 equal pieces: pass a list of sizes instead, e.g. [3, 2, 2]",
    );
    expect(() => split(arange(6), [-1, -1])).toThrow("has more than one -1");
    expect(() => split(tensor(1), 1)).toThrow("split: the input is a scalar");
  });
});

describe("stack and unstack", () => {
  it("stack along a new axis", () => {
    expect(stack([tensor([1, 2]), tensor([3, 4])]).toNested()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).toNested()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(stack([tensor(1), tensor(2)]).toArray()).toEqual([1, 2]);
  });

  it("unstack removes the axis", () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(unstack(t).map((r) => r.toArray())).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(unstack(t, 1).map((c) => c.toArray())).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(unstack(t)[0]!.shape).toEqual([2]);
  });

  it("reject different shapes and scalars", () => {
    expect(() => stack([zeros([2]), zeros([3])])).toThrow(
      "stack: tensor 1 has shape [3] but tensor 0 has shape [2]: all tensors need the same shape",
    );
    expect(() => unstack(tensor(1))).toThrow("unstack: the input is a scalar");
    expect(() => stack([zeros([2])], 2)).toThrow(
      "stack: axis 2 is out of range for a new axis of shape [2] (rank 1): use an integer in [-2, 1]",
    );
  });
});
