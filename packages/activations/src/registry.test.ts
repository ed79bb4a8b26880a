import { ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { type ActivationName, activations, getActivation, isActivationName } from "./registry.js";

describe("registry", () => {
  it("builds every registered activation with its default options, and rebuilds it from toJSON()", () => {
    for (const name of Object.keys(activations) as ActivationName[]) {
      const activation = getActivation(name);
      expect(activation.name).toBe(name === "swish" ? "silu" : name);
      const saved = JSON.parse(JSON.stringify(activation));
      const rebuilt = getActivation(saved.name, saved.options);
      expect(rebuilt.options).toEqual(activation.options);
    }
  });

  it("passes options through and keeps them JSON-safe", () => {
    const activation = getActivation("leakyRelu", { alpha: 0.2, subgradientAtZero: 1 });
    expect(activation.value(-1)).toBe(-0.2);
    expect(activation.derivative(0, 0)).toBe(1);
    expect(activation.toJSON()).toEqual({ name: "leakyRelu", options: { alpha: 0.2, subgradientAtZero: 1 } });
    expect(getActivation("hardTanh", { min: -2, max: 2 }).value(5)).toBe(2);
    expect(getActivation("softplus", { beta: 2 }).options).toEqual({ beta: 2, threshold: 20 });
    expect(getActivation("softmax", { axis: 0 }).options).toEqual({ axis: 0 });
  });

  it("rejects an unknown name, listing the valid ones", () => {
    expect(() => getActivation("reLU" as ActivationName)).toThrow(ValueError);
    expect(() => getActivation("reLU" as ActivationName)).toThrow(
      'getActivation: unknown activation "reLU": valid names are relu, leakyRelu, elu, selu, celu, gelu, silu, swish, mish, sigmoid, hardSigmoid, tanh, hardTanh, relu6, softplus, softsign, linear, logSigmoid, softmax, logSoftmax',
    );
    expect(() => getActivation("toString" as ActivationName)).toThrow("unknown activation");
  });

  it("rejects unknown or invalid options (a typo in a saved model is not ignored)", () => {
    expect(() => getActivation("leakyRelu", { alhpa: 0.2 } as never)).toThrow(
      'leakyRelu: unknown option "alhpa": valid options are alpha, subgradientAtZero',
    );
    expect(() => getActivation("sigmoid", { alpha: 1 } as never)).toThrow(
      'sigmoid: unknown option "alpha": it takes no options',
    );
    expect(() => getActivation("gelu", { approximate: "erf" } as never)).toThrow(
      'gelu: approximate "erf" is not supported: use "none" or "tanh"',
    );
    expect(() => getActivation("softmax", { axis: 0.5 })).toThrow(
      "softmax: axis must be an integer, got 0.5",
    );
  });
});

describe("isActivationName", () => {
  it("accepts the registered names and nothing else, prototype names included", () => {
    for (const name of Object.keys(activations)) expect(isActivationName(name)).toBe(true);
    for (const value of ["reLU", "rleu", "", "toString", "constructor", "__proto__", 1, null, undefined]) {
      expect(isActivationName(value)).toBe(false);
    }
  });
});
