import type { FloatDType, RandomGenerator, Shape } from "@descent/spec";
import { allocate, DEFAULT_DTYPE } from "../core/dtype.js";
import { ValueError } from "../core/errors.js";
import { sizeOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import {
  assertFinite,
  assertShapeArgument,
  describe,
  readOptions,
  resolveDType,
} from "../creation/validate.js";
import { assertRandom } from "./sampling.js";

const TWO_PI = 2 * Math.PI;

/** Options of {@link uniform}. */
export interface UniformOptions {
  /** Lower bound, included. Default 0. */
  readonly low?: number;
  /** Upper bound, excluded. Default 1. */
  readonly high?: number;
  /** Element type. Default float32. */
  readonly dtype?: FloatDType;
}

/** Options of {@link normal} and {@link truncatedNormal}. */
export interface NormalOptions {
  /** Mean μ. Default 0. */
  readonly mean?: number;
  /** Standard deviation σ ≥ 0 (of the untruncated normal for {@link truncatedNormal}). Default 1. */
  readonly std?: number;
  /** Element type. Default float32. */
  readonly dtype?: FloatDType;
}

/**
 * Samples from the uniform distribution on `[low, high)`: `x = low + (high − low) · u` with
 * `u = random.next()`. A value that rounds up to `high` (possible in float32, and in float64 near
 * the top) is redrawn, so `high` never appears. One float64 draw per element in either dtype, so a
 * float32 tensor holds the rounded values of the float64 tensor of the same seed.
 *
 * @example
 * ```ts
 * uniform(createRandom(42), [2, 3], { low: -1, high: 1 }).shape; // [2, 3]
 * ```
 * @throws {@link ValueError} for non-finite bounds or `low ≥ high`.
 */
export function uniform(random: RandomGenerator, shape: Shape, given: UniformOptions = {}): Tensor {
  const op = "uniform";
  const options = readOptions(op, given, ["low", "high", "dtype"]);
  assertRandom(op, random);
  assertShapeArgument(op, shape);
  const low = assertFinite(op, options.low ?? 0, "low");
  const high = assertFinite(op, options.high ?? 1, "high");
  const range = high - low;
  if (!(range > 0) || !Number.isFinite(range)) {
    throw new ValueError(op, `low ${low} and high ${high} do not make an interval: use finite low < high`);
  }
  const data = allocate(resolveDType(op, options.dtype, DEFAULT_DTYPE), sizeOf(shape));
  const single = data instanceof Float32Array;
  for (let i = 0; i < data.length; i++) {
    let value = low + range * random.next();
    if (single) value = Math.fround(value);
    while (value >= high) {
      value = low + range * random.next();
      if (single) value = Math.fround(value);
    }
    data[i] = value;
  }
  return new Tensor(data, shape);
}

/**
 * Samples from the normal distribution N(μ, σ²) by the Box–Muller transform: from two uniform draws
 * `u₁ ∈ (0, 1]`, `u₂ ∈ [0, 1)`, `r = √(−2 ln u₁)`, the pair `(r cos 2πu₂, r sin 2πu₂)` is two independent
 * standard normals; element = `μ + σ · z`.
 *
 * Pairs fill consecutive elements; for an odd count the last sine is discarded. Nothing is cached
 * inside the generator, so `getState`/`setState` stay exact.
 *
 * @example
 * ```ts
 * normal(createRandom(42), [1000], { mean: 0, std: 0.1 }).shape; // [1000]
 * ```
 * @throws {@link ValueError} for a non-finite mean or a negative or non-finite std.
 */
export function normal(random: RandomGenerator, shape: Shape, options: NormalOptions = {}): Tensor {
  const { data, mean, std } = prepareNormal("normal", random, shape, options);
  const count = data.length;
  let i = 0;
  for (; i + 1 < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random.next()));
    const angle = TWO_PI * random.next();
    data[i] = mean + std * radius * Math.cos(angle);
    data[i + 1] = mean + std * radius * Math.sin(angle);
  }
  if (i < count) {
    const radius = Math.sqrt(-2 * Math.log(1 - random.next()));
    data[i] = mean + std * radius * Math.cos(TWO_PI * random.next());
  }
  return new Tensor(data, shape);
}

/**
 * Samples from N(μ, σ²) truncated to `[μ − 2σ, μ + 2σ]`: standard normals (Box–Muller) with
 * `|z| > 2` are dropped and redrawn, as `tf.truncatedNormal` and Keras' `TruncatedNormal` do.
 * `std` is σ of the normal before truncation (the samples' own std is ≈ 0.88σ).
 *
 * @example
 * ```ts
 * truncatedNormal(createRandom(42), [64, 32], { std: 0.05 }).shape; // [64, 32]
 * ```
 * @throws {@link ValueError} for a non-finite mean or a negative or non-finite std.
 */
export function truncatedNormal(random: RandomGenerator, shape: Shape, options: NormalOptions = {}): Tensor {
  const { data, mean, std } = prepareNormal("truncatedNormal", random, shape, options);
  const count = data.length;
  let i = 0;
  while (i < count) {
    const radius = Math.sqrt(-2 * Math.log(1 - random.next()));
    const angle = TWO_PI * random.next();
    const first = radius * Math.cos(angle);
    if (first >= -2 && first <= 2) data[i++] = mean + std * first;
    if (i === count) break;
    const second = radius * Math.sin(angle);
    if (second >= -2 && second <= 2) data[i++] = mean + std * second;
  }
  return new Tensor(data, shape);
}

/**
 * Samples 0/1 values: element = 1 with probability `p` (when `u = random.next() < p`), else 0.
 *
 * @example
 * ```ts
 * const keep = bernoulli(createRandom(42), [128, 64], 0.9); // a dropout mask
 * ```
 * @throws {@link ValueError} unless `0 ≤ p ≤ 1`.
 */
export function bernoulli(random: RandomGenerator, shape: Shape, p: number, dtype?: FloatDType): Tensor {
  const op = "bernoulli";
  assertRandom(op, random);
  assertShapeArgument(op, shape);
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new ValueError(op, `p is ${describe(p)}: use a probability in [0, 1]`);
  }
  const data = allocate(resolveDType(op, dtype, DEFAULT_DTYPE), sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = random.next() < p ? 1 : 0;
  return new Tensor(data, shape);
}

function prepareNormal(
  op: string,
  random: RandomGenerator,
  shape: Shape,
  given: NormalOptions,
): { data: Float32Array | Float64Array; mean: number; std: number } {
  assertRandom(op, random);
  assertShapeArgument(op, shape);
  const options = readOptions(op, given, ["mean", "std", "dtype"]);
  const mean = assertFinite(op, options.mean ?? 0, "mean");
  const std = assertFinite(op, options.std ?? 1, "std");
  if (std < 0) throw new ValueError(op, `std is ${std}: use a standard deviation ≥ 0`);
  const data = allocate(resolveDType(op, options.dtype, DEFAULT_DTYPE), sizeOf(shape));
  return { data, mean, std };
}
