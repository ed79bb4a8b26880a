import type { Activation, Tensor as TensorLike } from "@descent/spec";
import { createRandom, normal, Tensor } from "@descent/tensor";

/** A float64 tensor of standard normal values (seeded). */
export function randomTensor(shape: number[], seed = 1): Tensor {
  return normal(createRandom(seed), shape, { dtype: "float64" });
}

/** Plain float64 tensor from numbers. */
export function t64(values: number[], shape: number[] = [values.length]): Tensor {
  return new Tensor(new Float64Array(values), shape);
}

/** Approximate element-wise equality for tests. */
export function closeTo(actual: TensorLike, expected: ArrayLike<number>, digits = 10): boolean {
  if (actual.data.length !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual.data[i]! - expected[i]!) > 10 ** -digits * Math.max(1, Math.abs(expected[i]!)))
      return false;
  }
  return true;
}

/** tanh as a minimal hand-made Activation (tests the layer against the spec interface, not a package). */
export const testTanh: Activation = {
  name: "testTanh",
  value: Math.tanh,
  derivative: (_x, y) => 1 - y * y,
  forward(input, output) {
    for (let i = 0; i < input.length; i++) output[i] = Math.tanh(input[i]!);
  },
  backward(_input, output, gradientOutput, gradientInput) {
    for (let i = 0; i < output.length; i++)
      gradientInput[i] = gradientOutput[i]! * (1 - output[i]! * output[i]!);
  },
};
