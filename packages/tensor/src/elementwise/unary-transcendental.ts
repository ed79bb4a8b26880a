import type { Tensor as TensorLike } from "@descent/spec";
import { allocate } from "../core/dtype.js";
import { Tensor } from "../core/tensor.js";
import { erfScalar } from "./erf.js";
import { assertTensor } from "./operands.js";

/**
 * Element-wise exponential: `out[i] = eˣ⁽ⁱ⁾`.
 *
 * Overflows to Infinity above ~88.7 in float32 (~709.8 in float64); for `log(Σ exp)` use {@link logSumExp}, which never overflows.
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * exp(tensor([0, 1])); // [1, 2.7182817]
 * ```
 */
export function exp(x: TensorLike): Tensor {
  assertTensor("exp", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = Math.exp(input[i]!);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise natural logarithm: `out[i] = ln x[i]`.
 *
 * `log(0) = −Infinity`; negative inputs give NaN (IEEE 754, as NumPy).
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * log(tensor([1, Math.E])); // [0, 1]
 * ```
 */
export function log(x: TensorLike): Tensor {
  assertTensor("log", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = Math.log(input[i]!);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise `out[i] = ln(1 + x[i])`, accurate for tiny x (where `log(1 + x)` loses every digit).
 *
 * `log1p(−1) = −Infinity`; below −1 the result is NaN.
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * log1p(tensor([0, 1e-10])); // [0, 1e-10]
 * ```
 */
export function log1p(x: TensorLike): Tensor {
  assertTensor("log1p", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = Math.log1p(input[i]!);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise `out[i] = eˣ⁽ⁱ⁾ − 1`, accurate for tiny x (where `exp(x) − 1` loses every digit).
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * expm1(tensor([0, 1e-10])); // [0, 1e-10]
 * ```
 */
export function expm1(x: TensorLike): Tensor {
  assertTensor("expm1", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = Math.expm1(input[i]!);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise sine (radians): `out[i] = sin x[i]`.
 *
 * ±Infinity gives NaN.
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * sin(tensor([0, Math.PI / 2])); // [0, 1]
 * ```
 */
export function sin(x: TensorLike): Tensor {
  assertTensor("sin", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = Math.sin(input[i]!);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise cosine (radians): `out[i] = cos x[i]`.
 *
 * ±Infinity gives NaN.
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * cos(tensor([0, Math.PI])); // [1, -1]
 * ```
 */
export function cos(x: TensorLike): Tensor {
  assertTensor("cos", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = Math.cos(input[i]!);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise hyperbolic tangent: `out[i] = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)`.
 *
 * Saturates cleanly to ±1 for large |x| (no NaN at ±1000).
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * tanh(tensor([0, 1000])); // [0, 1]
 * ```
 */
export function tanh(x: TensorLike): Tensor {
  assertTensor("tanh", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = Math.tanh(input[i]!);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise Gauss error function: `out[i] = (2/√π) ∫₀ˣ e^(−t²) dt`.
 *
 * Accurate to a few float64 ulps (series below |x| = 2.5, continued fraction above, exactly ±1 beyond |x| = 6); used by the exact GELU.
 *
 * Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * erf(tensor([0, 1])); // [0, 0.8427008]
 * ```
 */
export function erf(x: TensorLike): Tensor {
  assertTensor("erf", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = erfScalar(input[i]!);
  return new Tensor(out, x.shape);
}
