import type { Tensor as TensorLike } from "@descent/spec";
import type { Tensor } from "../core/tensor.js";
import { readOptions } from "../creation/validate.js";
import type { BinaryLoops } from "../kernels/js-elementwise.js";
import { assertAllocator, type GradientAllocator } from "../linalg/linear.js";
import { binary } from "./broadcast.js";

/** Options of {@link add}, {@link sub}, {@link mul} and {@link div}. */
export interface ArithmeticOptions {
  /**
   * Where the result's array comes from, called as `allocate(dtype, length)` (contents arbitrary: every element
   * is written): e.g. one array reused across a loop, which spares a new array's zeroing and fresh pages per
   * call, or `residentFloat32` storage (`@descent/tensor/kernels`), which the WebAssembly kernels write in
   * place. It may return an operand's own array (the op then runs in place), not a view overlapping one
   * elsewhere. Default: a new array.
   */
  readonly allocate?: GradientAllocator;
}

/** The checked `options.allocate` of an arithmetic op. */
function resultAllocator(op: string, options: ArithmeticOptions | undefined): GradientAllocator | undefined {
  const { allocate } = readOptions(op, options, ["allocate"]);
  assertAllocator(op, "allocate", allocate);
  return allocate;
}

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
 * @throws {@link ValueError} for an unknown option, an `allocate` that is not a function or returns an array of
 * the wrong length, or one overlapping an operand elsewhere ({@link DTypeError} for the wrong array type).
 * @example
 * ```ts
 * add(tensor([[1, 2], [3, 4]]), tensor([10, 20])); // [[11, 22], [13, 24]]
 * add(tensor([1, 2]), 1); // [2, 3]
 * // One result array for a whole loop: no new array per call.
 * const sum = new Float32Array(256 * 1024);
 * for (const [x, y] of pairs) add(x, y, { allocate: () => sum });
 * ```
 */
export function add(a: TensorLike | number, b: TensorLike | number, options?: ArithmeticOptions): Tensor {
  return binary("add", "add", a, b, resultAllocator("add", options));
}

/**
 * Element-wise difference with broadcasting: `out[i] = a[i] − b[i]`.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast; {@link ValueError} / {@link DTypeError} for bad
 * `options` (as {@link add}).
 * @example
 * ```ts
 * sub(tensor([5, 7]), 1); // [4, 6]
 * sub(1, tensor([0.25, 0.5])); // [0.75, 0.5]
 * ```
 */
export function sub(a: TensorLike | number, b: TensorLike | number, options?: ArithmeticOptions): Tensor {
  return binary("sub", "sub", a, b, resultAllocator("sub", options));
}

/**
 * Element-wise (Hadamard) product with broadcasting: `out[i] = a[i] · b[i]`.
 *
 * `0 · Infinity` is NaN (IEEE 754). For the matrix product use {@link matmul}.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast; {@link ValueError} / {@link DTypeError} for bad
 * `options` (as {@link add}).
 * @example
 * ```ts
 * mul(tensor([[1, 2], [3, 4]]), tensor([[2], [3]])); // [[2, 4], [9, 12]]
 * ```
 */
export function mul(a: TensorLike | number, b: TensorLike | number, options?: ArithmeticOptions): Tensor {
  return binary("mul", "mul", a, b, resultAllocator("mul", options));
}

/**
 * Element-wise quotient with broadcasting: `out[i] = a[i] / b[i]`.
 *
 * Division by zero follows IEEE 754: `x / 0` is ±Infinity for `x ≠ 0` and NaN for `0 / 0`.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast; {@link ValueError} / {@link DTypeError} for bad
 * `options` (as {@link add}).
 * @example
 * ```ts
 * div(tensor([1, 2, 3]), 2); // [0.5, 1, 1.5]
 * ```
 */
export function div(a: TensorLike | number, b: TensorLike | number, options?: ArithmeticOptions): Tensor {
  return binary("div", "div", a, b, resultAllocator("div", options));
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
