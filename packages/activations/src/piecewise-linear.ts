import { ValueError } from "@descent/tensor";
import { defineActivation } from "./define.js";
import { between, checkOptionKeys, finiteOption, subgradientOption } from "./options.js";
import type { ElementwiseActivation } from "./types.js";

// Each activation keeps its scalar formula in one small module-level function that both the scalar
// methods and the vectorized loops call: one formula, monomorphic call sites V8 inlines.

/** Options of {@link relu}. */
export interface ReluOptions {
  /** `relu'(0)`, any value of the subdifferential `[0, 1]`. Default `0` (PyTorch, TF.js, JAX). */
  readonly subgradientAtZero?: number;
}

function reluValue(x: number): number {
  return Math.max(x, 0);
}

function reluDerivative(x: number, atZero: number): number {
  return x > 0 ? 1 : x < 0 ? 0 : x === 0 ? atZero : Number.NaN;
}

/**
 * Rectified linear unit: `relu(x) = max(x, 0)`.
 *
 * Derivative `1` for `x > 0`, `0` for `x < 0`; at the kink `x = 0` the subgradient
 * `subgradientAtZero` (default `0`, as PyTorch / TF.js / JAX; any value in `[0, 1]`).
 * Range `[0, ∞)`. The default hidden-layer activation: cheap, does not saturate for `x > 0`; units
 * stuck at `x < 0` get no gradient ("dying relu": try {@link leakyRelu} or {@link gelu}).
 * With the default subgradient it declares `fusable: "relu"`, so `sequential` may run a dense layer before it
 * as one fused op (same bits).
 *
 * @example
 * ```ts
 * relu().value(-2);                                   // 0
 * relu({ subgradientAtZero: 0.5 }).derivative(0, 0);  // 0.5
 * ```
 */
export function relu(options: ReluOptions = {}): ElementwiseActivation<ReluOptions> {
  checkOptionKeys("relu", options, ["subgradientAtZero"]);
  const atZero = subgradientOption("relu", "subgradientAtZero", options.subgradientAtZero, 0, [0, 1], 0);
  const activation = defineActivation(
    "relu",
    { subgradientAtZero: atZero },
    {
      value: reluValue,
      derivative: (x) => reluDerivative(x, atZero),
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = reluValue(input[i]!);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++)
          gradientInput[i] = gradientOutput[i]! * reluDerivative(input[i]!, atZero);
      },
    },
  );
  // Declared (see Activation.fusable): with relu'(0) = 0 a dense layer may run it in its fused kernel.
  return atZero === 0 ? Object.assign(activation, { fusable: "relu" as const }) : activation;
}

/** Options of {@link leakyRelu}. */
export interface LeakyReluOptions {
  /** Slope for `x < 0`. Default `0.01` (PyTorch; Keras uses 0.3, TF.js 0.2). */
  readonly alpha?: number;
  /**
   * `f'(0)`, any value of the subdifferential `[min(alpha, 1), max(alpha, 1)]`. Default `alpha`
   * (PyTorch; JAX uses 1).
   */
  readonly subgradientAtZero?: number;
}

function leakyReluValue(x: number, alpha: number): number {
  return x > 0 ? x : alpha * x;
}

function leakyReluDerivative(x: number, alpha: number, atZero: number): number {
  return x > 0 ? 1 : x < 0 ? alpha : x === 0 ? atZero : Number.NaN;
}

/**
 * Leaky relu: `f(x) = x` for `x > 0`, `alpha · x` otherwise.
 *
 * Derivative `1` for `x > 0`, `alpha` for `x < 0`; at `x = 0` the subgradient `subgradientAtZero`
 * (default `alpha`, as PyTorch; any value between `alpha` and `1`). Range `(−∞, ∞)` for
 * `alpha > 0`. Use instead of relu when units die (stay negative and stop learning).
 *
 * @example
 * ```ts
 * leakyRelu(0.2).value(-1);                      // -0.2
 * leakyRelu({ alpha: 0.2, subgradientAtZero: 1 }).derivative(0, 0); // 1
 * ```
 */
export function leakyRelu(
  alphaOrOptions?: number | LeakyReluOptions,
): ElementwiseActivation<LeakyReluOptions> {
  const options = typeof alphaOrOptions === "number" ? { alpha: alphaOrOptions } : (alphaOrOptions ?? {});
  checkOptionKeys("leakyRelu", options, ["alpha", "subgradientAtZero"]);
  const alpha = finiteOption("leakyRelu", "alpha", options.alpha, 0.01);
  const atZero = subgradientOption(
    "leakyRelu",
    "subgradientAtZero",
    options.subgradientAtZero,
    alpha,
    between(alpha, 1),
    0,
  );
  return defineActivation(
    "leakyRelu",
    { alpha, subgradientAtZero: atZero },
    {
      value: (x) => leakyReluValue(x, alpha),
      derivative: (x) => leakyReluDerivative(x, alpha, atZero),
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = leakyReluValue(input[i]!, alpha);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++) {
          gradientInput[i] = gradientOutput[i]! * leakyReluDerivative(input[i]!, alpha, atZero);
        }
      },
    },
  );
}

function clipValue(x: number, min: number, max: number): number {
  return Math.min(Math.max(x, min), max);
}

function clipDerivative(
  x: number,
  min: number,
  max: number,
  slope: number,
  atMin: number,
  atMax: number,
): number {
  if (x > min && x < max) return slope;
  if (x < min || x > max) return 0;
  if (x === min) return atMin;
  if (x === max) return atMax;
  return Number.NaN;
}

/** Options of {@link hardTanh}. */
export interface HardTanhOptions {
  /** Lower bound, default `−1`. */
  readonly min?: number;
  /** Upper bound, default `1`; must exceed `min`. */
  readonly max?: number;
  /** `f'(min)`, in `[0, 1]`. Default `0` (PyTorch, TF). */
  readonly subgradientAtMin?: number;
  /** `f'(max)`, in `[0, 1]`. Default `0` (PyTorch, TF). */
  readonly subgradientAtMax?: number;
}

/** Options of {@link hardTanh} other than the bounds. */
export type HardTanhKinkOptions = Pick<HardTanhOptions, "subgradientAtMin" | "subgradientAtMax">;

/**
 * Hard tanh: `f(x) = clip(x, min, max)`, default `[−1, 1]`.
 *
 * Derivative `1` on `(min, max)`, `0` outside; at the kinks `subgradientAtMin` / `subgradientAtMax`
 * (default `0` both, as PyTorch; any value in `[0, 1]`). Range `[min, max]`. A cheap, bounded
 * stand-in for tanh.
 *
 * @example
 * ```ts
 * hardTanh().value(3);        // 1
 * hardTanh(-2, 2).value(-3);  // -2
 * ```
 */
export function hardTanh(options?: HardTanhOptions): ElementwiseActivation<HardTanhOptions>;
export function hardTanh(
  min: number,
  max: number,
  options?: HardTanhKinkOptions,
): ElementwiseActivation<HardTanhOptions>;
export function hardTanh(
  minOrOptions?: number | HardTanhOptions,
  maxArgument?: number,
  kinkOptions?: HardTanhKinkOptions,
): ElementwiseActivation<HardTanhOptions> {
  const options: HardTanhOptions =
    typeof minOrOptions === "number"
      ? { ...kinkOptions, min: minOrOptions, max: maxArgument }
      : (minOrOptions ?? {});
  const name = "hardTanh";
  checkOptionKeys(name, options, ["min", "max", "subgradientAtMin", "subgradientAtMax"]);
  const min = finiteOption(name, "min", options.min, -1);
  const max = finiteOption(name, "max", options.max, 1);
  if (!(min < max)) throw new ValueError(name, `min ${min} must be smaller than max ${max}`);
  const atMin = subgradientOption(name, "subgradientAtMin", options.subgradientAtMin, 0, [0, 1], min);
  const atMax = subgradientOption(name, "subgradientAtMax", options.subgradientAtMax, 0, [0, 1], max);
  return defineActivation(
    name,
    { min, max, subgradientAtMin: atMin, subgradientAtMax: atMax },
    {
      value: (x) => clipValue(x, min, max),
      derivative: (x) => clipDerivative(x, min, max, 1, atMin, atMax),
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = clipValue(input[i]!, min, max);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++) {
          gradientInput[i] = gradientOutput[i]! * clipDerivative(input[i]!, min, max, 1, atMin, atMax);
        }
      },
    },
  );
}

/** Options of {@link relu6}. */
export interface Relu6Options {
  /** `f'(0)`, in `[0, 1]`. Default `0` (PyTorch, TF). */
  readonly subgradientAtZero?: number;
  /** `f'(6)`, in `[0, 1]`. Default `0` (PyTorch, TF). */
  readonly subgradientAtSix?: number;
}

/**
 * Relu capped at 6: `f(x) = min(max(x, 0), 6)`.
 *
 * Derivative `1` on `(0, 6)`, `0` outside; at the kinks `subgradientAtZero` and
 * `subgradientAtSix` (default `0` both, as PyTorch; any value in `[0, 1]`). Range `[0, 6]`. Used
 * in mobile networks (MobileNet), where the bound suits low-precision arithmetic.
 *
 * @example
 * ```ts
 * relu6().value(8); // 6
 * ```
 */
export function relu6(options: Relu6Options = {}): ElementwiseActivation<Relu6Options> {
  const name = "relu6";
  checkOptionKeys(name, options, ["subgradientAtZero", "subgradientAtSix"]);
  const atZero = subgradientOption(name, "subgradientAtZero", options.subgradientAtZero, 0, [0, 1], 0);
  const atSix = subgradientOption(name, "subgradientAtSix", options.subgradientAtSix, 0, [0, 1], 6);
  return defineActivation(
    name,
    { subgradientAtZero: atZero, subgradientAtSix: atSix },
    {
      value: (x) => clipValue(x, 0, 6),
      derivative: (x) => clipDerivative(x, 0, 6, 1, atZero, atSix),
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = clipValue(input[i]!, 0, 6);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++) {
          gradientInput[i] = gradientOutput[i]! * clipDerivative(input[i]!, 0, 6, 1, atZero, atSix);
        }
      },
    },
  );
}

/** Options of {@link hardSigmoid}. */
export interface HardSigmoidOptions {
  /** `f'(−3)`, in `[0, 1/6]`. Default `0` (PyTorch). */
  readonly subgradientAtMinusThree?: number;
  /** `f'(3)`, in `[0, 1/6]`. Default `0` (PyTorch). */
  readonly subgradientAtThree?: number;
}

function hardSigmoidValue(x: number): number {
  return x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5;
}

/**
 * Hard sigmoid (PyTorch's definition): `f(x) = clip(x/6 + 1/2, 0, 1) = relu6(x + 3) / 6`.
 *
 * Derivative `1/6` on `(−3, 3)`, `0` outside; at the kinks `subgradientAtMinusThree` and
 * `subgradientAtThree` (default `0` both, as PyTorch; any value in `[0, 1/6]`). Range `[0, 1]`.
 * A cheap piecewise-linear sigmoid (MobileNetV3's hard-swish gate). Keras 2's older variant
 * `clip(0.2x + 0.5, 0, 1)` is a different function.
 *
 * @example
 * ```ts
 * hardSigmoid().value(0); // 0.5
 * hardSigmoid().value(4); // 1
 * ```
 */
export function hardSigmoid(options: HardSigmoidOptions = {}): ElementwiseActivation<HardSigmoidOptions> {
  const name = "hardSigmoid";
  checkOptionKeys(name, options, ["subgradientAtMinusThree", "subgradientAtThree"]);
  const interval: [number, number] = [0, 1 / 6];
  const atMinus = subgradientOption(
    name,
    "subgradientAtMinusThree",
    options.subgradientAtMinusThree,
    0,
    interval,
    -3,
  );
  const atPlus = subgradientOption(name, "subgradientAtThree", options.subgradientAtThree, 0, interval, 3);
  return defineActivation(
    name,
    { subgradientAtMinusThree: atMinus, subgradientAtThree: atPlus },
    {
      value: hardSigmoidValue,
      derivative: (x) => clipDerivative(x, -3, 3, 1 / 6, atMinus, atPlus),
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = hardSigmoidValue(input[i]!);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++) {
          gradientInput[i] = gradientOutput[i]! * clipDerivative(input[i]!, -3, 3, 1 / 6, atMinus, atPlus);
        }
      },
    },
  );
}

/**
 * The identity: `f(x) = x`, derivative `1`, range `(−∞, ∞)`. The output activation of
 * regression models (Keras's `"linear"`).
 *
 * @example
 * ```ts
 * linear().value(-3); // -3
 * ```
 */
export function linear(options: Record<string, never> = {}): ElementwiseActivation<Record<string, never>> {
  checkOptionKeys("linear", options, []);
  return defineActivation(
    "linear",
    {},
    {
      value: (x) => x,
      derivative: () => 1,
      forward(input, output) {
        if (output !== input) output.set(input);
      },
      backward(_input, _output, gradientOutput, gradientInput) {
        if (gradientInput !== gradientOutput) gradientInput.set(gradientOutput);
      },
    },
  );
}
