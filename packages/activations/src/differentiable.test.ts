import { checkGradient, grad, mul, sum, type Traced, valueAndGrad } from "@descent/autodiff";
import type { Activation } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defineActivation } from "./define.js";
import { applyActivation } from "./differentiable.js";
import { celu, elu, selu } from "./exponential.js";
import { gelu, mish, silu } from "./gated.js";
import { hardSigmoid, hardTanh, leakyRelu, linear, relu, relu6 } from "./piecewise-linear.js";
import { logSigmoid, sigmoid, softplus, softsign, tanh } from "./sigmoid-family.js";
import { logSoftmax, softmax } from "./softmax.js";
import type { ElementwiseActivation } from "./types.js";

const f64 = (values: number[], shape = [values.length]) => new Tensor(Float64Array.from(values), shape);
const f32 = (values: number[], shape = [values.length]) => new Tensor(Float32Array.from(values), shape);

const CASES: readonly [ElementwiseActivation, readonly number[]][] = [
  [relu(), [0]],
  [leakyRelu(0.2), [0]],
  [elu(0.5), [0]],
  [selu(), [0]],
  [celu(2), []],
  [gelu(), []],
  [gelu({ approximate: "tanh" }), []],
  [silu(), []],
  [mish(), []],
  [sigmoid(), []],
  [hardSigmoid(), [-3, 3]],
  [tanh(), []],
  [hardTanh(-2, 1.5), [-2, 1.5]],
  [relu6(), [0, 6]],
  [softplus(2, 10), [5]],
  [softsign(), []],
  [linear(), []],
  [logSigmoid(), []],
];

describe("apply inside autodiff: gradients match central finite differences (checkGradient, float64)", () => {
  for (const [activation, kinks] of CASES) {
    it(`${activation.name} ${JSON.stringify(activation.options)}`, () => {
      const point = fc
        .double({ min: -8, max: 8, noNaN: true })
        .filter((x) => kinks.every((k) => Math.abs(x - k) > 1e-3));
      fc.assert(
        fc.property(fc.array(point, { minLength: 1, maxLength: 6 }), (values) => {
          const check = checkGradient((x: Traced) => activation.apply(x), f64(values, [values.length]));
          if (!check.ok) throw new Error(check.message);
        }),
        { numRuns: 15 },
      );
    });
  }

  it("composes with other ops (a small two-layer expression)", () => {
    const weights = f64([0.5, -1.5, 2, 0.25], [2, 2]);
    const check = checkGradient(
      (x: Traced) => sum(mul(gelu().apply(mul(x, weights)), tanh().apply(x))),
      f64([0.3, -0.7, 1.1, -2.2], [2, 2]),
    );
    expect(check.ok, check.message).toBe(true);
  });

  it("any Activation works, including a user-defined one", () => {
    const cube: Activation = {
      name: "cube",
      value: (x) => x ** 3,
      derivative: (x) => 3 * x * x,
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = input[i]! ** 3;
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++) gradientInput[i] = gradientOutput[i]! * 3 * input[i]! ** 2;
      },
    };
    const { gradients } = valueAndGrad((x: Traced) => sum(applyActivation(cube, x)))(f64([1, -2]));
    expect(gradients.toArray()).toEqual([3, 12]);
  });

  it("keeps float32 as float32", () => {
    const { value, gradients } = valueAndGrad((x: Traced) => sum(relu().apply(x)))(f32([-1, 2]));
    expect(value.dtype).toBe("float32");
    expect(gradients.dtype).toBe("float32");
  });

  it("is first-order: differentiating its gradient again throws", () => {
    const inner = grad((y: Traced) => sum(tanh().apply(y)));
    expect(() => grad((x: Traced) => sum(inner(x) as Traced))(f64([0.5]))).toThrow("first-order");
  });
});

describe("kinks through autodiff: the policy's subgradient, float64 and float32", () => {
  function gradientAt(activation: ElementwiseActivation, x: number): [number, number] {
    const g64 = valueAndGrad((v: Traced) => sum(activation.apply(v)))(f64([x])).gradients.toArray()[0]!;
    const g32 = valueAndGrad((v: Traced) => sum(activation.apply(v)))(f32([x])).gradients.toArray()[0]!;
    return [g64, g32];
  }

  it("relu at 0 for each policy", () => {
    expect(gradientAt(relu(), 0)).toEqual([0, 0]);
    expect(gradientAt(relu({ subgradientAtZero: 1 }), 0)).toEqual([1, 1]);
    expect(gradientAt(relu({ subgradientAtZero: 0.5 }), 0)).toEqual([0.5, 0.5]);
  });

  it("leakyRelu, relu6, hardTanh, hardSigmoid, elu at their kinks", () => {
    expect(gradientAt(leakyRelu({ alpha: 0.25 }), 0)).toEqual([0.25, 0.25]);
    expect(gradientAt(leakyRelu({ alpha: 0.25, subgradientAtZero: 1 }), 0)).toEqual([1, 1]);
    expect(gradientAt(relu6(), 6)).toEqual([0, 0]);
    expect(gradientAt(relu6({ subgradientAtSix: 1 }), 6)).toEqual([1, 1]);
    expect(gradientAt(relu6({ subgradientAtZero: 0.5 }), 0)).toEqual([0.5, 0.5]);
    expect(gradientAt(hardTanh(), -1)).toEqual([0, 0]);
    expect(gradientAt(hardTanh({ subgradientAtMin: 1 }), -1)).toEqual([1, 1]);
    expect(gradientAt(hardTanh({ subgradientAtMax: 0.5 }), 1)).toEqual([0.5, 0.5]);
    expect(gradientAt(hardSigmoid({ subgradientAtThree: 0.125 }), 3)).toEqual([0.125, 0.125]);
    expect(gradientAt(hardSigmoid({ subgradientAtMinusThree: 0.125 }), -3)).toEqual([0.125, 0.125]);
    expect(gradientAt(elu({ alpha: 0.5, subgradientAtZero: 0.75 }), 0)).toEqual([0.75, 0.75]);
  });
});

describe("softmax / logSoftmax gradients", () => {
  const x23 = f64([0.3, -1.2, 2.1, 0.7, 0.1, -0.4], [2, 3]);
  const x234 = f64(
    Array.from({ length: 24 }, (_, i) => Math.sin(1.7 * i) * 2),
    [2, 3, 4],
  );
  for (const [name, op] of [
    ["softmax", softmax],
    ["logSoftmax", logSoftmax],
  ] as const) {
    it(`${name}: checkGradient along every axis`, () => {
      for (const axis of [-1, 0, 1]) {
        const check = checkGradient((x: Traced) => op(x, axis), x23);
        expect(check.ok, `${axis}: ${check.message}`).toBe(true);
      }
      for (const axis of [0, 1, 2]) {
        const check = checkGradient((x: Traced) => op(x, axis), x234);
        expect(check.ok, `${axis}: ${check.message}`).toBe(true);
      }
    });

    it(`${name}: finite gradients at ±1000`, () => {
      const weights = f64([0.5, 1.5, -1], [1, 3]);
      const { value, gradients } = valueAndGrad((x: Traced) => sum(mul(op(x), weights)))(
        f64([1000, 0, -1000], [1, 3]),
      );
      expect(Number.isFinite(value.item())).toBe(true);
      expect(gradients.toArray().every(Number.isFinite)).toBe(true);
    });
  }

  it("the gradient of Σ softmax is 0 (rows sum to 1)", () => {
    const { gradients } = valueAndGrad((x: Traced) => sum(softmax(x)))(x23);
    for (const g of gradients.toArray()) expect(Math.abs(g)).toBeLessThan(1e-15);
  });

  it("sigmoid, softplus, logSigmoid: finite gradients at ±1000 through autodiff", () => {
    const expected: [ElementwiseActivation, number[]][] = [
      [sigmoid(), [0, 0]],
      [softplus(), [0, 1]],
      [softplus({ threshold: 1e9 }), [0, 1]],
      [logSigmoid(), [1, 0]],
    ];
    for (const [activation, gradient] of expected) {
      const { value, gradients } = valueAndGrad((x: Traced) => sum(activation.apply(x)))(f64([-1000, 1000]));
      expect([activation.name, Number.isFinite(value.item())]).toEqual([activation.name, true]);
      expect([activation.name, gradients.toArray()]).toEqual([activation.name, gradient]);
    }
  });
});

describe("defineActivation", () => {
  it("a user-defined activation gets apply, compute and toJSON", () => {
    const square = defineActivation(
      "square",
      {},
      {
        value: (x) => x * x,
        derivative: (x) => 2 * x,
        forward(input, output) {
          for (let i = 0; i < input.length; i++) output[i] = input[i]! * input[i]!;
        },
        backward(input, _output, gradientOutput, gradientInput) {
          for (let i = 0; i < input.length; i++) gradientInput[i] = gradientOutput[i]! * 2 * input[i]!;
        },
      },
    );
    expect(square.compute(f64([3, -2])).toArray()).toEqual([9, 4]);
    expect(valueAndGrad((x: Traced) => sum(square.apply(x)))(f64([3, -2])).gradients.toArray()).toEqual([
      6, -4,
    ]);
    expect(square.toJSON()).toEqual({ name: "square", options: {} });
  });
});
