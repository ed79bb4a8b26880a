import { describe, expect, it } from "vitest";
import {
  DTypeError,
  full,
  fullLike,
  ones,
  onesLike,
  tensor,
  ValueError,
  zeros,
  zerosLike,
} from "../index.js";

describe("zeros, ones, full", () => {
  it("fill the requested shape", () => {
    expect(zeros([2, 3]).toNested()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(full([2, 2], 7).toArray()).toEqual([7, 7, 7, 7]);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([]).size).toBe(1);
    expect(ones([0, 4]).size).toBe(0);
  });

  it("default to float32 and honour float64", () => {
    expect(zeros([1]).dtype).toBe("float32");
    expect(ones([1], "float64").data).toBeInstanceOf(Float64Array);
    expect(full([1], 0.1, "float64").data[0]).toBe(0.1);
    expect(full([1], 0.1).data[0]).toBe(Math.fround(0.1));
  });

  it("accept -Infinity as a fill value", () => {
    expect(full([2], Number.NEGATIVE_INFINITY).toArray()).toEqual([
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
  });

  it("reject negative, NaN and fractional sizes with the op named", () => {
    expect(() => zeros([2, -1])).toThrow(ValueError);
    expect(() => zeros([2, -1])).toThrow(
      "zeros: shape [2,-1] has size -1: every size must be a non-negative integer",
    );
    expect(() => ones([Number.NaN])).toThrow("ones: shape [NaN] has size NaN");
    expect(() => full([2.5], 1)).toThrow("full: shape [2.5] has size 2.5");
    expect(() => zeros(3 as never)).toThrow("zeros: shape is 3: pass an array of sizes such as [2, 3]");
    expect(() => zeros(["2"] as never)).toThrow('zeros: shape ["2"] holds "2"');
  });

  it("reject bad dtypes and values", () => {
    expect(() => zeros([2], "int8" as never)).toThrow(DTypeError);
    expect(() => full([2], "1" as never)).toThrow('full: value is "1": use a number');
  });
});

describe("zerosLike, onesLike, fullLike", () => {
  it("copy the shape and dtype of their argument", () => {
    const source = tensor([[1, 2, 3]], undefined, "float64");
    const z = zerosLike(source);
    expect(z.shape).toEqual([1, 3]);
    expect(z.dtype).toBe("float64");
    expect(z.toArray()).toEqual([0, 0, 0]);
    expect(onesLike(source).toArray()).toEqual([1, 1, 1]);
    expect(fullLike(source, -2).toArray()).toEqual([-2, -2, -2]);
  });

  it("accept any structural tensor and reject non-tensors", () => {
    const plain = { shape: [2], dtype: "float32" as const, data: new Float32Array([5, 6]) };
    expect(onesLike(plain).toArray()).toEqual([1, 1]);
    expect(() => zerosLike([1, 2] as never)).toThrow("zerosLike: input must be a tensor");
    expect(() => zerosLike(null as never)).toThrow(
      "zerosLike: input must be a tensor (an object with shape, dtype and a Float32Array or Float64Array data) but got null",
    );
    expect(() => zerosLike({ shape: [3], dtype: "float32", data: new Float32Array(2) })).toThrow(
      "input has shape [3] (3 elements) but 2 data elements",
    );
  });
});
