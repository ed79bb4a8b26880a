import type { Tensor as TensorLike } from "@descent/spec";
import type { Tensor } from "../core/tensor.js";
import type { BinaryLoops } from "../kernels/js-elementwise.js";
import { binary } from "./broadcast.js";

const powKernel: BinaryLoops = {
  both(out, o, a, ao, b, bo, count) {
    for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! ** b[bo + i]!;
  },
  left(out, o, a, ao, s, count) {
    if (s === 2) for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! * a[ao + i]!;
    else for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! ** s;
  },
  right(out, o, s, b, bo, count) {
    for (let i = 0; i < count; i++) out[o + i] = s ** b[bo + i]!;
  },
};

// Math.max / Math.min return NaN when either argument is NaN, which is the propagation we want.
const maximumKernel: BinaryLoops = {
  both(out, o, a, ao, b, bo, count) {
    for (let i = 0; i < count; i++) out[o + i] = Math.max(a[ao + i]!, b[bo + i]!);
  },
  left(out, o, a, ao, s, count) {
    for (let i = 0; i < count; i++) out[o + i] = Math.max(a[ao + i]!, s);
  },
  right(out, o, s, b, bo, count) {
    for (let i = 0; i < count; i++) out[o + i] = Math.max(s, b[bo + i]!);
  },
};

const minimumKernel: BinaryLoops = {
  both(out, o, a, ao, b, bo, count) {
    for (let i = 0; i < count; i++) out[o + i] = Math.min(a[ao + i]!, b[bo + i]!);
  },
  left(out, o, a, ao, s, count) {
    for (let i = 0; i < count; i++) out[o + i] = Math.min(a[ao + i]!, s);
  },
  right(out, o, s, b, bo, count) {
    for (let i = 0; i < count; i++) out[o + i] = Math.min(s, b[bo + i]!);
  },
};

/**
 * Element-wise sum with NumPy broadcasting: `out[i] = a[i] + b[i]`.
 *
 * Either side may be a number. Result dtype: float64 if any tensor operand is float64, else float32.
 * IEEE 754 throughout: `Infinity + -Infinity` is NaN, and NaN in an input gives NaN in the output.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast.
 * @example
 * ```ts
 * add(tensor([[1, 2], [3, 4]]), tensor([10, 20])); // [[11, 22], [13, 24]]
 * add(tensor([1, 2]), 1); // [2, 3]
 * ```
 */
export function add(a: TensorLike | number, b: TensorLike | number): Tensor {
  return binary("add", "add", a, b);
}

/**
 * Element-wise difference with broadcasting: `out[i] = a[i] − b[i]`.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast.
 * @example
 * ```ts
 * sub(tensor([5, 7]), 1); // [4, 6]
 * sub(1, tensor([0.25, 0.5])); // [0.75, 0.5]
 * ```
 */
export function sub(a: TensorLike | number, b: TensorLike | number): Tensor {
  return binary("sub", "sub", a, b);
}

/**
 * Element-wise (Hadamard) product with broadcasting: `out[i] = a[i] · b[i]`.
 *
 * `0 · Infinity` is NaN (IEEE 754). For the matrix product use {@link matmul}.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast.
 * @example
 * ```ts
 * mul(tensor([[1, 2], [3, 4]]), tensor([[2], [3]])); // [[2, 4], [9, 12]]
 * ```
 */
export function mul(a: TensorLike | number, b: TensorLike | number): Tensor {
  return binary("mul", "mul", a, b);
}

/**
 * Element-wise quotient with broadcasting: `out[i] = a[i] / b[i]`.
 *
 * Division by zero follows IEEE 754: `x / 0` is ±Infinity for `x ≠ 0` and NaN for `0 / 0`.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast.
 * @example
 * ```ts
 * div(tensor([1, 2, 3]), 2); // [0.5, 1, 1.5]
 * ```
 */
export function div(a: TensorLike | number, b: TensorLike | number): Tensor {
  return binary("div", "div", a, b);
}

/**
 * Element-wise power with broadcasting: `out[i] = a[i] ^ b[i]`.
 *
 * Follows JavaScript's `**`: a negative base with a non-integer exponent gives NaN; `x ^ 0 = 1` for every x,
 * NaN included.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast.
 * @example
 * ```ts
 * pow(tensor([1, 2, 3]), 2); // [1, 4, 9]
 * pow(2, tensor([0, 1, 10])); // [1, 2, 1024]
 * ```
 */
export function pow(a: TensorLike | number, b: TensorLike | number): Tensor {
  return binary("pow", powKernel, a, b);
}

/**
 * Element-wise maximum with broadcasting: `out[i] = max(a[i], b[i])`.
 *
 * NaN propagates: if either value is NaN the result is NaN (like `np.maximum`, unlike `np.fmax`).
 *
 * @throws {@link ShapeError} when the shapes do not broadcast.
 * @example
 * ```ts
 * maximum(tensor([-1, 0, 2]), 0); // [0, 0, 2]
 * ```
 */
export function maximum(a: TensorLike | number, b: TensorLike | number): Tensor {
  return binary("maximum", maximumKernel, a, b);
}

/**
 * Element-wise minimum with broadcasting: `out[i] = min(a[i], b[i])`.
 *
 * NaN propagates: if either value is NaN the result is NaN.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast.
 * @example
 * ```ts
 * minimum(tensor([-1, 0, 2]), tensor([[1], [-5]])); // [[-1, 0, 1], [-5, -5, -5]]
 * ```
 */
export function minimum(a: TensorLike | number, b: TensorLike | number): Tensor {
  return binary("minimum", minimumKernel, a, b);
}
