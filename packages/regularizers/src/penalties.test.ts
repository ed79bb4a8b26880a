import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createElementwiseRegularizer, type ElementwiseRegularizer } from "./elementwise.js";
import { elasticNet, l1, l2 } from "./penalties.js";
import { allParameters } from "./selection.js";
import { asTransform } from "./transforms.js";

function f64(values: number[], shape: number[] = [values.length]): Tensor {
  return new Tensor(Float64Array.from(values), shape);
}

function leaf(tree: ParamTree, ...path: string[]): TensorLike {
  let node: unknown = tree;
  for (const key of path) node = (node as Record<string, unknown>)[key];
  return node as TensorLike;
}

/** Central finite difference of `regularizer.penalty` with respect to element `index` of `params.layer.weights`. */
function finiteDifference(regularizer: ElementwiseRegularizer, weights: number[], index: number): number {
  const step = 1e-6;
  const at = (delta: number) => {
    const shifted = [...weights];
    shifted[index]! += delta;
    return regularizer.penalty({ layer: { weights: f64(shifted) } });
  };
  return (at(step) - at(-step)) / (2 * step);
}

const awayFromZero = fc
  .array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 8 })
  .filter((values) => values.every((v) => Math.abs(v) > 1e-3));

describe("penalties", () => {
  it("l1: λ Σ|w|, gradient λ sign(w) with 0 at 0", () => {
    const regularizer = l1(0.5);
    const params = { layer: { weights: f64([1, -2, 0, 3]) } };
    expect(regularizer.penalty(params)).toBe(3);
    expect(leaf(regularizer.gradient(params), "layer", "weights").data).toEqual(
      Float64Array.from([0.5, -0.5, 0, 0.5]),
    );
  });

  it("l2 'half' (default): ½λ‖w‖², gradient λw (PyTorch weight_decay)", () => {
    const params = { weights: f64([1, -2, 3]) };
    expect(l2(0.1).penalty(params)).toBeCloseTo(0.7, 15);
    expect(Array.from(leaf(l2(0.1).gradient(params), "weights").data)).toEqual([0.1, -0.2, 0.1 * 3]);
  });

  it("l2 'full': λ‖w‖², gradient 2λw (Keras)", () => {
    const params = { weights: f64([1, -2, 3]) };
    const regularizer = l2(0.1, { convention: "full" });
    expect(regularizer.penalty(params)).toBeCloseTo(1.4, 15);
    expect(Array.from(leaf(regularizer.gradient(params), "weights").data)).toEqual([0.2, -0.4, 0.2 * 3]);
  });

  it("elasticNet = l1 + l2", () => {
    const params = { weights: f64([1, -2, 0, 3]) };
    const regularizer = elasticNet(0.3, 0.1);
    expect(regularizer.penalty(params)).toBeCloseTo(l1(0.3).penalty(params) + l2(0.1).penalty(params), 14);
    expect(Array.from(leaf(regularizer.gradient(params), "weights").data)).toEqual([
      0.3 + 0.1,
      -0.3 - 0.2,
      0,
      0.3 + 0.1 * 3,
    ]);
  });

  for (const [label, regularizer] of [
    ["l1", l1(0.7)],
    ["l2 half", l2(0.3)],
    ["l2 full", l2(0.3, { convention: "full" })],
    ["elasticNet", elasticNet(0.2, 0.4)],
    ["elasticNet full", elasticNet(0.2, 0.4, { convention: "full" })],
  ] as const) {
    it(`${label}: gradient matches central finite differences (float64)`, () => {
      fc.assert(
        fc.property(awayFromZero, (weights) => {
          const gradient = leaf(
            regularizer.gradient({ layer: { weights: f64(weights) } }),
            "layer",
            "weights",
          );
          for (let i = 0; i < weights.length; i++) {
            expect(gradient.data[i]).toBeCloseTo(finiteDifference(regularizer, weights, i), 6);
          }
        }),
        { numRuns: 50 },
      );
    });
  }

  it("keeps the tree, shapes and dtypes; unselected leaves get zero gradient", () => {
    const params = {
      dense: { weights: new Tensor(Float32Array.from([1, 2, 3, 4]), [2, 2]), bias: f64([5, 6]) },
    };
    const gradient = l2(1).gradient(params) as { dense: { weights: TensorLike; bias: TensorLike } };
    expect(gradient.dense.weights.shape).toEqual([2, 2]);
    expect(gradient.dense.weights.dtype).toBe("float32");
    expect(Array.from(gradient.dense.weights.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(gradient.dense.bias.data)).toEqual([0, 0]);
    expect(gradient.dense.bias.dtype).toBe("float64");
    expect(l2(1).penalty(params)).toBe(15);
    expect(l2(1, { include: allParameters }).penalty(params)).toBe(15 + 30.5);
  });

  it("propagates NaN weights instead of hiding them", () => {
    const params = { weights: f64([Number.NaN]) };
    expect(l1(1).penalty(params)).toBeNaN();
    expect(leaf(l1(1).gradient(params), "weights").data[0]).toBeNaN();
  });

  it("rejects negative, NaN and infinite strengths and unknown conventions", () => {
    expect(() => l1(-1)).toThrow(ValueError);
    expect(() => l1(-1)).toThrow("l1: strength -1 must be a finite number ≥ 0");
    expect(() => l2(Number.NaN)).toThrow("l2: strength NaN must be a finite number ≥ 0");
    expect(() => l2(Number.POSITIVE_INFINITY)).toThrow(ValueError);
    expect(() => elasticNet(0.1, -0.1)).toThrow("elasticNet: l2Strength -0.1");
    expect(() => l2(0.1, { convention: "double" as never })).toThrow(
      'l2: convention "double" is not supported',
    );
  });
});

describe("swapping one regularizer for another (the README's lines)", () => {
  const params = { dense: { weights: f64([1, -2, 0, 3]), bias: f64([4]) } };
  const dataGradients = { dense: { weights: f64([0.5, 0.5, 0.5, 0.5]), bias: f64([1]) } };
  const cases: [string, ElementwiseRegularizer, number, number[]][] = [
    // λΣ|w| = 0.1·6; g + λ·sign(w)
    ["l1(0.1)", l1(0.1), 0.6, [0.6, 0.4, 0.5, 0.6]],
    // ½λ‖w‖² = 0.05·14; g + λw
    ["l2(0.1)", l2(0.1), 0.7, [0.6, 0.3, 0.5, 0.8]],
    // both of the above
    ["elasticNet(0.1, 0.1)", elasticNet(0.1, 0.1), 1.3, [0.7, 0.2, 0.5, 0.9]],
  ];
  it.each(cases)(
    "%s: penalty for the loss, and the same gradients through the loss or asTransform",
    (_, regularizer, penalty, expected) => {
      expect(regularizer.penalty(params)).toBeCloseTo(penalty, 15);
      const throughTransform = asTransform(regularizer).update(dataGradients, {}, params).updates;
      const penaltyGradient = leaf(regularizer.gradient(params), "dense", "weights").data;
      const transformed = leaf(throughTransform, "dense", "weights").data;
      for (let i = 0; i < expected.length; i++) {
        expect(transformed[i]).toBeCloseTo(expected[i]!, 15);
        expect(transformed[i]).toBe(dataGradients.dense.weights.data[i]! + penaltyGradient[i]!);
      }
      expect(leaf(throughTransform, "dense", "bias")).toBe(dataGradients.dense.bias);
    },
  );
});

describe("createElementwiseRegularizer", () => {
  it("builds a custom penalty with selection and the fused transform path", () => {
    const quartic = createElementwiseRegularizer(
      "quartic",
      {
        penalty(w) {
          let s = 0;
          for (let i = 0; i < w.length; i++) s += w[i]! ** 4;
          return s / 4;
        },
        accumulateGradient(w, target) {
          for (let i = 0; i < w.length; i++) target[i]! += w[i]! ** 3;
        },
      },
      {},
    );
    const params = { weights: f64([2, -1]), bias: f64([3]) };
    expect(quartic.penalty(params)).toBe(4.25);
    const { updates } = asTransform(quartic).update({ weights: f64([1, 1]), bias: f64([1]) }, {}, params);
    expect(Array.from(leaf(updates, "weights").data)).toEqual([9, 0]);
    expect(Array.from(leaf(updates, "bias").data)).toEqual([1]);
  });
});
