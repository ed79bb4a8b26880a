import type { Tensor as TensorLike } from "@descent/spec";
import { allocate, Tensor } from "@descent/tensor";
import { applyActivation } from "./differentiable.js";
import type { ActivationConfig, ElementwiseActivation, FloatArray } from "./types.js";

/** The four functions an element-wise activation is made of. */
export interface ActivationKernels {
  value(x: number): number;
  derivative(x: number, y: number): number;
  forward(input: FloatArray, output: FloatArray): void;
  backward(
    input: FloatArray,
    output: FloatArray,
    gradientOutput: FloatArray,
    gradientInput: FloatArray,
  ): void;
}

/**
 * Assembles an {@link ElementwiseActivation} from its name, resolved options and kernels: the way to
 * add your own activation with the same `apply` / `compute` / `toJSON` as the built-in ones.
 *
 * `forward` must compute `output[i] = value(input[i])` and `backward`
 * `gradientInput[i] = gradientOutput[i] · derivative(input[i], output[i])`.
 *
 * @example
 * ```ts
 * const square = defineActivation("square", {}, {
 *   value: (x) => x * x,
 *   derivative: (x) => 2 * x,
 *   forward(input, output) { for (let i = 0; i < input.length; i++) output[i] = input[i] * input[i]; },
 *   backward(input, _output, g, gi) { for (let i = 0; i < input.length; i++) gi[i] = g[i] * 2 * input[i]; },
 * });
 * square.apply(x); // differentiable
 * ```
 */
export function defineActivation<Options extends object>(
  name: string,
  options: Required<Options>,
  kernels: ActivationKernels,
): ElementwiseActivation<Options> {
  const frozen = Object.freeze({ ...options });
  const activation: ElementwiseActivation<Options> = {
    name,
    options: frozen,
    value: kernels.value,
    derivative: kernels.derivative,
    forward: kernels.forward,
    backward: kernels.backward,
    apply: (x) => applyActivation(activation, x),
    compute(x: TensorLike): Tensor {
      const output = allocate(x.dtype, x.data.length);
      kernels.forward(x.data, output);
      return new Tensor(output, x.shape);
    },
    toJSON(): ActivationConfig {
      return { name, options: frozen as ActivationConfig["options"] };
    },
  };
  return activation;
}
