import { ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { elu, SELU_ALPHA, SELU_SCALE, selu } from "./exponential.js";
import { hardSigmoid, hardTanh, leakyRelu, relu, relu6 } from "./piecewise-linear.js";
import type { ElementwiseActivation } from "./types.js";

/** The derivative at `x` through the scalar method and through the vectorized backward (float64 and float32). */
function derivativesAt(activation: ElementwiseActivation, x: number): number[] {
  const scalar = activation.derivative(x, activation.value(x));
  const vectorized = (input: Float32Array | Float64Array) => {
    const output = input instanceof Float64Array ? new Float64Array(1) : new Float32Array(1);
    activation.forward(input, output);
    const gradientInput = input instanceof Float64Array ? new Float64Array(1) : new Float32Array(1);
    activation.backward(
      input,
      output,
      input instanceof Float64Array ? Float64Array.of(1) : Float32Array.of(1),
      gradientInput,
    );
    return gradientInput[0]!;
  };
  return [scalar, vectorized(Float64Array.of(x)), vectorized(Float32Array.of(x))];
}

const f32 = Math.fround;

describe("kinks: the documented element of the subdifferential, for each policy", () => {
  it("relu at 0: default 0 (PyTorch / TF.js / JAX), or any of 1, 0.5, 0.25", () => {
    expect(derivativesAt(relu(), 0)).toEqual([0, 0, 0]);
    expect(derivativesAt(relu(), -0)).toEqual([0, 0, 0]);
    expect(derivativesAt(relu({ subgradientAtZero: 1 }), 0)).toEqual([1, 1, 1]);
    expect(derivativesAt(relu({ subgradientAtZero: 0.5 }), 0)).toEqual([0.5, 0.5, 0.5]);
    expect(derivativesAt(relu({ subgradientAtZero: 0.25 }), 0)).toEqual([0.25, 0.25, 0.25]);
    // Away from the kink the policy changes nothing.
    expect(derivativesAt(relu({ subgradientAtZero: 0.5 }), 1e-30)).toEqual([1, 1, 1]);
    expect(derivativesAt(relu({ subgradientAtZero: 0.5 }), -1e-30)).toEqual([0, 0, 0]);
  });

  it("leakyRelu at 0: default alpha (PyTorch), or any value in [alpha, 1]", () => {
    expect(derivativesAt(leakyRelu(0.2), 0)).toEqual([0.2, 0.2, f32(0.2)]);
    expect(derivativesAt(leakyRelu({ alpha: 0.2, subgradientAtZero: 1 }), 0)).toEqual([1, 1, 1]);
    expect(derivativesAt(leakyRelu({ alpha: 0.2, subgradientAtZero: 0.5 }), 0)).toEqual([0.5, 0.5, 0.5]);
    expect(derivativesAt(leakyRelu(), 0)).toEqual([0.01, 0.01, f32(0.01)]);
  });

  it("relu6 at 0 and at 6: default 0 and 0 (PyTorch), each selectable", () => {
    expect(derivativesAt(relu6(), 0)).toEqual([0, 0, 0]);
    expect(derivativesAt(relu6(), 6)).toEqual([0, 0, 0]);
    const custom = relu6({ subgradientAtZero: 1, subgradientAtSix: 0.5 });
    expect(derivativesAt(custom, 0)).toEqual([1, 1, 1]);
    expect(derivativesAt(custom, 6)).toEqual([0.5, 0.5, 0.5]);
    expect(derivativesAt(custom, 3)).toEqual([1, 1, 1]);
  });

  it("hardTanh at min and max: default 0 and 0 (PyTorch), each selectable", () => {
    expect(derivativesAt(hardTanh(), -1)).toEqual([0, 0, 0]);
    expect(derivativesAt(hardTanh(), 1)).toEqual([0, 0, 0]);
    const custom = hardTanh(-2, 3, { subgradientAtMin: 1, subgradientAtMax: 0.5 });
    expect(derivativesAt(custom, -2)).toEqual([1, 1, 1]);
    expect(derivativesAt(custom, 3)).toEqual([0.5, 0.5, 0.5]);
    expect(derivativesAt(hardTanh({ subgradientAtMax: 1 }), 1)).toEqual([1, 1, 1]);
  });

  it("hardSigmoid at −3 and 3: default 0 and 0 (PyTorch), each in [0, 1/6]", () => {
    expect(derivativesAt(hardSigmoid(), -3)).toEqual([0, 0, 0]);
    expect(derivativesAt(hardSigmoid(), 3)).toEqual([0, 0, 0]);
    const custom = hardSigmoid({ subgradientAtMinusThree: 1 / 6, subgradientAtThree: 1 / 12 });
    expect(derivativesAt(custom, -3)).toEqual([1 / 6, 1 / 6, f32(1 / 6)]);
    expect(derivativesAt(custom, 3)).toEqual([1 / 12, 1 / 12, f32(1 / 12)]);
    expect(derivativesAt(custom, 0)).toEqual([1 / 6, 1 / 6, f32(1 / 6)]);
  });

  it("elu (alpha ≠ 1) and selu at 0: default the left derivative (PyTorch), selectable", () => {
    expect(derivativesAt(elu(0.5), 0)).toEqual([0.5, 0.5, 0.5]);
    expect(derivativesAt(elu({ alpha: 0.5, subgradientAtZero: 1 }), 0)).toEqual([1, 1, 1]);
    expect(derivativesAt(elu(), 0)).toEqual([1, 1, 1]);
    expect(derivativesAt(selu(), 0)).toEqual([
      SELU_SCALE * SELU_ALPHA,
      SELU_SCALE * SELU_ALPHA,
      f32(SELU_SCALE * SELU_ALPHA),
    ]);
    expect(derivativesAt(selu({ subgradientAtZero: SELU_SCALE }), 0)).toEqual([
      SELU_SCALE,
      SELU_SCALE,
      f32(SELU_SCALE),
    ]);
  });
});

describe("a value outside the subdifferential is a ValueError naming the activation, the value and the interval", () => {
  it("relu", () => {
    expect(() => relu({ subgradientAtZero: 2 })).toThrow(ValueError);
    expect(() => relu({ subgradientAtZero: 2 })).toThrow(
      "relu: subgradientAtZero = 2 is not in the subdifferential [0, 1] at x = 0: pass a value in [0, 1]",
    );
    expect(() => relu({ subgradientAtZero: -0.1 })).toThrow("subgradientAtZero = -0.1");
    expect(() => relu({ subgradientAtZero: Number.NaN })).toThrow("subgradientAtZero = NaN");
  });

  it("the others", () => {
    expect(() => leakyRelu({ alpha: 0.2, subgradientAtZero: 0.1 })).toThrow(
      "leakyRelu: subgradientAtZero = 0.1 is not in the subdifferential [0.2, 1] at x = 0",
    );
    expect(() => relu6({ subgradientAtSix: 1.5 })).toThrow(
      "relu6: subgradientAtSix = 1.5 is not in the subdifferential [0, 1] at x = 6",
    );
    expect(() => hardTanh({ subgradientAtMin: 2 })).toThrow(
      "hardTanh: subgradientAtMin = 2 is not in the subdifferential [0, 1] at x = -1",
    );
    expect(() => hardSigmoid({ subgradientAtThree: 0.5 })).toThrow(
      `hardSigmoid: subgradientAtThree = 0.5 is not in the subdifferential [0, ${1 / 6}] at x = 3`,
    );
    expect(() => elu({ alpha: 2, subgradientAtZero: 0.5 })).toThrow(
      "elu: subgradientAtZero = 0.5 is not in the subdifferential [1, 2]",
    );
    expect(() => selu({ subgradientAtZero: 1 })).toThrow(
      "selu: subgradientAtZero = 1 is not in the subdifferential",
    );
  });

  it("other invalid options", () => {
    expect(() => hardTanh(1, -1)).toThrow("hardTanh: min 1 must be smaller than max -1");
    expect(() => leakyRelu(Number.NaN)).toThrow("leakyRelu: alpha must be a finite number, got NaN");
    expect(() => relu({ alpha: 0.1 } as never)).toThrow(
      'relu: unknown option "alpha": valid options are subgradientAtZero',
    );
  });
});
