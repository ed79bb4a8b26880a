import * as T from "@descent/tensor";
import { tensor, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { stopGradient, type Traced } from "../core/traced.js";
import { sum } from "../ops/reductions.js";
import { expectGradientsMatch, randomTensor } from "../test-helpers.js";
import { checkGradient } from "../testing/check-gradient.js";
import { customOp } from "./custom-op.js";
import { grad, valueAndGrad } from "./value-and-grad.js";

/** A fused `relu(x·W + b)`, as nn would write it. */
const denseRelu = customOp({
  name: "denseRelu",
  forward: (x, w, b) => T.relu(T.add(T.matmul(x, w), b)),
  backward: (g, y, [x, w]) => {
    const masked = T.mul(g, T.greater(y, 0));
    return [
      T.matmul(masked, w!, { transposeB: true }),
      T.matmul(x!, masked, { transposeA: true }),
      T.sum(masked, 0),
    ];
  },
});

describe("customOp", () => {
  it("runs the forward on tensors and uses the hand-written VJP", () => {
    const inputs = {
      x: randomTensor(1, [4, 3]),
      w: randomTensor(2, [3, 2]),
      b: randomTensor(3, [2], { low: -0.1, high: 0.1 }),
    };
    const check = checkGradient(({ x, w, b }) => denseRelu(x, w, b), inputs);
    expect(check.ok, check.message).toBe(true);
    const { value } = valueAndGrad((x: Traced) => sum(denseRelu(x, inputs.w, inputs.b)))(inputs.x);
    expect(value.item()).toBeCloseTo(T.sum(T.relu(T.add(T.matmul(inputs.x, inputs.w), inputs.b))).item(), 12);
  });

  it("accepts numbers as scalar inputs (constants)", () => {
    const scale = customOp({
      name: "scale",
      forward: (x, factor) => T.mul(x, factor!),
      backward: (g, _y, [, factor]) => [T.mul(g, factor!), null],
    });
    expect(grad((x: Traced) => sum(scale(x, 3)))(tensor([1, 2])).toArray()).toEqual([3, 3]);
    expectGradientsMatch((x) => scale(x, 0.5), randomTensor(4, [3]));
  });

  it("is first-order: differentiating its gradient again throws, naming the op", () => {
    const cube = customOp({
      name: "cube",
      forward: (x) => T.pow(x, 3),
      backward: (g, _y, [x]) => [T.mul(g, T.mul(T.square(x!), 3))],
    });
    expect(grad((x: Traced) => sum(cube(x)))(tensor([2])).toArray()).toEqual([12]);
    // A traced (nested-mode) gradient still has the right value…
    expect(grad((y: Traced) => sum(cube(y)))(stopGradient(tensor([2]))).value.toArray()).toEqual([12]);
    // …but its derivative is not available.
    expect(() => grad((x: Traced) => sum(grad((y: Traced) => sum(cube(y)))(x)))(tensor([2]))).toThrow(
      ValueError,
    );
    expect(() => grad((x: Traced) => sum(grad((y: Traced) => sum(cube(y)))(x)))(tensor([2]))).toThrow(
      /cube: a customOp is first-order/,
    );
  });

  it("tells the backward which inputs need a gradient", () => {
    const seen: boolean[][] = [];
    const product = customOp({
      name: "product",
      forward: (a, b) => T.mul(a, b),
      backward: (g, _y, [a, b], needsGradient) => {
        seen.push([...needsGradient]);
        return [needsGradient[0] ? T.mul(g, b!) : null, needsGradient[1] ? T.mul(g, a!) : null];
      },
    });
    const data = tensor([1, 2]);
    expect(grad((w: Traced) => sum(product(data, w)))(tensor([3, 4])).toArray()).toEqual([1, 2]);
    expect(grad((w: Traced) => sum(product(w, w)))(tensor([3, 4])).toArray()).toEqual([6, 8]);
    expect(seen).toEqual([
      [false, true],
      [true, true],
    ]);
  });

  it("rejects a backward that returns the wrong number of gradients", () => {
    const bad = customOp({ name: "bad", forward: (x) => T.neg(x), backward: () => [] });
    expect(() => grad((x: Traced) => sum(bad(x)))(tensor([1]))).toThrow(
      /bad: backward rule returned 0 gradients for 1 inputs/,
    );
  });
});
