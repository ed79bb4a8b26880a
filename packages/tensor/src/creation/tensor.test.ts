import { describe, expect, it } from "vitest";
import { DTypeError, ShapeError, scalar, tensor, ValueError } from "../index.js";

describe("tensor", () => {
  it("infers the shape from nested arrays and defaults to float32", () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe("float32");
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("reads rank-3 nesting in row-major order", () => {
    const t = tensor([
      [[1], [2]],
      [[3], [4]],
    ]);
    expect(t.shape).toEqual([2, 2, 1]);
    expect(t.toArray()).toEqual([1, 2, 3, 4]);
  });

  it("makes a scalar from a number", () => {
    const t = tensor(3.5, undefined, "float64");
    expect(t.shape).toEqual([]);
    expect(t.item()).toBe(3.5);
    expect(t.dtype).toBe("float64");
  });

  it("accepts a number with a one-element shape", () => {
    expect(tensor(2, [1, 1]).shape).toEqual([1, 1]);
    expect(() => tensor(2, [2])).toThrow(ShapeError);
  });

  it("lays flat arrays out with the given shape", () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    expect(t.toNested()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it("keeps the typed array's dtype unless told otherwise, and copies", () => {
    const source = new Float64Array([1.5, 2.5]);
    const t = tensor(source);
    expect(t.dtype).toBe("float64");
    source[0] = 99;
    expect(t.data[0]).toBe(1.5);
    expect(tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).dtype).toBe("float32");
    expect(tensor(new Float64Array([0.1]), undefined, "float32").data[0]).toBe(Math.fround(0.1));
  });

  it("copies nested arrays (no aliasing with the caller's array)", () => {
    const values = [1, 2, 3];
    const t = tensor(values);
    values[0] = 7;
    expect(t.toArray()).toEqual([1, 2, 3]);
  });

  it("handles empty arrays", () => {
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor([], [0, 3]).shape).toEqual([0, 3]);
  });

  it("names the path of ragged nesting", () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(
      "tensor: ragged nesting: values[1] has length 1 but values[0] has length 2",
    );
    expect(() => tensor([[[1, 2]], [[3, 4]], [[5]]])).toThrow(
      "values[2][0] has length 1 but values[0][0] has length 2",
    );
    expect(() => tensor([[1, 2], 3] as never)).toThrow(
      "ragged nesting: values[1] is 3 but values[0] is an array",
    );
    expect(() => tensor([1, [2]] as never)).toThrow(
      "ragged nesting: values[1] is an array but values[0] is a number",
    );
  });

  it("rejects non-number elements, naming the path", () => {
    expect(() => tensor([[1, "2"]] as never)).toThrow(ValueError);
    expect(() => tensor([[1, "2"]] as never)).toThrow(
      'tensor: values[0][1] is "2": every element must be a number',
    );
    expect(() => tensor([1, undefined] as never)).toThrow("values[1] is undefined");
    expect(() => tensor("abc" as never)).toThrow('values is "abc": pass a number');
  });

  it("rejects a shape whose size differs from the number of values", () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(
      "tensor: shape [2,2] needs 4 values but got 3 values (nested as [3]): pass a shape whose sizes multiply to 3",
    );
    expect(() => tensor(new Float32Array(5), [2, 3])).toThrow("shape [2,3] needs 6 values but got 5 values");
  });

  it("rejects bad shapes and dtypes", () => {
    expect(() => tensor([1, 2], [-2])).toThrow(ValueError);
    expect(() => tensor([1, 2], [Number.NaN])).toThrow("size NaN");
    expect(() => tensor([1, 2], [1.5])).toThrow("non-negative integer");
    expect(() => tensor([1], undefined, "int8" as never)).toThrow(DTypeError);
    expect(() => tensor([1], undefined, "int8" as never)).toThrow('dtype "int8" is not supported');
  });

  it("stores NaN and infinities that the caller passed", () => {
    const t = tensor([Number.NaN, Number.POSITIVE_INFINITY]);
    expect(Number.isNaN(t.data[0])).toBe(true);
    expect(t.data[1]).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("scalar", () => {
  it("creates a rank-0 tensor", () => {
    const t = scalar(2.5);
    expect(t.shape).toEqual([]);
    expect(t.dtype).toBe("float32");
    expect(t.item()).toBe(2.5);
    expect(scalar(0.1, "float64").item()).toBe(0.1);
  });

  it("rejects non-numbers and bad dtypes", () => {
    expect(() => scalar("1" as never)).toThrow('scalar: value is "1": use a number');
    expect(() => scalar(1, "float16" as never)).toThrow(DTypeError);
  });
});
