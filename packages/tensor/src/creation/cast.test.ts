import { describe, expect, it } from "vitest";
import { cast, tensor } from "../index.js";

describe("cast", () => {
  it("converts between dtypes as a copy", () => {
    const t = tensor([0.1, 2], undefined, "float64");
    const single = cast(t, "float32");
    expect(single.dtype).toBe("float32");
    expect(single.data[0]).toBe(Math.fround(0.1));
    const back = cast(single, "float64");
    expect(back.data[0]).toBe(Math.fround(0.1));
    const same = cast(t, "float64");
    expect(same.data).not.toBe(t.data);
    expect(same.toArray()).toEqual([0.1, 2]);
  });

  it("rejects unknown dtypes", () => {
    expect(() => cast(tensor([1]), "int8" as never)).toThrow(
      'cast: dtype "int8" is not supported: use "float32", "float64" or "int32"',
    );
  });
});
