import { createRandom, Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { countParameters } from "./count-parameters.js";
import { dense } from "./dense.js";
import { sequential } from "./sequential.js";

describe("countParameters", () => {
  it("sums the sizes of all leaves", () => {
    expect(countParameters(dense(784, 10).init(createRandom(0)))).toBe(7850);
    expect(countParameters(sequential([dense(2, 16), "relu", dense(16, 3)]).init(0))).toBe(
      2 * 16 + 16 + 16 * 3 + 3,
    );
    expect(countParameters({})).toBe(0);
  });

  it("names itself for a tree a weights file cannot store", () => {
    const t = new Tensor(new Float32Array(1), [1]);
    expect(() => countParameters({ "a.b": t } as never)).toThrow(/^countParameters: parameter name "a\.b"/);
    expect(() => countParameters({ a: 5 } as never)).toThrow(
      /^countParameters: .*"a" is number 5, not a tensor/,
    );
  });
});
