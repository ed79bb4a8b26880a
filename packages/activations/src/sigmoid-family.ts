import { defineActivation } from "./define.js";
import { checkOptionKeys, finiteOption, positiveOption } from "./options.js";
import type { ElementwiseActivation } from "./types.js";

/** `1 / (1 + e^{−x})` without overflow: `e^{−|x|}` never exceeds 1. */
export function stableSigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** `log(1 + eˣ)` without overflow or loss of precision: `max(x, 0) + log1p(e^{−|x|})`. */
export function stableSoftplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * `σ'(x) = σ(x)·σ(−x) = e^{−|x|} / (1 + e^{−|x|})²`, accurate for large `|x|`, where the usual
 * `y(1 − y)` loses every digit to the cancellation in `1 − y`.
 */
export function sigmoidDerivative(x: number): number {
  const e = Math.exp(-Math.abs(x));
  const d = 1 + e;
  return e / (d * d);
}

/** `tanh'(x) = 1 − tanh²(x) = 4e^{−2|x|} / (1 + e^{−2|x|})²`, without the cancellation of `1 − y²`. */
function tanhDerivative(x: number): number {
  const e = Math.exp(-2 * Math.abs(x));
  const d = 1 + e;
  return (4 * e) / (d * d);
}

/**
 * Logistic sigmoid: `σ(x) = 1 / (1 + e^{−x})`.
 *
 * Derivative `σ(x)(1 − σ(x))`, computed as `e^{−|x|} / (1 + e^{−|x|})²` so it keeps its relative
 * accuracy in the tails (where `y(1 − y)` rounds to 0 or garbage). Range `(0, 1)`. Evaluated without overflow at any `x`
 * (`σ(±1000)` is `1` / `0`, derivative `0`). Use it for a probability output (binary
 * classification) and for gates; in hidden layers it saturates and slows learning.
 *
 * @example
 * ```ts
 * sigmoid().value(0); // 0.5
 * ```
 */
export function sigmoid(options: Record<string, never> = {}): ElementwiseActivation<Record<string, never>> {
  checkOptionKeys("sigmoid", options, []);
  return defineActivation(
    "sigmoid",
    {},
    {
      value: stableSigmoid,
      derivative: sigmoidDerivative,
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = stableSigmoid(input[i]!);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++)
          gradientInput[i] = gradientOutput[i]! * sigmoidDerivative(input[i]!);
      },
    },
  );
}

function logSigmoidValue(x: number): number {
  return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * Log-sigmoid: `f(x) = log σ(x) = −softplus(−x) = min(x, 0) − log(1 + e^{−|x|})`.
 *
 * Derivative `1 − σ(x) = σ(−x)`. Range `(−∞, 0)`. Finite at every `x` (`f(−1000) = −1000`), unlike
 * `log(sigmoid(x))`, which gives `−∞` below about `−745`. Use it for log-probabilities of binary
 * outcomes (logistic losses).
 *
 * @example
 * ```ts
 * logSigmoid().value(-1000); // -1000
 * ```
 */
export function logSigmoid(
  options: Record<string, never> = {},
): ElementwiseActivation<Record<string, never>> {
  checkOptionKeys("logSigmoid", options, []);
  return defineActivation(
    "logSigmoid",
    {},
    {
      value: logSigmoidValue,
      derivative: (x) => stableSigmoid(-x),
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = logSigmoidValue(input[i]!);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++)
          gradientInput[i] = gradientOutput[i]! * stableSigmoid(-input[i]!);
      },
    },
  );
}

/**
 * Hyperbolic tangent: `tanh(x) = (eˣ − e^{−x}) / (eˣ + e^{−x})`.
 *
 * Derivative `1 − tanh²(x)`, computed as `4e^{−2|x|} / (1 + e^{−2|x|})²` to stay accurate where
 * `1 − y²` cancels. Range `(−1, 1)`. Zero-centred, so often better than sigmoid
 * in hidden layers of small networks and recurrent cells; saturates for large `|x|`.
 *
 * @example
 * ```ts
 * tanh().value(0); // 0
 * ```
 */
export function tanh(options: Record<string, never> = {}): ElementwiseActivation<Record<string, never>> {
  checkOptionKeys("tanh", options, []);
  return defineActivation(
    "tanh",
    {},
    {
      value: Math.tanh,
      derivative: tanhDerivative,
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = Math.tanh(input[i]!);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++)
          gradientInput[i] = gradientOutput[i]! * tanhDerivative(input[i]!);
      },
    },
  );
}

/** Options of {@link softplus}. */
export interface SoftplusOptions {
  /** Sharpness `beta > 0`, default `1`. */
  readonly beta?: number;
  /** Above `beta · x > threshold` the function is taken as linear (`x`), as PyTorch. Default `20`. */
  readonly threshold?: number;
}

function softplusValue(x: number, beta: number, threshold: number): number {
  const z = beta * x;
  return z > threshold ? x : stableSoftplus(z) / beta;
}

function softplusDerivative(x: number, beta: number, threshold: number): number {
  const z = beta * x;
  return z > threshold ? 1 : stableSigmoid(z);
}

/**
 * Softplus (PyTorch's definition): `f(x) = (1/beta) · log(1 + e^{beta·x})`, and `x` where
 * `beta · x > threshold`.
 *
 * Derivative `σ(beta · x)` (`1` past the threshold). Range `(0, ∞)`. A smooth relu; evaluated
 * stably at any `x`. Also used to make a quantity positive (a standard deviation, a rate).
 *
 * @example
 * ```ts
 * softplus().value(0);        // 0.6931471805599453
 * softplus(2, 20).value(1);   // 1.0634640055214863
 * ```
 */
export function softplus(options?: SoftplusOptions): ElementwiseActivation<SoftplusOptions>;
export function softplus(beta: number, threshold?: number): ElementwiseActivation<SoftplusOptions>;
export function softplus(
  betaOrOptions?: number | SoftplusOptions,
  thresholdArgument?: number,
): ElementwiseActivation<SoftplusOptions> {
  const options: SoftplusOptions =
    typeof betaOrOptions === "number"
      ? { beta: betaOrOptions, ...(thresholdArgument === undefined ? {} : { threshold: thresholdArgument }) }
      : (betaOrOptions ?? {});
  checkOptionKeys("softplus", options, ["beta", "threshold"]);
  const beta = positiveOption("softplus", "beta", options.beta, 1);
  const threshold = finiteOption("softplus", "threshold", options.threshold, 20);
  return defineActivation(
    "softplus",
    { beta, threshold },
    {
      value: (x) => softplusValue(x, beta, threshold),
      derivative: (x) => softplusDerivative(x, beta, threshold),
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = softplusValue(input[i]!, beta, threshold);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++) {
          gradientInput[i] = gradientOutput[i]! * softplusDerivative(input[i]!, beta, threshold);
        }
      },
    },
  );
}

function softsignValue(x: number): number {
  return x / (1 + Math.abs(x));
}

function softsignDerivative(x: number): number {
  const d = 1 + Math.abs(x);
  return 1 / (d * d);
}

/**
 * Softsign: `f(x) = x / (1 + |x|)`.
 *
 * Derivative `1 / (1 + |x|)²`. Range `(−1, 1)`. Like tanh but with polynomial tails, so it
 * saturates more slowly: use it as a cheaper tanh (no exponential) where large inputs should keep a
 * usable gradient (`f'(10) ≈ 0.008`, against `tanh'(10) ≈ 8e−9`).
 *
 * @example
 * ```ts
 * softsign().value(1); // 0.5
 * ```
 */
export function softsign(options: Record<string, never> = {}): ElementwiseActivation<Record<string, never>> {
  checkOptionKeys("softsign", options, []);
  return defineActivation(
    "softsign",
    {},
    {
      value: softsignValue,
      derivative: softsignDerivative,
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = softsignValue(input[i]!);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++)
          gradientInput[i] = gradientOutput[i]! * softsignDerivative(input[i]!);
      },
    },
  );
}
