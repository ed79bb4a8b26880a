import { checkGradient, mul, sum, valueAndGrad } from "@descent/autodiff";
import type { FloatDType, ParamTree, Tensor as TensorLike } from "@descent/spec";
import { createRandom, Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { activation } from "./activation.js";
import { conv2d } from "./convolution.js";
import { layerFromConfig } from "./registry.js";
import { sequential } from "./sequential.js";

const expectOk = (check: { ok: boolean; message: string }) => expect(check.ok, check.message).toBe(true);

/** Values on a grid of quarters (exact in float32), so some pre-activations land exactly on 0. */
function gridTensor(shape: number[], seed: number, dtype: FloatDType): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = ((state >>> 0) % 9) / 4 - 1;
  }
  return new Tensor(data, shape);
}

function expectSame(actual: TensorLike, expected: TensorLike): void {
  expect(actual.shape).toEqual(expected.shape);
  for (let i = 0; i < expected.data.length; i++) {
    if (!Object.is(actual.data[i], expected.data[i]))
      expect.fail(`element ${i}: fused ${actual.data[i]} ≠ unfused ${expected.data[i]}`);
  }
}

describe("conv2d with activation relu (fused)", () => {
  it("sequential fuses [conv2d, relu] and gives the bits of the separate layers, forward and backward", () => {
    for (const [dtype, options] of [
      ["float32", {}],
      ["float64", { padding: "same", strides: 2 }],
    ] as const) {
      const fused = sequential([conv2d(3, 4, 3, options), "relu"]);
      expect(fused.config.fusions).toEqual([{ layers: fused.layerNames, into: "conv2d+relu" }]);
      const separate = conv2d(3, 4, 3, options);
      const relu = activation("relu");
      const params = fused.init(createRandom(5), dtype);
      const name = fused.layerNames[0]!;
      // Grid weights and inputs: some pre-activations are exactly 0, where both give gradient 0.
      const conv = params[name] as ParamTree;
      (conv.weights as TensorLike).data.set(gridTensor([3, 3, 3, 4], 7, dtype).data);
      const x = gridTensor([2, 6, 5, 3], 9, dtype);
      const unfused = (p: ParamTree) => relu.apply({}, separate.apply(p[name] as ParamTree, x));
      expectSame(fused.apply(params, x).value, unfused(params).value);
      const probe = gridTensor([...unfused(params).value.shape], 11, dtype);
      const fusedGrad = valueAndGrad((p: ParamTree) => sum(mul(fused.apply(p, x), probe)))(params)
        .gradients as ParamTree;
      const unfusedGrad = valueAndGrad((p: ParamTree) => sum(mul(unfused(p), probe)))(params)
        .gradients as ParamTree;
      for (const key of ["weights", "bias"]) {
        expectSame(
          (fusedGrad[name] as ParamTree)[key] as TensorLike,
          (unfusedGrad[name] as ParamTree)[key] as TensorLike,
        );
      }
    }
  });

  it("has correct gradients for weights, bias and input (finite differences)", () => {
    const layer = conv2d(2, 3, [2, 3], { activation: "relu", padding: "same" });
    const params = layer.init(createRandom(6), "float64");
    const x = gridTensor([1, 4, 5, 2], 13, "float64");
    // Shift off the grid so no pre-activation sits on relu's kink.
    for (let i = 0; i < x.data.length; i++) x.data[i] = x.data[i]! + 0.01 * (i % 7) + 0.003;
    expectOk(checkGradient((i) => layer.apply(i.params, i.x), { params, x }));
  });

  it("rebuilds from its config with the relu (a hand-written conv2d and a fused sequential)", () => {
    const x = gridTensor([2, 5, 4, 2], 11, "float32");
    for (const model of [
      sequential([conv2d(2, 3, 3, { activation: "relu" })]),
      sequential([conv2d(2, 3, 3), "relu", conv2d(3, 2, 2)]),
    ]) {
      const params = model.init(createRandom(8));
      const rebuilt = layerFromConfig(model.config);
      expect(rebuilt.config).toEqual(model.config);
      const expected = model.apply(params, x).value;
      expectSame(rebuilt.apply(params, x).value, expected);
    }
    const layer = conv2d(2, 3, 3, { activation: "relu" });
    const output = layerFromConfig(layer.config).apply(layer.init(createRandom(9)), x).value;
    expect(Array.from(output.data).every((value) => value >= 0)).toBe(true);
  });

  it("rejects an unknown activation", () => {
    expect(() => conv2d(1, 2, 3, { activation: "tanh" as never })).toThrow(/options\.activation/);
  });
});
