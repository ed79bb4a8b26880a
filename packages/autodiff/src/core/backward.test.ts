import { ShapeError, scalar, type Tensor, tensor, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { customOp } from "../api/custom-op.js";
import { grad, valueAndGrad } from "../api/value-and-grad.js";
import { add, mul, sub } from "../ops/elementwise-binary.js";
import { exp, square } from "../ops/elementwise-unary.js";
import { mean, sum } from "../ops/reductions.js";
import { type Operand, stopGradient, type Traced } from "./traced.js";

describe("backpropagation", () => {
  it("sums the gradients of a value used k times", () => {
    for (const k of [1, 2, 3, 7]) {
      const f = (x: Traced) => {
        let total: Traced = x;
        for (let i = 1; i < k; i++) total = add(total, x);
        return sum(total);
      };
      expect(grad(f)(tensor([1, 2], undefined, "float64")).toArray()).toEqual([k, k]);
    }
  });

  it("sums the gradients of a reused intermediate (a diamond): d/dx e^x·e^x = 2e^(2x)", () => {
    const x = tensor([0.5, -1], undefined, "float64");
    const gradient = grad((x: Traced) => {
      const h = exp(x);
      return sum(mul(h, h));
    })(x);
    expect(gradient.toArray()[0]).toBeCloseTo(2 * Math.exp(1), 12);
    expect(gradient.toArray()[1]).toBeCloseTo(2 * Math.exp(-2), 12);
  });

  it("walks a chain of 100,000 ops without overflowing the stack", () => {
    const { value, gradients } = valueAndGrad((x: Traced) => {
      let y: Traced = x;
      for (let i = 0; i < 100_000; i++) y = add(y, x);
      return y;
    })(scalar(1, "float64"));
    expect(value.item()).toBe(100_001);
    expect(gradients.item()).toBe(100_001);
  });

  it("checks each backward rule's output shape against its input, naming the op", () => {
    const broken = customOp({
      name: "brokenDouble",
      forward: (x) => mul(x, 2).value,
      backward: () => [tensor([1, 2, 3])],
    });
    const f = grad((x: Traced) => sum(broken(x)));
    expect(() => f(tensor([1, 2]))).toThrow(ShapeError);
    expect(() => f(tensor([1, 2]))).toThrow(
      /brokenDouble: backward rule returned a gradient of shape \[3\] for input 0 of shape \[2\]/,
    );
  });

  it("rejects a non-scalar result, saying to reduce it", () => {
    const f = valueAndGrad((x: Traced) => square(x));
    expect(() => f(tensor([1, 2]))).toThrow(ValueError);
    expect(() => f(tensor([1, 2]))).toThrow(
      /shape \[2\] .* must return a scalar: reduce it, e\.g\. with sum/,
    );
  });

  it("accepts any one-element result shape", () => {
    expect(grad((x: Traced) => mean(x, 0, true))(tensor([1, 3])).toArray()).toEqual([0.5, 0.5]);
  });

  it("gives zero gradients when the result does not depend on the input", () => {
    const { value, gradients } = valueAndGrad((_x: Traced) => sum(tensor([1, 2])))(tensor([[1, 2, 3]]));
    expect(value.item()).toBe(3);
    expect(gradients.shape).toEqual([1, 3]);
    expect(gradients.toArray()).toEqual([0, 0, 0]);
    expect(grad((_x: Traced) => 4)(tensor([5])).toArray()).toEqual([0]);
  });

  it("gives zeros for parameters a result does not use, and keys gradients like the parameters", () => {
    const params = {
      layer1: { weights: tensor([[1, 2]]), bias: tensor([0.5]) },
      unused: tensor([7, 8, 9]),
      list: [tensor([2])],
    };
    const { value, gradients } = valueAndGrad(
      (p: { layer1: { weights: Traced; bias: Traced }; unused: Traced; list: Traced[] }) =>
        add(sum(mul(p.layer1.weights, p.list[0]!)), sum(p.layer1.bias)),
    )(params);
    expect(value.item()).toBe(6.5);
    expect(gradients.layer1.weights.toNested()).toEqual([[2, 2]]);
    expect(gradients.layer1.bias.toArray()).toEqual([1]);
    expect(gradients.unused.toArray()).toEqual([0, 0, 0]);
    expect(gradients.list[0]!.toArray()).toEqual([3]);
  });

  it("stopGradient makes a constant", () => {
    const gradient = grad((x: Traced) => sum(mul(x, stopGradient(x))))(tensor([3]));
    expect(gradient.toArray()).toEqual([3]);
  });

  it("treats other arguments and closed-over tensors as constants; argnums picks several", () => {
    // Parameters differentiated at one call and passed plain at another are typed Operand.
    const f = (a: Operand, b: Operand, c: Tensor) => sum(mul(mul(a, b), c));
    const a = tensor([2]);
    const b = tensor([3]);
    const c = tensor([5]);
    expect(grad(f)(a, b, c).toArray()).toEqual([15]);
    expect(grad(f, { argnums: 1 })(a, b, c).toArray()).toEqual([10]);
    const [gradientA, gradientB] = grad(f, { argnums: [0, 1] })(a, b, c);
    expect(gradientA.toArray()).toEqual([15]);
    expect(gradientB.toArray()).toEqual([10]);
  });

  it("returns gradients in each input's dtype", () => {
    const [gradient32, gradient64] = grad((a: Traced, b: Traced) => sum(mul(a, b)), { argnums: [0, 1] })(
      tensor([1, 2], undefined, "float32"),
      tensor([3, 4], undefined, "float64"),
    );
    expect(gradient32.dtype).toBe("float32");
    expect(gradient64.dtype).toBe("float64");
    expect(gradient32.toArray()).toEqual([3, 4]);
  });

  it("rejects bad argnums and non-tensor leaves, naming them", () => {
    const f = (x: Traced) => sum(x);
    expect(() => grad(f, { argnums: 2 as number })(tensor([1]) as never)).toThrow(
      /argnums \[2\] does not fit the 1 argument/,
    );
    expect(() => grad((p: { a: Traced }) => sum(p.a))({ a: 3 } as never)).toThrow(
      /"a" is number 3, not a tensor/,
    );
  });

  it("refuses plain gradients that would drop a dependency on an enclosing differentiation", () => {
    const outer = (x: Traced) => sum(grad((y: Traced) => sum(mul(x, y)))(tensor([1])));
    expect(() => grad(outer)(tensor([2]))).toThrow(
      /pass the inputs traced \(e\.g\. grad\(f\)\(stopGradient\(x\)\)\)/,
    );
    // Passing the inner input traced makes the inner gradient traced: d/dx (d/dy x·y) = 1.
    const fixed = (x: Traced) => sum(grad((y: Traced) => sum(mul(x, y)))(stopGradient(tensor([1]))));
    expect(grad(fixed)(tensor([2])).toArray()).toEqual([1]);
  });

  it("refuses a traced value kept from an earlier call, saying to store .value", () => {
    let kept: Traced | undefined;
    const f = grad((x: Traced) => {
      const doubled = mul(x, 2);
      const total = kept === undefined ? sum(doubled) : sum(mul(doubled, kept));
      kept = doubled;
      return total;
    });
    expect(f(tensor([1])).toArray()).toEqual([2]);
    expect(() => f(tensor([1]))).toThrow(/kept from an earlier call .* keep \.value/);
  });

  it("gives the same gradient as a hand derivation for a small network loss", () => {
    // L = mean((w·x + b - y)²), ∂L/∂w = mean(2(wx + b - y)·x), ∂L/∂b = mean(2(wx + b - y)).
    const x = tensor([1, 2, 3], undefined, "float64");
    const y = tensor([2, 4, 5], undefined, "float64");
    const params = { w: tensor([1.5], undefined, "float64"), b: tensor([0.5], undefined, "float64") };
    const { value, gradients } = valueAndGrad((p: { w: Traced; b: Traced }) =>
      mean(square(sub(add(mul(x, p.w), p.b), y))),
    )(params);
    const residuals = [0, 0, 0].map((_, i) => 1.5 * [1, 2, 3][i]! + 0.5 - [2, 4, 5][i]!);
    expect(value.item()).toBeCloseTo(residuals.reduce((s, r) => s + r * r, 0) / 3, 14);
    expect(gradients.w.item()).toBeCloseTo(
      residuals.reduce((s, r, i) => s + 2 * r * [1, 2, 3][i]!, 0) / 3,
      14,
    );
    expect(gradients.b.item()).toBeCloseTo(residuals.reduce((s, r) => s + 2 * r, 0) / 3, 14);
  });
});
