import type { FloatDType, RandomGenerator, Shape } from "@descent/spec";
import {
  full,
  normal as sampleNormal,
  truncatedNormal as sampleTruncatedNormal,
  uniform as sampleUniform,
  Tensor,
  ValueError,
} from "@descent/tensor";
import { checkOptionKeys, describe } from "../layers/validate.js";
import { checkShape, computeFans } from "./fans.js";
import { calculateGain } from "./gain.js";

/** Makes the initial value of a parameter: a tensor of `shape` drawn from `random` (deterministic per seed). */
export type Initializer = (random: RandomGenerator, shape: Shape, dtype?: FloatDType) => Tensor;

/** Which fan scales a variance-scaling initializer. */
export type FanMode = "fanIn" | "fanOut" | "fanAverage";

/** Options of the Glorot/He/LeCun initializers. */
export interface ScalingOptions {
  /** Multiplies the standard deviation: a number, or an activation name for {@link calculateGain}. */
  readonly gain?: number | string;
}

/** Options of the He/Kaiming initializers. */
export interface HeOptions {
  /** `"fanIn"` (default) preserves the forward variance, `"fanOut"` the backward one. */
  readonly mode?: FanMode;
  /** Activation whose gain to use (default `"relu"`, gain √2); `"leakyRelu"` reads `negativeSlope`. */
  readonly nonlinearity?: string;
  /**
   * Slope of the negative part when `nonlinearity` is `"leakyRelu"` (gain `√(2 / (1 + slope²))`). Default
   * 0.01.
   */
  readonly negativeSlope?: number;
}

/**
 * All zeros.
 *
 * @example zeros()(random, [10]) // [0, …, 0]
 */
export function zeros(): Initializer {
  return (_random, shape, dtype) => full(shape, 0, dtype);
}

/**
 * All ones.
 *
 * @example ones()(random, [10]) // [1, …, 1]
 */
export function ones(): Initializer {
  return (_random, shape, dtype) => full(shape, 1, dtype);
}

/**
 * Every element equal to `value`.
 *
 * @example constant(0.1)(random, [10]) // [0.1, …, 0.1]
 */
export function constant(value: number): Initializer {
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new ValueError("constant", `value is ${describe(value)}: use a finite number`);
  return (_random, shape, dtype) => full(shape, value, dtype);
}

/**
 * Uniform on `[low, high)` (default `[-0.05, 0.05)`, as Keras).
 *
 * @example uniform({ low: -0.1, high: 0.1 })(random, [784, 128])
 */
export function uniform(options: { readonly low?: number; readonly high?: number } = {}): Initializer {
  checkOptionKeys("uniform", options, ["low", "high"]);
  const low = finiteOption("uniform", "options.low", options.low, -0.05);
  const high = finiteOption("uniform", "options.high", options.high, 0.05);
  if (!(low <= high))
    throw new ValueError("uniform", `options.low (${low}) must be below options.high (${high})`);
  return (random, shape, dtype) => sampleUniform(random, shape, { low, high, dtype });
}

/**
 * Normal `N(mean, std²)` (default `N(0, 0.05²)`, as Keras).
 *
 * @example normal({ std: 0.01 })(random, [784, 128])
 */
export function normal(options: { readonly mean?: number; readonly std?: number } = {}): Initializer {
  const { mean, std } = meanAndStd("normal", options);
  return (random, shape, dtype) => sampleNormal(random, shape, { mean, std, dtype });
}

/**
 * Normal `N(mean, std²)` with draws beyond two standard deviations redrawn (default std 0.05, as Keras).
 *
 * @example truncatedNormal({ std: 0.02 })(random, [512, 512])
 */
export function truncatedNormal(
  options: { readonly mean?: number; readonly std?: number } = {},
): Initializer {
  const { mean, std } = meanAndStd("truncatedNormal", options);
  return (random, shape, dtype) => sampleTruncatedNormal(random, shape, { mean, std, dtype });
}

/** Beyond this many elements the O(n·m·min(n, m)) factorization of {@link orthogonal} would run for minutes. */
const MAX_ORTHOGONAL_SIZE = 2 ** 24;

function finiteOption(op: string, label: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new ValueError(op, `${label} is ${describe(value)}: use a finite number`);
  return value;
}

function meanAndStd(op: string, options: { readonly mean?: number; readonly std?: number }) {
  checkOptionKeys(op, options, ["mean", "std"]);
  const mean = finiteOption(op, "options.mean", options.mean, 0);
  const std = finiteOption(op, "options.std", options.std, 0.05);
  if (std < 0) throw new ValueError(op, `options.std is ${std}: use a number ≥ 0`);
  return { mean, std };
}

function resolveGain(op: string, options: ScalingOptions): number {
  checkOptionKeys(op, options, ["gain"]);
  const gain = options.gain;
  if (gain === undefined) return 1;
  if (typeof gain === "string") return calculateGain(gain);
  return finiteOption(op, "options.gain", gain, 1);
}

function fanOf(shape: Shape, mode: FanMode): number {
  const { fanIn, fanOut } = computeFans(shape);
  const fan = mode === "fanIn" ? fanIn : mode === "fanOut" ? fanOut : (fanIn + fanOut) / 2;
  return Math.max(fan, 1);
}

/** Uniform with standard deviation `std`: bound `√3 · std`. */
function uniformWithStd(random: RandomGenerator, shape: Shape, std: number, dtype?: FloatDType): Tensor {
  const bound = Math.sqrt(3) * std;
  return bound > 0
    ? sampleUniform(random, shape, { low: -bound, high: bound, dtype })
    : full(shape, 0, dtype);
}

/**
 * Glorot/Xavier uniform: `U(−a, a)` with `a = gain · √(6 / (fanIn + fanOut))`. The default for dense and
 * conv2d weights (as Keras and TensorFlow.js).
 *
 * @example glorotUniform()(random, [784, 128]) // bound √(6/912) ≈ 0.0811
 */
export function glorotUniform(options: ScalingOptions = {}): Initializer {
  const gain = resolveGain("glorotUniform", options);
  return (random, shape, dtype) =>
    uniformWithStd(random, shape, gain * Math.sqrt(1 / fanOf(shape, "fanAverage")), dtype);
}

/**
 * Glorot/Xavier normal: `N(0, σ²)` with `σ = gain · √(2 / (fanIn + fanOut))` (untruncated, as PyTorch).
 *
 * @example glorotNormal({ gain: "tanh" })(random, [64, 64])
 */
export function glorotNormal(options: ScalingOptions = {}): Initializer {
  const gain = resolveGain("glorotNormal", options);
  return (random, shape, dtype) =>
    sampleNormal(random, shape, { std: gain * Math.sqrt(1 / fanOf(shape, "fanAverage")), dtype });
}

function heGain(op: string, options: HeOptions): number {
  checkOptionKeys(op, options, ["mode", "nonlinearity", "negativeSlope"]);
  const mode = options.mode ?? "fanIn";
  if (mode !== "fanIn" && mode !== "fanOut" && mode !== "fanAverage")
    throw new ValueError(op, `options.mode is ${describe(mode)}: use "fanIn", "fanOut" or "fanAverage"`);
  if (options.nonlinearity !== undefined && typeof options.nonlinearity !== "string")
    throw new ValueError(
      op,
      `options.nonlinearity is ${describe(options.nonlinearity)}: use an activation name`,
    );
  const slope =
    options.negativeSlope === undefined
      ? undefined
      : finiteOption(op, "options.negativeSlope", options.negativeSlope, 0.01);
  return calculateGain(options.nonlinearity ?? "relu", slope);
}

/**
 * He/Kaiming uniform: `U(−a, a)` with `a = gain · √(3 / fan)`; for relu (default) `a = √(6 / fanIn)`.
 *
 * @example heUniform()(random, [784, 128]) // bound √(6/784) ≈ 0.0875
 */
export function heUniform(options: HeOptions = {}): Initializer {
  const gain = heGain("heUniform", options);
  const mode = options.mode ?? "fanIn";
  return (random, shape, dtype) => uniformWithStd(random, shape, gain / Math.sqrt(fanOf(shape, mode)), dtype);
}

/**
 * He/Kaiming normal: `N(0, σ²)` with `σ = gain / √fan`; for relu (default) `σ = √(2 / fanIn)`.
 *
 * @example heNormal({ mode: "fanOut" })(random, [3, 3, 16, 32])
 */
export function heNormal(options: HeOptions = {}): Initializer {
  const gain = heGain("heNormal", options);
  const mode = options.mode ?? "fanIn";
  return (random, shape, dtype) =>
    sampleNormal(random, shape, { std: gain / Math.sqrt(fanOf(shape, mode)), dtype });
}

/**
 * LeCun uniform: `U(−a, a)` with `a = gain · √(3 / fanIn)` (the selu initialization).
 *
 * @example lecunUniform()(random, [128, 64])
 */
export function lecunUniform(options: ScalingOptions = {}): Initializer {
  const gain = resolveGain("lecunUniform", options);
  return (random, shape, dtype) =>
    uniformWithStd(random, shape, gain / Math.sqrt(fanOf(shape, "fanIn")), dtype);
}

/**
 * LeCun normal: `N(0, σ²)` with `σ = gain / √fanIn`.
 *
 * @example lecunNormal()(random, [128, 64])
 */
export function lecunNormal(options: ScalingOptions = {}): Initializer {
  const gain = resolveGain("lecunNormal", options);
  return (random, shape, dtype) =>
    sampleNormal(random, shape, { std: gain / Math.sqrt(fanOf(shape, "fanIn")), dtype });
}

/**
 * A (semi-)orthogonal matrix times `gain` (Saxe et al. 2014): the tensor is viewed as
 * `[∏ shape[:-1], shape[-1]]`, a standard normal matrix is QR-factorized (modified Gram–Schmidt in
 * float64) and `Q` is sign-corrected by `diag(R)` so the result is uniformly distributed. Rows or columns,
 * whichever are fewer, are orthonormal.
 *
 * @example orthogonal()(random, [64, 64]) // W·Wᵀ = I
 */
export function orthogonal(options: ScalingOptions = {}): Initializer {
  const gain = resolveGain("orthogonal", options);
  return (random, shape, dtype) => {
    const size = checkShape("orthogonal", shape);
    if (shape.length < 2) {
      throw new ValueError("orthogonal", `shape [${shape.join(",")}]: orthogonal needs a tensor of rank ≥ 2`);
    }
    if (size > MAX_ORTHOGONAL_SIZE) {
      throw new ValueError(
        "orthogonal",
        `shape [${shape.join(",")}] has ${size} elements: orthogonal factorizes the whole matrix, use at most ${MAX_ORTHOGONAL_SIZE}`,
      );
    }
    if (size === 0) return full(shape, 0, dtype);
    const columns = shape[shape.length - 1]!;
    const rows = size / columns;
    const tall = Math.max(rows, columns);
    const narrow = Math.min(rows, columns);
    // q holds `narrow` column vectors of length `tall`, stored column after column.
    const q = sampleNormal(random, [narrow, tall], { dtype: "float64" }).data;
    for (let j = 0; j < narrow; j++) {
      const column = j * tall;
      for (let p = 0; p < j; p++) {
        const previous = p * tall;
        let projection = 0;
        for (let i = 0; i < tall; i++) projection += q[previous + i]! * q[column + i]!;
        for (let i = 0; i < tall; i++) q[column + i]! -= projection * q[previous + i]!;
      }
      let norm = 0;
      for (let i = 0; i < tall; i++) norm += q[column + i]! * q[column + i]!;
      norm = Math.sqrt(norm);
      // diag(R)[j] = norm > 0: modified Gram–Schmidt already yields the positive-diagonal (sign-corrected) Q.
      for (let i = 0; i < tall; i++) q[column + i]! /= norm;
    }
    const result = dtype === "float64" ? new Float64Array(rows * columns) : new Float32Array(rows * columns);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        // rows ≥ columns: element (r, c) is q[c][r]; otherwise the transpose, q[r][c].
        result[r * columns + c] = gain * (rows >= columns ? q[c * tall + r]! : q[r * tall + c]!);
      }
    }
    return new Tensor(result, shape);
  };
}
