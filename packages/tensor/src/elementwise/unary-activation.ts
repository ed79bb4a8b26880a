import type { Tensor as TensorLike } from "@descent/spec";
import { describeValue } from "../core/describe.js";
import { allocate } from "../core/dtype.js";
import { ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { getKernels } from "../kernels/registry.js";
import { assertTensor } from "./operands.js";

/**
 * Element-wise logistic sigmoid: `out[i] = 1 / (1 + e^(−x[i]))`.
 *
 * Numerically stable: for x ≥ 0 it computes `1 / (1 + e^(−x))`, for x < 0 the equal `eˣ / (1 + eˣ)`, so no
 * exponential ever overflows: `sigmoid(1000) = 1`, `sigmoid(−1000) = 0`, never NaN. NaN in gives NaN out.
 *
 * @example
 * ```ts
 * sigmoid(tensor([-1000, 0, 1000])); // [0, 0.5, 1]
 * ```
 */
export function sigmoid(x: TensorLike): Tensor {
  assertTensor("sigmoid", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) {
    const value = input[i]!;
    if (value >= 0) {
      out[i] = 1 / (1 + Math.exp(-value));
    } else {
      const exponential = Math.exp(value);
      out[i] = exponential / (1 + exponential);
    }
  }
  return new Tensor(out, x.shape);
}

/**
 * Element-wise rectified linear unit: `out[i] = max(x[i], 0)`.
 *
 * NaN propagates (`Math.max` keeps NaN, where the common `x > 0 ? x : 0` would silently turn it into 0),
 * and `relu(−0) = 0`. For the derivative at the
 * kink see `@descent/activations`.
 *
 * @example
 * ```ts
 * relu(tensor([-2, 0, 3])); // [0, 0, 3]
 * ```
 */
export function relu(x: TensorLike): Tensor {
  assertTensor("relu", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  getKernels().unary("relu", out, input);
  return new Tensor(out, x.shape);
}

/**
 * Element-wise softplus, the smooth ReLU: `out[i] = ln(1 + e^(x[i]))`.
 *
 * Numerically stable: computed as `max(x, 0) + ln(1 + e^(−|x|))` (with `log1p`), so
 * `softplus(1000) = 1000` and `softplus(−1000) = 0` instead of Infinity or NaN. NaN in gives NaN out.
 *
 * @example
 * ```ts
 * softplus(tensor([-1000, 0, 1000])); // [0, 0.6931472, 1000]
 * ```
 */
export function softplus(x: TensorLike): Tensor {
  assertTensor("softplus", x, "x");
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) {
    const value = input[i]!;
    out[i] = value > 0 ? value + Math.log1p(Math.exp(-value)) : Math.log1p(Math.exp(value));
  }
  return new Tensor(out, x.shape);
}

/**
 * Clamps every element into `[min, max]`: `out[i] = min(max(x[i], min), max)`.
 *
 * Pass `-Infinity` or `Infinity` for a one-sided clip. NaN elements stay NaN (never clamped into range).
 *
 * @throws {@link ValueError} when a bound is NaN or `min > max`.
 * @example
 * ```ts
 * clip(tensor([-2, 0.5, 3]), 0, 1); // [0, 0.5, 1]
 * ```
 */
export function clip(x: TensorLike, min: number, max: number): Tensor {
  assertTensor("clip", x, "x");
  if (typeof min !== "number" || typeof max !== "number" || Number.isNaN(min) || Number.isNaN(max)) {
    throw new ValueError(
      "clip",
      `bounds must be numbers, got min ${describeValue(min)} and max ${describeValue(max)}: pass ±Infinity for no bound`,
    );
  }
  if (min > max) {
    throw new ValueError("clip", `min ${min} is greater than max ${max}: swap the bounds`);
  }
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) {
    const value = input[i]!;
    out[i] = Math.min(Math.max(value, min), max);
  }
  return new Tensor(out, x.shape);
}
