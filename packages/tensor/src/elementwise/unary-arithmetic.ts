import type { Tensor as TensorLike } from "@descent/spec";
import { allocate } from "../core/dtype.js";
import { Tensor } from "../core/tensor.js";
import { getKernels } from "../kernels/registry.js";
import { assertTensor } from "./operands.js";

/**
 * Element-wise negation: `out[i] = −x[i]`.
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * neg(tensor([1, -2])); // [-1, 2]
 * ```
 */
export function neg(x: TensorLike): Tensor {
  assertTensor("neg", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  getKernels().unary("neg", out, input);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise absolute value: `out[i] = |x[i]|`.
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * abs(tensor([-1.5, 2])); // [1.5, 2]
 * ```
 */
export function abs(x: TensorLike): Tensor {
  assertTensor("abs", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  getKernels().unary("abs", out, input);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise sign: `out[i] = −1, 0 or 1` as `x[i]` is negative, zero or positive.
 *
 * NaN stays NaN.
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * sign(tensor([-3, 0, 2])); // [-1, 0, 1]
 * ```
 */
export function sign(x: TensorLike): Tensor {
  assertTensor("sign", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = Math.sign(input[i]!);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise square: `out[i] = x[i]²`.
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * square(tensor([-3, 2])); // [9, 4]
 * ```
 */
export function square(x: TensorLike): Tensor {
  assertTensor("square", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) {
    const value = input[i]!;
    out[i] = value * value;
  }
  return new Tensor(out, x.shape);
}

/**
 * Element-wise square root: `out[i] = √x[i]`.
 *
 * Negative inputs give NaN (IEEE 754), as in NumPy; `sqrt(−0) = −0`.
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * sqrt(tensor([4, 9])); // [2, 3]
 * ```
 */
export function sqrt(x: TensorLike): Tensor {
  assertTensor("sqrt", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  getKernels().unary("sqrt", out, input);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise reciprocal square root: `out[i] = 1 / √x[i]`.
 *
 * `rsqrt(0) = Infinity`; negative inputs give NaN (IEEE 754).
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * rsqrt(tensor([4, 0.25])); // [0.5, 2]
 * ```
 */
export function rsqrt(x: TensorLike): Tensor {
  assertTensor("rsqrt", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = 1 / Math.sqrt(input[i]!);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise reciprocal: `out[i] = 1 / x[i]`.
 *
 * `reciprocal(±0) = ±Infinity` (IEEE 754).
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * reciprocal(tensor([2, -4])); // [0.5, -0.25]
 * ```
 */
export function reciprocal(x: TensorLike): Tensor {
  assertTensor("reciprocal", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = 1 / input[i]!;
  return new Tensor(out, x.shape);
}

/**
 * Element-wise floor: `out[i] = ⌊x[i]⌋`, the largest integer ≤ x[i].
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * floor(tensor([1.7, -1.2])); // [1, -2]
 * ```
 */
export function floor(x: TensorLike): Tensor {
  assertTensor("floor", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = Math.floor(input[i]!);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise rounding to the nearest integer, ties to even: `out[i] = round(x[i])`.
 *
 * Halves go to the even neighbour (`round(0.5) = 0`, `round(1.5) = 2`, `round(−2.5) = −2`), as NumPy and TensorFlow do; not JavaScript's `Math.round`, which rounds halves up.
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * round(tensor([0.5, 1.5, 2.6, -2.5])); // [0, 2, 3, -2]
 * ```
 */
export function round(x: TensorLike): Tensor {
  assertTensor("round", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = roundHalfToEven(input[i]!);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise finiteness test as 0/1: `out[i] = 1` if x[i] is neither ±Infinity nor NaN, else 0.
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * isFinite(tensor([1, Infinity, NaN])); // [1, 0, 0]
 * ```
 */
// biome-ignore lint/suspicious/noShadowRestrictedNames: the op's name in the API (as NumPy and TensorFlow); the global is not needed here
export function isFinite(x: TensorLike): Tensor {
  assertTensor("isFinite", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = Number.isFinite(input[i]!) ? 1 : 0;
  return new Tensor(out, x.shape);
}
/** Rounds to the nearest integer, halves to the even neighbour (banker's rounding). */
function roundHalfToEven(value: number): number {
  const rounded = Math.round(value);
  // Math.round sends halves up; an odd result exactly half above the input belongs one lower.
  return rounded - value === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}
