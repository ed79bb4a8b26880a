import { defineActivation } from "./define.js";
import { between, checkOptionKeys, finiteOption, positiveOption, subgradientOption } from "./options.js";
import type { ElementwiseActivation } from "./types.js";

/** Options of {@link elu}. */
export interface EluOptions {
  /** Saturation value `−alpha` for `x → −∞`. Default `1`. */
  readonly alpha?: number;
  /**
   * `f'(0)`. The left derivative is `alpha`, the right one `1`: for `alpha ≠ 1` this is a kink with
   * subdifferential between `alpha` and `1`. Default `alpha` (PyTorch; TF uses 1).
   */
  readonly subgradientAtZero?: number;
}

function eluValue(x: number, alpha: number): number {
  return x > 0 ? x : alpha * Math.expm1(x);
}

function eluDerivative(x: number, alpha: number, atZero: number): number {
  return x > 0 ? 1 : x < 0 ? alpha * Math.exp(x) : x === 0 ? atZero : Number.NaN;
}

/**
 * Exponential linear unit: `f(x) = x` for `x > 0`, `alpha · (eˣ − 1)` otherwise.
 *
 * Derivative `1` for `x > 0`, `alpha · eˣ` for `x < 0`, `subgradientAtZero` at `0`
 * (default `alpha`: smooth when `alpha = 1`). Range `(−alpha, ∞)`. Negative outputs push mean
 * activations towards zero, which can speed up learning compared with relu.
 *
 * @example
 * ```ts
 * elu().value(-1);    // -0.6321205588285577
 * elu(0.5).value(-1); // -0.31606027941427883
 * ```
 */
export function elu(alphaOrOptions?: number | EluOptions): ElementwiseActivation<EluOptions> {
  const options = typeof alphaOrOptions === "number" ? { alpha: alphaOrOptions } : (alphaOrOptions ?? {});
  checkOptionKeys("elu", options, ["alpha", "subgradientAtZero"]);
  const alpha = finiteOption("elu", "alpha", options.alpha, 1);
  const atZero = subgradientOption(
    "elu",
    "subgradientAtZero",
    options.subgradientAtZero,
    alpha,
    between(alpha, 1),
    0,
  );
  return defineActivation(
    "elu",
    { alpha, subgradientAtZero: atZero },
    {
      value: (x) => eluValue(x, alpha),
      derivative: (x) => eluDerivative(x, alpha, atZero),
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = eluValue(input[i]!, alpha);
      },
      // NOTE: alpha·eˣ rather than the cheaper y + alpha, which cancels catastrophically for x ≪ 0.
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++)
          gradientInput[i] = gradientOutput[i]! * eluDerivative(input[i]!, alpha, atZero);
      },
    },
  );
}

/** SELU's `alpha` (Klambauer et al. 2017), as in PyTorch. */
export const SELU_ALPHA = 1.6732632423543772;
/** SELU's `scale` (Klambauer et al. 2017), as in PyTorch. */
export const SELU_SCALE = 1.0507009873554805;

/** Options of {@link selu}. */
export interface SeluOptions {
  /**
   * `f'(0)`, between `scale` (right derivative) and `scale · alpha` (left). Default
   * `scale · alpha` ≈ 1.7581 (PyTorch).
   */
  readonly subgradientAtZero?: number;
}

function seluValue(x: number): number {
  return x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x);
}

function seluDerivative(x: number, atZero: number): number {
  return x > 0 ? SELU_SCALE : x < 0 ? SELU_SCALE * SELU_ALPHA * Math.exp(x) : x === 0 ? atZero : Number.NaN;
}

/**
 * Scaled exponential linear unit: `f(x) = scale · x` for `x > 0`, `scale · alpha · (eˣ − 1)`
 * otherwise, with `alpha ≈ 1.6733`, `scale ≈ 1.0507`.
 *
 * Derivative `scale` for `x > 0`, `scale · alpha · eˣ` for `x < 0`, `subgradientAtZero` at `0`
 * (default `scale · alpha`, PyTorch). Range `(−scale·alpha, ∞)`. Self-normalizing: with LeCun-normal
 * initialization, activations of deep fully-connected stacks keep zero mean and unit variance.
 *
 * @example
 * ```ts
 * selu().value(1); // 1.0507009873554805
 * ```
 */
export function selu(options: SeluOptions = {}): ElementwiseActivation<SeluOptions> {
  checkOptionKeys("selu", options, ["subgradientAtZero"]);
  const left = SELU_SCALE * SELU_ALPHA;
  const atZero = subgradientOption(
    "selu",
    "subgradientAtZero",
    options.subgradientAtZero,
    left,
    [SELU_SCALE, left],
    0,
  );
  return defineActivation(
    "selu",
    { subgradientAtZero: atZero },
    {
      value: seluValue,
      derivative: (x) => seluDerivative(x, atZero),
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = seluValue(input[i]!);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++)
          gradientInput[i] = gradientOutput[i]! * seluDerivative(input[i]!, atZero);
      },
    },
  );
}

/** Options of {@link celu}. */
export interface CeluOptions {
  /** `alpha > 0`, default `1`. */
  readonly alpha?: number;
}

function celuValue(x: number, alpha: number): number {
  return x > 0 ? x : alpha * Math.expm1(x / alpha);
}

function celuDerivative(x: number, alpha: number): number {
  return x > 0 ? 1 : Math.exp(x / alpha);
}

/**
 * Continuously differentiable ELU: `f(x) = max(0, x) + min(0, alpha · (e^{x/alpha} − 1))`.
 *
 * Derivative `1` for `x > 0`, `e^{x/alpha}` for `x ≤ 0`: continuous at `0` for every `alpha`
 * (unlike {@link elu}), so there is no kink. Range `(−alpha, ∞)`. Use it where you would use elu
 * with `alpha ≠ 1` but want a continuous derivative (no subgradient to choose at `0`); `celu(1)`
 * is `elu(1)`.
 *
 * @example
 * ```ts
 * celu(2).value(-2); // -1.2642411176571153
 * ```
 */
export function celu(alphaOrOptions?: number | CeluOptions): ElementwiseActivation<CeluOptions> {
  const options = typeof alphaOrOptions === "number" ? { alpha: alphaOrOptions } : (alphaOrOptions ?? {});
  checkOptionKeys("celu", options, ["alpha"]);
  const alpha = positiveOption("celu", "alpha", options.alpha, 1);
  return defineActivation(
    "celu",
    { alpha },
    {
      value: (x) => celuValue(x, alpha),
      derivative: (x) => celuDerivative(x, alpha),
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = celuValue(input[i]!, alpha);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++)
          gradientInput[i] = gradientOutput[i]! * celuDerivative(input[i]!, alpha);
      },
    },
  );
}
