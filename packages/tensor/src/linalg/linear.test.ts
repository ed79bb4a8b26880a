import type { FloatDType, Shape } from "@descent/spec";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DTypeError, ShapeError, ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { add } from "../elementwise/arithmetic.js";
import { uniform } from "../random/distributions.js";
import { createRandom } from "../random/generator.js";
import { linear, linearBackward } from "./linear.js";
import { matmul } from "./matmul.js";

function randomTensor(shape: Shape, seed: number, dtype: FloatDType = "float64"): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
  data.set(uniform(createRandom(seed), [size], { low: -1, high: 1, dtype: "float64" }).data);
  return new Tensor(data, shape);
}

/** Values on a grid of quarters (exact in float32), so some pre-activations land exactly on 0. */
function gridTensor(shape: Shape, seed: number, dtype: FloatDType): Tensor {
  const tensor = randomTensor(shape, seed, dtype);
  for (let i = 0; i < tensor.data.length; i++) tensor.data[i] = Math.round(tensor.data[i]! * 4) / 4;
  return tensor;
}

/** `act(x·W + b)` by the definition, in float64. */
function naiveLinear(x: Tensor, weights: Tensor, bias: Tensor | undefined, relu: boolean): number[] {
  const [inputSize, outputSize] = weights.shape as [number, number];
  const rows = x.data.length / inputSize;
  const result: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < outputSize; j++) {
      let z = bias ? bias.data[j]! : 0;
      for (let p = 0; p < inputSize; p++) z += x.data[r * inputSize + p]! * weights.data[p * outputSize + j]!;
      result.push(relu ? Math.max(z, 0) : z);
    }
  }
  return result;
}

function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`element ${i}: ${actual[i]} ≠ ${expected[i]}`);
  }
}

const sizes = fc.record({
  rows: fc.integer({ min: 1, max: 12 }),
  inputSize: fc.integer({ min: 1, max: 24 }),
  outputSize: fc.integer({ min: 1, max: 24 }),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  useBias: fc.boolean(),
  relu: fc.boolean(),
});

describe("linear", () => {
  it("computes act(x·W + b) on the last axis (float64, against the definition)", () => {
    fc.assert(
      fc.property(sizes, ({ rows, inputSize, outputSize, seed, useBias, relu }) => {
        const x = randomTensor([rows, 1, inputSize], seed);
        const weights = randomTensor([inputSize, outputSize], seed + 1);
        const bias = useBias ? randomTensor([outputSize], seed + 2) : undefined;
        const y = linear(x, weights, { bias, activation: relu ? "relu" : "none" });
        expect(y.shape).toEqual([rows, 1, outputSize]);
        expect(y.dtype).toBe("float64");
        const expected = naiveLinear(x, weights, bias, relu);
        for (let i = 0; i < expected.length; i++) expect(y.data[i]).toBeCloseTo(expected[i]!, 12);
      }),
      { numRuns: 40 },
    );
  });

  it("gives the bits of matmul, add and max(·, 0) in float32 (the kernels' fused epilogue rounds once)", () => {
    fc.assert(
      fc.property(sizes, ({ rows, inputSize, outputSize, seed, useBias, relu }) => {
        const x = gridTensor([rows, inputSize], seed, "float32");
        const weights = gridTensor([inputSize, outputSize], seed + 1, "float32");
        const bias = useBias ? gridTensor([outputSize], seed + 2, "float32") : undefined;
        if (seed % 3 === 0) x.data[seed % x.data.length] = Number.NaN;
        const y = linear(x, weights, { bias, activation: relu ? "relu" : "none" });
        const z = bias ? add(matmul(x, weights), bias) : matmul(x, weights);
        expectSameBits(y.data, relu ? z.data.map((value) => Math.max(value, 0)) : z.data);
      }),
      { numRuns: 60 },
    );
  });

  it("promotes mixed dtypes to float64 and accepts a 1-D input", () => {
    const x = randomTensor([3], 1, "float32");
    const weights = randomTensor([3, 2], 2, "float64");
    const y = linear(x, weights, { bias: randomTensor([2], 3, "float32") });
    expect(y.dtype).toBe("float64");
    expect(y.shape).toEqual([2]);
  });

  it("keeps NaN through relu and gives an empty batch an empty result", () => {
    const x = new Tensor(new Float32Array([Number.NaN, 1]), [1, 2]);
    const weights = new Tensor(new Float32Array([1, 1]), [2, 1]);
    expect(Number.isNaN(linear(x, weights, { activation: "relu" }).data[0])).toBe(true);
    expect(linear(new Tensor(new Float32Array(0), [0, 2]), weights).shape).toEqual([0, 1]);
  });

  it("refuses bad shapes, dtypes and options with errors naming the fix", () => {
    const x = randomTensor([4, 3], 1);
    const weights = randomTensor([3, 2], 2);
    expect(() => linear(x, randomTensor([2, 3], 3))).toThrow(ShapeError);
    expect(() => linear(x, randomTensor([2, 3], 3))).toThrow(/last axis must have 2 entries/);
    expect(() => linear(x, randomTensor([3], 3))).toThrow(/not a matrix/);
    expect(() => linear(new Tensor(new Float64Array([1]), []), weights)).toThrow(ShapeError);
    expect(() => linear(x, weights, { bias: randomTensor([3], 4) })).toThrow(/shape \[2\]/);
    expect(() => linear(x, weights, { activation: "gelu" as never })).toThrow(ValueError);
    expect(() => linear(x, weights, { bais: x } as never)).toThrow(/bais is not an option/);
    expect(() => linear(new Tensor(new Int32Array(12), [4, 3]) as never, weights)).toThrow(DTypeError);
  });
});

describe("linearBackward", () => {
  /** L = Σ y ⊙ u, so ∂L/∂y = u. */
  function loss(x: Tensor, weights: Tensor, bias: Tensor | undefined, relu: boolean, u: Tensor): number {
    const y = linear(x, weights, { bias, activation: relu ? "relu" : "none" });
    let total = 0;
    for (let i = 0; i < y.data.length; i++) total += y.data[i]! * u.data[i]!;
    return total;
  }

  /** Central differences of `loss` in each element of `target`. */
  function numeric(target: Tensor, evaluate: () => number): number[] {
    const h = 1e-6;
    return Array.from(target.data, (value, i) => {
      target.data[i] = value + h;
      const up = evaluate();
      target.data[i] = value - h;
      const down = evaluate();
      target.data[i] = value;
      return (up - down) / (2 * h);
    });
  }

  it("matches finite differences of linear (float64, away from the kink)", () => {
    fc.assert(
      fc.property(sizes, ({ rows, inputSize, outputSize, seed, useBias, relu }) => {
        const x = randomTensor([rows, inputSize], seed);
        const weights = randomTensor([inputSize, outputSize], seed + 1);
        const bias = useBias ? randomTensor([outputSize], seed + 2) : undefined;
        const u = randomTensor([rows, outputSize], seed + 3);
        const activation = relu ? "relu" : "none";
        const y = linear(x, weights, { bias, activation });
        // Within 1e-4 of the kink a difference of ±1e-6 could cross it: move such units away.
        const z = linear(x, weights, { bias });
        if (relu && z.data.some((value) => Math.abs(value) < 1e-4)) return;
        const gradients = linearBackward({
          input: x,
          weights,
          output: y,
          cotangent: u,
          activation,
          bias: useBias,
          inputGradient: true,
        });
        const evaluate = () => loss(x, weights, bias, relu, u);
        const pairs: [Tensor | undefined, Tensor | undefined][] = [
          [gradients.input, x],
          [gradients.weights, weights],
          [gradients.bias, bias],
        ];
        for (const [gradient, operand] of pairs) {
          if (operand === undefined) {
            expect(gradient).toBeUndefined();
            continue;
          }
          expect(gradient!.shape).toEqual(operand.shape);
          const expected = numeric(operand, evaluate);
          for (let i = 0; i < expected.length; i++) expect(gradient!.data[i]).toBeCloseTo(expected[i]!, 6);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("gives relu'(0) = 0, keeps NaN, and sums the masked rows into ∂b", () => {
    // z = [0, 2, -1, NaN] in one row: the mask is [0, 1, 0, NaN].
    const x = new Tensor(new Float64Array([1]), [1, 1]);
    const weights = new Tensor(new Float64Array([0, 2, -1, Number.NaN]), [1, 4]);
    const y = linear(x, weights, { activation: "relu" });
    const cotangent = new Tensor(new Float64Array([5, 5, 5, 5]), [1, 4]);
    const options = { input: x, weights, output: y, cotangent, activation: "relu" as const, bias: true };
    const { weights: dW, bias: db, input } = linearBackward({ ...options, inputGradient: false });
    expect(Array.from(dW.data)).toEqual([0, 5, 0, Number.NaN]);
    expect(Array.from(db!.data)).toEqual([0, 5, 0, Number.NaN]);
    expect(input).toBeUndefined();
  });

  it("writes ∂W and ∂b into the allocator's arrays, whatever they held, with the bits of new arrays", () => {
    fc.assert(
      fc.property(sizes, fc.constantFrom<FloatDType>("float32", "float64"), (size, dtype) => {
        const { rows, inputSize, outputSize, seed, useBias, relu } = size;
        const x = gridTensor([rows, inputSize], seed, dtype);
        const weights = gridTensor([inputSize, outputSize], seed + 1, dtype);
        const y = linear(x, weights, { activation: relu ? "relu" : "none" });
        const cotangent = randomTensor(y.shape, seed + 2, dtype);
        const options = {
          input: x,
          weights,
          output: y,
          cotangent,
          activation: relu ? ("relu" as const) : ("none" as const),
          bias: useBias,
          inputGradient: seed % 2 === 0,
        };
        const given: (Float32Array | Float64Array)[] = [];
        const garbage = (wanted: FloatDType, length: number) => {
          const array = wanted === "float64" ? new Float64Array(length) : new Float32Array(length);
          array.fill(Number.NaN);
          given.push(array);
          return array;
        };
        const plain = linearBackward(options);
        const pooled = linearBackward({ ...options, allocate: garbage });
        expect(given).toContain(pooled.weights.data);
        expectSameBits(pooled.weights.data, plain.weights.data);
        if (useBias) {
          expect(given).toContain(pooled.bias!.data);
          expectSameBits(pooled.bias!.data, plain.bias!.data);
        }
        if (options.inputGradient) expectSameBits(pooled.input!.data, plain.input!.data);
      }),
      { numRuns: 40 },
    );
  });

  it("gives an empty batch zero ∂W and ∂b, whatever the allocator's arrays held", () => {
    const x = new Tensor(new Float32Array(0), [0, 3]);
    const weights = randomTensor([3, 2], 1, "float32");
    const y = linear(x, weights, { activation: "relu" });
    const nan = (_dtype: FloatDType, length: number) => new Float32Array(length).fill(Number.NaN);
    const options = { input: x, weights, output: y, cotangent: y, bias: true, inputGradient: true };
    for (const activation of ["none", "relu"] as const) {
      const gradients = linearBackward({ ...options, activation, allocate: nan });
      expect(Array.from(gradients.weights.data)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(Array.from(gradients.bias!.data)).toEqual([0, 0]);
      expect(gradients.input!.shape).toEqual([0, 3]);
    }
  });

  it("refuses mismatched shapes, missing arguments and a wrong allocation", () => {
    const x = randomTensor([4, 3], 1);
    const weights = randomTensor([3, 2], 2);
    const y = linear(x, weights, { activation: "relu" });
    const base = { input: x, weights, output: y, cotangent: y, bias: false, inputGradient: false };
    expect(() => linearBackward({ ...base, cotangent: randomTensor([4, 3], 3) })).toThrow(ShapeError);
    expect(() => linearBackward({ ...base, output: randomTensor([2, 2], 3) })).toThrow(
      /result shape \[4,2\]/,
    );
    expect(() => linearBackward({ ...base, weights: randomTensor([2, 2], 3) })).toThrow(ShapeError);
    expect(() => linearBackward({ ...base, output: undefined, activation: "relu" })).toThrow(
      /output is missing/,
    );
    expect(() => linearBackward({ ...base, bias: "yes" as never })).toThrow(/options.bias is "yes"/);
    expect(() => linearBackward({ ...base, allocate: () => new Float32Array(6) })).toThrow(DTypeError);
    expect(() => linearBackward({ ...base, allocate: () => new Float64Array(5) })).toThrow(
      /returned a Float64Array of 5 elements: return a Float64Array of exactly 6/,
    );
    expect(() => linearBackward({ ...base, allocate: 3 as never })).toThrow(ValueError);
  });
});
