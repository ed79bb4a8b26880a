import { ValueError } from "@descent/tensor";
import { defineActivation } from "./define.js";
import { erfcUnchecked as erfc } from "./math/erf.js";
import { checkOptionKeys } from "./options.js";
import { stableSigmoid, stableSoftplus } from "./sigmoid-family.js";
import type { ElementwiseActivation } from "./types.js";

const INVERSE_SQRT_TWO = Math.SQRT1_2;
const INVERSE_SQRT_TWO_PI = 0.3989422804014327;
const SQRT_TWO_OVER_PI = 0.7978845608028654;
const GELU_CUBIC = 0.044715;

/** Options of {@link gelu}. */
export interface GeluOptions {
  /**
   * `"none"` (default, PyTorch): the exact `x · Φ(x)` with the normal CDF through `erf`. `"tanh"`:
   * the approximation of Hendrycks & Gimpel used by GPT-2 and BERT checkpoints (PyTorch
   * `approximate="tanh"`, Keras `approximate=True`).
   */
  readonly approximate?: "none" | "tanh";
}

/** `x · Φ(x)` with `Φ(x) = ½ erfc(−x/√2)`: erfc keeps the left tail accurate. */
function geluExactValue(x: number): number {
  return 0.5 * x * erfc(-x * INVERSE_SQRT_TWO);
}

/** `Φ(x) + x · φ(x)`. */
function geluExactDerivative(x: number): number {
  return 0.5 * erfc(-x * INVERSE_SQRT_TWO) + x * INVERSE_SQRT_TWO_PI * Math.exp(-0.5 * x * x);
}

function geluTanhValue(x: number): number {
  return 0.5 * x * (1 + Math.tanh(SQRT_TWO_OVER_PI * (x + GELU_CUBIC * x * x * x)));
}

function geluTanhDerivative(x: number): number {
  const t = Math.tanh(SQRT_TWO_OVER_PI * (x + GELU_CUBIC * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_TWO_OVER_PI * (1 + 3 * GELU_CUBIC * x * x);
}

/**
 * Gaussian error linear unit: `gelu(x) = x · Φ(x) = ½ x (1 + erf(x/√2))`, `Φ` the standard normal CDF.
 *
 * Derivative `Φ(x) + x · φ(x)` with `φ(x) = e^{−x²/2}/√(2π)`. With `{ approximate: "tanh" }`:
 * `½ x (1 + tanh(√(2/π)(x + 0.044715 x³)))` and its exact derivative. Range `[≈ −0.17, ∞)`. The
 * activation of transformers (BERT, GPT): a smooth relu that weights inputs by how likely they are
 * to be positive.
 *
 * @example
 * ```ts
 * gelu().value(1);                          // 0.8413447460685429
 * gelu({ approximate: "tanh" }).value(1);   // 0.8411919906082768
 * ```
 */
export function gelu(options: GeluOptions = {}): ElementwiseActivation<GeluOptions> {
  checkOptionKeys("gelu", options, ["approximate"]);
  const approximate = options.approximate ?? "none";
  if (approximate === "tanh") {
    return defineActivation(
      "gelu",
      { approximate },
      {
        value: geluTanhValue,
        derivative: geluTanhDerivative,
        forward(input, output) {
          for (let i = 0; i < input.length; i++) output[i] = geluTanhValue(input[i]!);
        },
        backward(input, _output, gradientOutput, gradientInput) {
          for (let i = 0; i < input.length; i++)
            gradientInput[i] = gradientOutput[i]! * geluTanhDerivative(input[i]!);
        },
      },
    );
  }
  if (approximate !== "none") {
    throw new ValueError(
      "gelu",
      `approximate ${JSON.stringify(approximate)} is not supported: use "none" or "tanh"`,
    );
  }
  return defineActivation(
    "gelu",
    { approximate },
    {
      value: geluExactValue,
      derivative: geluExactDerivative,
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = geluExactValue(input[i]!);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++)
          gradientInput[i] = gradientOutput[i]! * geluExactDerivative(input[i]!);
      },
    },
  );
}

function siluValue(x: number): number {
  return x * stableSigmoid(x);
}

function siluDerivative(x: number): number {
  const s = stableSigmoid(x);
  return s * (1 + x * (1 - s));
}

/**
 * Sigmoid linear unit (also called swish): `silu(x) = x · σ(x)`.
 *
 * Derivative `σ(x) · (1 + x(1 − σ(x)))`. Range `[≈ −0.278, ∞)`. Smooth and non-monotonic; a
 * drop-in for relu in deep convolutional networks (EfficientNet) and transformer MLPs.
 *
 * @example
 * ```ts
 * silu().value(1); // 0.7310585786300049
 * ```
 */
export function silu(options: Record<string, never> = {}): ElementwiseActivation<Record<string, never>> {
  checkOptionKeys("silu", options, []);
  return defineActivation(
    "silu",
    {},
    {
      value: siluValue,
      derivative: siluDerivative,
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = siluValue(input[i]!);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++)
          gradientInput[i] = gradientOutput[i]! * siluDerivative(input[i]!);
      },
    },
  );
}

/**
 * Swish, the same function as {@link silu} (`x · σ(x)`, Keras's name); its `name` is `"silu"`.
 *
 * @example
 * ```ts
 * swish().value(1) === silu().value(1); // true
 * ```
 */
export const swish: typeof silu = silu;

function mishValue(x: number): number {
  return x * Math.tanh(stableSoftplus(x));
}

function mishDerivative(x: number): number {
  const t = Math.tanh(stableSoftplus(x));
  return t + x * (1 - t * t) * stableSigmoid(x);
}

/**
 * Mish: `mish(x) = x · tanh(softplus(x))`.
 *
 * Derivative `tanh(sp) + x · (1 − tanh²(sp)) · σ(x)` with `sp = softplus(x)`. Range `[≈ −0.309, ∞)`.
 * Smooth, non-monotonic, like silu; used in some detection networks (YOLOv4).
 *
 * @example
 * ```ts
 * mish().value(1); // 0.8650983882673103
 * ```
 */
export function mish(options: Record<string, never> = {}): ElementwiseActivation<Record<string, never>> {
  checkOptionKeys("mish", options, []);
  return defineActivation(
    "mish",
    {},
    {
      value: mishValue,
      derivative: mishDerivative,
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = mishValue(input[i]!);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++)
          gradientInput[i] = gradientOutput[i]! * mishDerivative(input[i]!);
      },
    },
  );
}
