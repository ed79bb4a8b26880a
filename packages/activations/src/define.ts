import type { Tensor as TensorLike } from "@descent/spec";
import { allocate, assertTensorLike, Tensor, ValueError } from "@descent/tensor";
import { applyActivation } from "./differentiable.js";
import { assertFloatArray, assertNumber, describe } from "./options.js";
import type { ActivationConfig, ElementwiseActivation, FloatArray } from "./types.js";

/** The four functions an element-wise activation is made of. */
export interface ActivationKernels {
  /** `f(x)` for one number. */
  value(x: number): number;
  /** `f'(x)`, given `x` and `y = f(x)` (use whichever is cheaper). */
  derivative(x: number, y: number): number;
  /** Writes `output[i] = f(input[i])` for every element (`output` may be `input`). */
  forward(input: FloatArray, output: FloatArray): void;
  /** Writes `gradientInput[i] = gradientOutput[i] · f'(input[i])`, with `output[i] = f(input[i])` at hand. */
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
  assertDefinition(name, options, kernels);
  const frozen = Object.freeze({ ...options });
  // The public methods check their arguments; the loops inside call the kernels unchecked.
  const activation: ElementwiseActivation<Options> = {
    name,
    options: frozen,
    value(x) {
      assertNumber(name, "x", x);
      return kernels.value(x);
    },
    derivative(x, y) {
      assertNumber(name, "x", x);
      assertNumber(name, "y", y);
      return kernels.derivative(x, y);
    },
    forward(input, output) {
      assertFloatArray(name, "input", input, 0);
      assertFloatArray(name, "output", output, input.length);
      kernels.forward(input, output);
    },
    backward(input, output, gradientOutput, gradientInput) {
      assertFloatArray(name, "input", input, 0);
      assertFloatArray(name, "output", output, input.length);
      assertFloatArray(name, "gradientOutput", gradientOutput, input.length);
      assertFloatArray(name, "gradientInput", gradientInput, input.length);
      kernels.backward(input, output, gradientOutput, gradientInput);
    },
    apply: (x) => applyActivation(activation, x),
    compute(x: TensorLike): Tensor {
      assertTensorLike(name, x, "x");
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

function assertDefinition(name: unknown, options: unknown, kernels: unknown): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new ValueError(
      "defineActivation",
      `name is ${describe(name)}: pass a non-empty string such as "myActivation"`,
    );
  }
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValueError(
      name,
      `options is ${describe(options)}: pass the activation's options object ({} for none)`,
    );
  }
  const candidate = kernels as Partial<ActivationKernels> | null;
  for (const key of ["value", "derivative", "forward", "backward"] as const) {
    if (typeof candidate !== "object" || candidate === null || typeof candidate[key] !== "function") {
      throw new ValueError(
        name,
        `kernels.${key} is not a function: pass { value, derivative, forward, backward }`,
      );
    }
  }
}
