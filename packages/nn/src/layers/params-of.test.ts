import { createRandom, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { dense } from "./dense.js";
import { sequential } from "./sequential.js";
import { dropout } from "./simple.js";

describe("model.paramsOf", () => {
  const hidden = dense(2, 8);
  const output = dense(8, 1, { useBias: false });
  const model = sequential([hidden, "relu", dropout(0.5), output]);
  const params = model.init(createRandom(3));

  it("returns the layer's own entry of the tree, found by the layer value or by its name", () => {
    expect(model.paramsOf(params, hidden)).toBe(params.dense_1);
    expect(model.paramsOf(params, output)).toBe(params.dense_2);
    expect(model.paramsOf(params, "dense_2")).toBe(params.dense_2);
    const { weights, bias } = model.paramsOf(params, hidden);
    expect(weights.shape).toEqual([2, 8]);
    expect(bias.shape).toEqual([8]);
    expect(Object.keys(model.paramsOf(params, output))).toEqual(["weights"]);
  });

  it("names the problem: a foreign layer, a layer twice, a layer without parameters, a tree without the entry", () => {
    const thrown = (call: () => unknown) => {
      try {
        call();
      } catch (error) {
        expect(error).toBeInstanceOf(ValueError);
        return (error as Error).message;
      }
      throw new Error("expected a ValueError");
    };
    expect(thrown(() => model.paramsOf(params, dense(2, 8)))).toMatch(
      /^paramsOf: .* is not a layer of this model: .* a name of dense_1, activation_1, dropout_1, dense_2$/,
    );
    expect(thrown(() => model.paramsOf(params, "dense_3"))).toMatch(/layer name "dense_3" is not a layer/);
    expect(thrown(() => model.paramsOf(params, "__proto__"))).toMatch(/is not a layer of this model/);
    const twice = sequential([hidden, hidden]);
    expect(thrown(() => twice.paramsOf(twice.init(0), hidden))).toMatch(/in this model more than once/);
    expect(twice.paramsOf(twice.init(0), "dense_2")).toBeDefined();
    expect(thrown(() => model.paramsOf(params, "dropout_1"))).toBe(
      'paramsOf: layer "dropout_1" has no parameters',
    );
    expect(thrown(() => model.paramsOf({ dense_2: params.dense_2! }, hidden))).toMatch(
      /params has no entry "dense_1" \(found dense_2\)/,
    );
    expect(thrown(() => model.paramsOf(null as never, hidden))).toMatch(/params is null/);
  });
});
