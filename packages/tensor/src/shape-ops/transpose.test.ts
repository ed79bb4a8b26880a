import { describe, expect, it } from "vitest";
import { permute, tensor, transpose, ValueError, zeros } from "../index.js";

describe("transpose and permute", () => {
  it("reverse the axes by default", () => {
    expect(
      transpose(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).toNested(),
    ).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(transpose(zeros([2, 3, 4])).shape).toEqual([4, 3, 2]);
    expect(transpose(tensor(2)).item()).toBe(2);
    expect(transpose(tensor([1, 2, 3])).toArray()).toEqual([1, 2, 3]);
  });

  it("follow an explicit order, negative axes included, keeping the dtype", () => {
    const t = tensor([[[1, 2]], [[3, 4]]], undefined, "float64");
    const p = permute(t, [2, 0, -2]);
    expect(p.shape).toEqual([2, 2, 1]);
    expect(p.dtype).toBe("float64");
    expect(p.toNested()).toEqual([
      [[1], [3]],
      [[2], [4]],
    ]);
    expect(permute(zeros([8, 3, 5, 5]), [0, 2, 3, 1]).shape).toEqual([8, 5, 5, 3]);
  });

  it("always copies", () => {
    const t = tensor([1, 2]);
    expect(transpose(t).data).not.toBe(t.data);
  });

  it("reject axes that are not a permutation, naming them and the shape", () => {
    expect(() => transpose(zeros([2, 3]), [0, 0])).toThrow(ValueError);
    expect(() => transpose(zeros([2, 3]), [0, 0])).toThrow(
      "transpose: axes [0,0] are not a permutation of [0,1] for shape [2,3]: list each axis exactly once",
    );
    expect(() => permute(zeros([2, 3]), [1])).toThrow("permute: axes [1] are not a permutation of [0,1]");
    expect(() => permute(zeros([2, 3]), [0, 2])).toThrow("axes [0,2]");
    expect(() => permute(zeros([2]), undefined as never)).toThrow("permute: axes is undefined");
  });
});
