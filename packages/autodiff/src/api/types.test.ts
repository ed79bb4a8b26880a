import type { ParamTree, TreeOf } from "@descent/spec";
import { type Tensor, tensor } from "@descent/tensor";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { Operand, Traced } from "../core/traced.js";
import { add, mul } from "../ops/elementwise-binary.js";
import { matmul } from "../ops/linalg.js";
import { sum } from "../ops/reductions.js";
import type { TracedOf, TracedTree } from "./types.js";
import { grad, valueAndGrad } from "./value-and-grad.js";

// These tests pin the public types (checked by `tsc`); the runtime assertions only keep vitest honest.
describe("types of valueAndGrad and grad", () => {
  it("a single tensor gives a Tensor gradient and a Tensor value", () => {
    const result = valueAndGrad((x: Traced) => sum(x))(tensor([1]));
    expectTypeOf(result.value).toEqualTypeOf<Tensor>();
    expectTypeOf(result.gradients).toEqualTypeOf<Tensor>();
    expect(result.gradients.toArray()).toEqual([1]);
  });

  it("a specific parameter object gives gradients with the same keys", () => {
    const params = { layer: { weights: tensor([[1]]), bias: tensor([0]) } };
    const loss = (p: TracedOf<typeof params>, x: Tensor) =>
      sum(add(matmul(x, p.layer.weights), p.layer.bias));
    const gradients = grad(loss)(params, tensor([[2]]));
    expectTypeOf(gradients.layer.weights).toEqualTypeOf<Tensor>();
    expectTypeOf(gradients.layer.bias).toEqualTypeOf<Tensor>();
    expect(gradients.layer.weights.toArray()).toEqual([2]);
  });

  it("a ParamTree in, a tree of Tensors out", () => {
    const params: ParamTree = { w: tensor([3]) };
    const gradients = grad((p: TracedTree) => sum(p.w as Traced))(params);
    // Gradients of a ParamTree are a ParamTree of Tensors: what an optimizer's update takes.
    expectTypeOf(gradients).toExtend<ParamTree>();
    expectTypeOf(gradients).toExtend<TreeOf<Tensor>>();
    expect((gradients.w as Tensor).toArray()).toEqual([1]);
  });

  it("argnums lists give a tuple; nested (traced) inputs give traced results", () => {
    const f = (a: Operand, b: Operand) => sum(mul(a, b));
    const pair = grad(f, { argnums: [0, 1] })(tensor([1]), tensor([2]));
    expectTypeOf(pair).toEqualTypeOf<[Tensor, Tensor]>();
    const outer = grad((x: Traced) => {
      const inner = valueAndGrad((y: Traced) => sum(mul(y, y)))(x);
      expectTypeOf(inner.value).toEqualTypeOf<Traced>();
      expectTypeOf(inner.gradients).toEqualTypeOf<Traced>();
      return sum(inner.gradients);
    });
    expect(outer(tensor([5])).toArray()).toEqual([2]);
  });

  it("rejects a plain tensor where a non-differentiated argument is declared Traced", () => {
    const f = (a: Traced, b: Traced) => sum(mul(a, b));
    // @ts-expect-error b is not in argnums, so it is passed through as declared: a Traced
    expect(() => grad(f)(tensor([1]), tensor([2]))).not.toThrow();
  });
});
