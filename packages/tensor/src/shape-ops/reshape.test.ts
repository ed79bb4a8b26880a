import { describe, expect, it } from "vitest";
import {
  arange,
  expandDims,
  flatten,
  reshape,
  ShapeError,
  squeeze,
  tensor,
  ValueError,
  zeros,
} from "../index.js";

describe("reshape", () => {
  it("relabels the shape and shares the data", () => {
    const t = arange(6);
    const r = reshape(t, [2, 3]);
    expect(r.toNested()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(r.data).toBe(t.data);
    expect(reshape(t, [-1, 2]).shape).toEqual([3, 2]);
    expect(reshape(t, [3, -1]).shape).toEqual([3, 2]);
    expect(reshape(tensor([5]), []).shape).toEqual([]);
    expect(reshape(zeros([0, 3]), [-1, 3]).shape).toEqual([0, 3]);
  });

  it("explains a size mismatch with both shapes and the element count", () => {
    expect(() => reshape(zeros([2, 3]), [4, 2])).toThrow(ShapeError);
    expect(() => reshape(zeros([2, 3]), [4, 2])).toThrow(
      "reshape: cannot reshape [2,3] (6 elements) into [4,2] (8 elements): the new sizes must multiply to 6",
    );
    expect(() => reshape(zeros([2, 3]), [4, -1])).toThrow(
      "reshape: cannot reshape [2,3] (6 elements) into [4,-1]: 6 is not divisible by 4",
    );
    expect(() => reshape(zeros([0, 3]), [0, -1])).toThrow(
      "the other sizes multiply to 0, so -1 is ambiguous",
    );
  });

  it("rejects several -1 and bad sizes", () => {
    expect(() => reshape(zeros([6]), [-1, -1])).toThrow(ValueError);
    expect(() => reshape(zeros([6]), [-1, -1])).toThrow(
      "reshape: shape [-1,-1] has more than one -1: at most one size can be inferred",
    );
    expect(() => reshape(zeros([6]), [2, -3])).toThrow(
      "reshape: shape [2,-3] has size -3 at axis 1: use non-negative integers and at most one -1",
    );
    expect(() => reshape(zeros([6]), [2, 1.5])).toThrow("has size 1.5 at axis 1");
    expect(() => reshape(zeros([6]), [Number.NaN])).toThrow("has size NaN at axis 0");
  });
});

describe("flatten", () => {
  it("keeps the batch axis by default", () => {
    expect(flatten(zeros([32, 28, 28])).shape).toEqual([32, 784]);
    expect(flatten(zeros([2, 3, 4]), 0).shape).toEqual([24]);
    expect(flatten(zeros([2, 3, 4]), -1).shape).toEqual([2, 3, 4]);
    expect(flatten(zeros([5])).shape).toEqual([5, 1]);
    expect(flatten(tensor(3), 0).shape).toEqual([1]);
  });

  it("rejects an out-of-range startAxis", () => {
    expect(() => flatten(tensor(3))).toThrow(
      "flatten: startAxis 1 is out of range for shape [] (rank 0): use an integer in [0, 0]",
    );
  });
});

describe("expandDims and squeeze", () => {
  it("add and remove size-1 axes", () => {
    expect(expandDims(zeros([3]), 0).shape).toEqual([1, 3]);
    expect(expandDims(zeros([3]), -1).shape).toEqual([3, 1]);
    expect(expandDims(zeros([2, 3]), 1).shape).toEqual([2, 1, 3]);
    expect(squeeze(zeros([1, 3, 1])).shape).toEqual([3]);
    expect(squeeze(zeros([1, 3, 1]), 0).shape).toEqual([3, 1]);
    expect(squeeze(zeros([1, 3, 1]), [-1, 0]).shape).toEqual([3]);
    expect(squeeze(zeros([1, 1])).shape).toEqual([]);
  });

  it("name the axis and the rank when out of range", () => {
    expect(() => expandDims(zeros([3]), 2)).toThrow(
      "expandDims: axis 2 is out of range for a new axis of shape [3] (rank 1): use an integer in [-2, 1]",
    );
    expect(() => squeeze(zeros([1, 3]), 1)).toThrow(ShapeError);
    expect(() => squeeze(zeros([1, 3]), 1)).toThrow(
      "squeeze: axis 1 of shape [1,3] has size 3, not 1: only size-1 axes can be squeezed",
    );
    expect(() => squeeze(zeros([1, 3]), 5)).toThrow(ValueError);
  });
});
