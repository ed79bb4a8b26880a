import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { celu, elu, SELU_ALPHA, SELU_SCALE, selu } from "./exponential.js";
import { gelu, mish, silu, swish } from "./gated.js";
import { hardSigmoid, hardTanh, leakyRelu, linear, relu, relu6 } from "./piecewise-linear.js";
import { logSigmoid, sigmoid, softplus, softsign, tanh } from "./sigmoid-family.js";
import type { ElementwiseActivation } from "./types.js";

interface Case {
  readonly activation: ElementwiseActivation;
  /** Points where the derivative jumps (finite differences must stay away from them). */
  readonly kinks: readonly number[];
}

const CASES: readonly Case[] = [
  { activation: relu(), kinks: [0] },
  { activation: leakyRelu(), kinks: [0] },
  { activation: leakyRelu(0.2), kinks: [0] },
  { activation: elu(), kinks: [] },
  { activation: elu(0.5), kinks: [0] },
  { activation: selu(), kinks: [0] },
  { activation: celu(), kinks: [] },
  { activation: celu(2.5), kinks: [] },
  { activation: gelu(), kinks: [] },
  { activation: gelu({ approximate: "tanh" }), kinks: [] },
  { activation: silu(), kinks: [] },
  { activation: mish(), kinks: [] },
  { activation: sigmoid(), kinks: [] },
  { activation: hardSigmoid(), kinks: [-3, 3] },
  { activation: tanh(), kinks: [] },
  { activation: hardTanh(), kinks: [-1, 1] },
  { activation: hardTanh(-2, 0.5), kinks: [-2, 0.5] },
  { activation: relu6(), kinks: [0, 6] },
  { activation: softplus(), kinks: [20] },
  { activation: softplus(2, 5), kinks: [2.5] },
  { activation: softsign(), kinks: [] },
  { activation: linear(), kinks: [] },
  { activation: logSigmoid(), kinks: [] },
];

const label = (c: Case) => `${c.activation.name} ${JSON.stringify(c.activation.options)}`;

function centralDifference(f: (x: number) => number, x: number): number {
  const step = 1e-6 * Math.max(1, Math.abs(x));
  return (f(x + step) - f(x - step)) / (2 * step);
}

describe("derivatives against central finite differences (float64, random points away from kinks)", () => {
  for (const c of CASES) {
    it(label(c), () => {
      const points = fc
        .double({ min: -12, max: 12, noNaN: true })
        .filter((x) => c.kinks.every((kink) => Math.abs(x - kink) > 1e-3));
      fc.assert(
        fc.property(points, (x) => {
          const { value, derivative } = c.activation;
          const expected = centralDifference(value, x);
          const actual = derivative(x, value(x));
          return Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
        }),
        { numRuns: 200 },
      );
    });
  }
});

describe("vectorized kernels equal the scalar value and derivative", () => {
  const inputs = [
    -1000, -30, -6, -3.5, -3, -1.25, -1, -0.5, -1e-9, 0, 1e-9, 0.3, 1, 2.5, 3, 6, 7.75, 25, 1000,
  ];
  for (const c of CASES) {
    it(label(c), () => {
      const { activation } = c;
      const input = Float64Array.from(inputs);
      const output = new Float64Array(input.length);
      activation.forward(input, output);
      const gradientOutput = Float64Array.from(input, (_, i) => 0.5 + i / 7);
      const gradientInput = new Float64Array(input.length);
      activation.backward(input, output, gradientOutput, gradientInput);
      for (let i = 0; i < input.length; i++) {
        const x = input[i]!;
        expect([x, output[i]]).toEqual([x, activation.value(x)]);
        const expected = gradientOutput[i]! * activation.derivative(x, activation.value(x));
        expect(Math.abs(gradientInput[i]! - expected)).toBeLessThanOrEqual(1e-15 * Math.abs(expected));
      }

      const input32 = Float32Array.from(inputs);
      const output32 = new Float32Array(input32.length);
      activation.forward(input32, output32);
      for (let i = 0; i < input32.length; i++)
        expect(output32[i]).toBe(Math.fround(activation.value(input32[i]!)));
      const gradient32 = new Float32Array(input32.length);
      activation.backward(input32, output32, Float32Array.from(gradientOutput), gradient32);
      for (let i = 0; i < input32.length; i++) {
        const x = input32[i]!;
        const expected = Math.fround(gradientOutput[i]!) * activation.derivative(x, activation.value(x));
        expect(Math.abs(gradient32[i]! - expected)).toBeLessThanOrEqual(
          1e-6 * Math.max(1e-30, Math.abs(expected)) + 1e-30,
        );
      }

      const inPlace = Float64Array.from(inputs);
      activation.forward(inPlace, inPlace);
      expect(inPlace).toEqual(output);
    });
  }
});

describe("values", () => {
  it("match references computed with mpmath", () => {
    expect(gelu().value(1)).toBeCloseTo(0.8413447460685429, 15);
    expect(gelu().value(-3)).toBeCloseTo(-0.0040496940948902835, 16);
    expect(gelu({ approximate: "tanh" }).value(1)).toBeCloseTo(0.8411919906082768, 15);
    expect(silu().value(1)).toBeCloseTo(0.7310585786300049, 15);
    expect(mish().value(1)).toBeCloseTo(0.8650983882673103, 15);
    expect(elu().value(-1)).toBeCloseTo(-0.6321205588285577, 15);
    expect(celu(2).value(-2)).toBeCloseTo(-1.2642411176571153, 15);
    expect(softplus().value(0)).toBeCloseTo(Math.LN2, 15);
    expect(softplus(2).value(1)).toBeCloseTo(1.0634640055214863, 15);
    expect(selu().value(1)).toBe(SELU_SCALE);
    expect(selu().value(-1000)).toBeCloseTo(-SELU_SCALE * SELU_ALPHA, 15);
    expect(logSigmoid().value(-1)).toBeCloseTo(-1.3132616875182228, 15);
    expect(hardSigmoid().value(1.5)).toBe(0.75);
    expect(hardTanh(-2, 2).value(-3)).toBe(-2);
    expect(relu6().value(8)).toBe(6);
    expect(softsign().value(1)).toBe(0.5);
    expect(leakyRelu().value(-1)).toBe(-0.01);
    expect(swish).toBe(silu);
    expect(swish().name).toBe("silu");
  });

  it("back the TSDoc claims: celu(1) is elu(1); softsign keeps a gradient where tanh has none", () => {
    for (const x of [-3, -0.5, 0, 2]) expect([x, celu(1).value(x)]).toEqual([x, elu(1).value(x)]);
    expect(softsign().derivative(10, softsign().value(10))).toBe(1 / 121);
    expect(tanh().derivative(10, tanh().value(10))).toBeLessThan(1e-8);
  });

  it("propagate NaN (never hidden)", () => {
    for (const c of CASES) {
      expect([label(c), Number.isNaN(c.activation.value(Number.NaN))]).toEqual([label(c), true]);
    }
  });
});

describe("numerical stability at the extremes", () => {
  for (const c of CASES) {
    it(`${label(c)} is finite at ±1000 and ±1e6`, () => {
      for (const x of [-1e6, -1000, 1000, 1e6]) {
        const y = c.activation.value(x);
        const d = c.activation.derivative(x, y);
        expect([x, Number.isFinite(y), Number.isFinite(d)]).toEqual([x, true, true]);
      }
    });
  }

  it("sigmoid, softplus and logSigmoid have the right limits at ±1000", () => {
    expect(sigmoid().value(1000)).toBe(1);
    expect(sigmoid().value(-1000)).toBe(0);
    expect(sigmoid().derivative(-1000, sigmoid().value(-1000))).toBe(0);
    expect(softplus().value(1000)).toBe(1000);
    expect(softplus().value(-1000)).toBe(0);
    expect(softplus({ threshold: 1e9 }).value(1000)).toBe(1000);
    expect(softplus().derivative(-1000, 0)).toBe(0);
    expect(softplus({ threshold: 1e9 }).derivative(1000, 1000)).toBe(1);
    expect(logSigmoid().value(-1000)).toBe(-1000);
    expect(logSigmoid().value(1000)).toBe(0);
    expect(logSigmoid().derivative(-1000, -1000)).toBe(1);
    expect(logSigmoid().derivative(1000, 0)).toBe(0);
  });
});
