import { describe, expect, it } from "vitest";
import { arange, formatTensor, reshape, scalar, tensor, zeros } from "../index.js";
import { formatNumbers } from "./numbers.js";

describe("formatTensor", () => {
  it("prints small tensors on one line, NumPy style", () => {
    expect(
      formatTensor(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toBe("tensor([[1, 2], [3, 4]], shape=[2,2], dtype=float32)");
    expect(String(tensor([1.5, -2]))).toBe("tensor([ 1.5, -2.0], shape=[2], dtype=float32)");
  });

  it("prints scalars without brackets", () => {
    expect(formatTensor(scalar(3.5, "float64"))).toBe("tensor(3.5, shape=[], dtype=float64)");
    expect(formatTensor(scalar(-2))).toBe("tensor(-2, shape=[], dtype=float32)");
  });

  it("summarises an axis of more than 6 items as first 3, …, last 3", () => {
    expect(formatTensor(arange(10))).toBe("tensor([0, 1, 2, …, 7, 8, 9], shape=[10], dtype=float32)");
    expect(formatTensor(arange(6))).toBe("tensor([0, 1, 2, 3, 4, 5], shape=[6], dtype=float32)");
    expect(formatTensor(arange(7))).toBe("tensor([0, 1, 2, …, 4, 5, 6], shape=[7], dtype=float32)");
  });

  it("prints larger matrices one row per line with aligned columns", () => {
    expect(formatTensor(reshape(arange(100), [10, 10]))).toBe(
      [
        "tensor([[ 0,  1,  2,  …,  7,  8,  9],",
        "        [10, 11, 12,  …, 17, 18, 19],",
        "        [20, 21, 22,  …, 27, 28, 29],",
        "        …,",
        "        [70, 71, 72,  …, 77, 78, 79],",
        "        [80, 81, 82,  …, 87, 88, 89],",
        "        [90, 91, 92,  …, 97, 98, 99]], shape=[10,10], dtype=float32)",
      ].join("\n"),
    );
  });

  it("separates blocks of rank 3 with a blank line", () => {
    expect(formatTensor(reshape(arange(24), [2, 3, 4]))).toBe(
      [
        "tensor([[[ 0,  1,  2,  3],",
        "         [ 4,  5,  6,  7],",
        "         [ 8,  9, 10, 11]],",
        "",
        "        [[12, 13, 14, 15],",
        "         [16, 17, 18, 19],",
        "         [20, 21, 22, 23]]], shape=[2,3,4], dtype=float32)",
      ].join("\n"),
    );
  });

  it("follows the options", () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(formatTensor(t, { lineWidth: 10 })).toBe(
      "tensor([[1, 2],\n        [3, 4]], shape=[2,2], dtype=float32)",
    );
    expect(formatTensor(arange(5), { maxItems: 2, edgeItems: 1 })).toBe(
      "tensor([0, …, 4], shape=[5], dtype=float32)",
    );
    expect(formatTensor(tensor([1 / 3], undefined, "float64"), { precision: 2 })).toBe(
      "tensor([0.33], shape=[1], dtype=float64)",
    );
  });

  it("prints empty tensors", () => {
    expect(formatTensor(zeros([0]))).toBe("tensor([], shape=[0], dtype=float32)");
    expect(formatTensor(zeros([2, 0]))).toBe("tensor([[], []], shape=[2,0], dtype=float32)");
    expect(formatTensor(zeros([0, 3]))).toBe("tensor([], shape=[0,3], dtype=float32)");
  });

  it("reads only the printed elements of a huge tensor", () => {
    const huge = zeros([4096, 4096]);
    expect(formatTensor(huge).split("\n")).toHaveLength(7);
  });
});

describe("number style", () => {
  it("uses integers when every value is integral", () => {
    expect(formatNumbers([1, -20, 300], 4)).toEqual(["1", "-20", "300"]);
  });

  it("uses the decimals the most precise value needs, at most 4", () => {
    expect(formatNumbers([1, 0.5, 0.25], 4)).toEqual(["1.00", "0.50", "0.25"]);
    expect(formatNumbers([Math.PI], 4)).toEqual(["3.1416"]);
    expect(formatNumbers([Math.fround(0.1)], 4)).toEqual(["0.1"]);
    expect(formatNumbers([1.00001, 2], 4)).toEqual(["1.0", "2.0"]);
  });

  it("switches to scientific notation for very large or very small magnitudes", () => {
    expect(formatNumbers([1e9, -2.5], 4)).toEqual(["1.0e+09", "-2.5e+00"]);
    expect(formatNumbers([1.5e-5, 0, 1], 4)).toEqual(["1.5e-05", "0.0e+00", "1.0e+00"]);
    expect(formatNumbers([123456789.123], 4)).toEqual(["1.2346e+08"]);
    expect(formatNumbers([1e120], 4)).toEqual(["1e+120"]);
  });

  it("prints non-finite values by name without letting them pick the style", () => {
    expect(formatNumbers([Number.NaN, 1.5, Number.NEGATIVE_INFINITY], 4)).toEqual([
      "NaN",
      "1.5",
      "-Infinity",
    ]);
    expect(formatNumbers([Number.POSITIVE_INFINITY, 2], 4)).toEqual(["Infinity", "2"]);
  });
});
