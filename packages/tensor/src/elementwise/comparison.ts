import type { Tensor as TensorLike } from "@descent/spec";
import type { Tensor } from "../core/tensor.js";
import type { BinaryLoops } from "../kernels/js-elementwise.js";
import { binary } from "./broadcast.js";

const equalKernel: BinaryLoops = {
  both(out, o, a, ao, b, bo, count) {
    for (let i = 0; i < count; i++) out[o + i] = a[ao + i] === b[bo + i] ? 1 : 0;
  },
  left(out, o, a, ao, s, count) {
    for (let i = 0; i < count; i++) out[o + i] = a[ao + i] === s ? 1 : 0;
  },
  right(out, o, s, b, bo, count) {
    for (let i = 0; i < count; i++) out[o + i] = s === b[bo + i] ? 1 : 0;
  },
};

const notEqualKernel: BinaryLoops = {
  both(out, o, a, ao, b, bo, count) {
    for (let i = 0; i < count; i++) out[o + i] = a[ao + i] !== b[bo + i] ? 1 : 0;
  },
  left(out, o, a, ao, s, count) {
    for (let i = 0; i < count; i++) out[o + i] = a[ao + i] !== s ? 1 : 0;
  },
  right(out, o, s, b, bo, count) {
    for (let i = 0; i < count; i++) out[o + i] = s !== b[bo + i] ? 1 : 0;
  },
};

const greaterKernel: BinaryLoops = {
  both(out, o, a, ao, b, bo, count) {
    for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! > b[bo + i]! ? 1 : 0;
  },
  left(out, o, a, ao, s, count) {
    for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! > s ? 1 : 0;
  },
  right(out, o, s, b, bo, count) {
    for (let i = 0; i < count; i++) out[o + i] = s > b[bo + i]! ? 1 : 0;
  },
};

const greaterEqualKernel: BinaryLoops = {
  both(out, o, a, ao, b, bo, count) {
    for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! >= b[bo + i]! ? 1 : 0;
  },
  left(out, o, a, ao, s, count) {
    for (let i = 0; i < count; i++) out[o + i] = a[ao + i]! >= s ? 1 : 0;
  },
  right(out, o, s, b, bo, count) {
    for (let i = 0; i < count; i++) out[o + i] = s >= b[bo + i]! ? 1 : 0;
  },
};

/** `less(a, b)` is `greater(b, a)` with the roles of the loops swapped. */
const lessKernel: BinaryLoops = {
  both: (out, o, a, ao, b, bo, count) => greaterKernel.both(out, o, b, bo, a, ao, count),
  left: (out, o, a, ao, s, count) => greaterKernel.right(out, o, s, a, ao, count),
  right: (out, o, s, b, bo, count) => greaterKernel.left(out, o, b, bo, s, count),
};

const lessEqualKernel: BinaryLoops = {
  both: (out, o, a, ao, b, bo, count) => greaterEqualKernel.both(out, o, b, bo, a, ao, count),
  left: (out, o, a, ao, s, count) => greaterEqualKernel.right(out, o, s, a, ao, count),
  right: (out, o, s, b, bo, count) => greaterEqualKernel.left(out, o, b, bo, s, count),
};

/**
 * Element-wise `a = b` as 0/1 with broadcasting: `out[i] = a[i] = b[i] ? 1 : 0`.
 *
 * The result has the result dtype of the operands (float64 if any tensor is, else float32), so it
 * can multiply a tensor as a mask. IEEE 754: NaN equals nothing, itself included.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast.
 * @example
 * ```ts
 * equal(tensor([1, 2, 3]), 2); // [0, 1, 0]
 * ```
 */
export function equal(a: TensorLike | number, b: TensorLike | number): Tensor {
  return binary("equal", equalKernel, a, b);
}

/**
 * Element-wise `a ≠ b` as 0/1 with broadcasting: `out[i] = a[i] ≠ b[i] ? 1 : 0`.
 *
 * NaN differs from everything, itself included (so `notEqual(x, x)` marks the NaNs of `x`).
 *
 * @throws {@link ShapeError} when the shapes do not broadcast.
 * @example
 * ```ts
 * notEqual(tensor([1, 2, 3]), 2); // [1, 0, 1]
 * ```
 */
export function notEqual(a: TensorLike | number, b: TensorLike | number): Tensor {
  return binary("notEqual", notEqualKernel, a, b);
}

/**
 * Element-wise `a > b` as 0/1 with broadcasting: `out[i] = a[i] > b[i] ? 1 : 0`. Any comparison with NaN is 0.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast.
 * @example
 * ```ts
 * greater(tensor([-1, 0, 1]), 0); // [0, 0, 1]
 * ```
 */
export function greater(a: TensorLike | number, b: TensorLike | number): Tensor {
  return binary("greater", greaterKernel, a, b);
}

/**
 * Element-wise `a ≥ b` as 0/1 with broadcasting: `out[i] = a[i] ≥ b[i] ? 1 : 0`. Any comparison with NaN is 0.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast.
 * @example
 * ```ts
 * greaterEqual(tensor([-1, 0, 1]), 0); // [0, 1, 1]
 * ```
 */
export function greaterEqual(a: TensorLike | number, b: TensorLike | number): Tensor {
  return binary("greaterEqual", greaterEqualKernel, a, b);
}

/**
 * Element-wise `a < b` as 0/1 with broadcasting: `out[i] = a[i] < b[i] ? 1 : 0`. Any comparison with NaN is 0.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast.
 * @example
 * ```ts
 * less(tensor([-1, 0, 1]), 0); // [1, 0, 0]
 * ```
 */
export function less(a: TensorLike | number, b: TensorLike | number): Tensor {
  return binary("less", lessKernel, a, b);
}

/**
 * Element-wise `a ≤ b` as 0/1 with broadcasting: `out[i] = a[i] ≤ b[i] ? 1 : 0`. Any comparison with NaN is 0.
 *
 * @throws {@link ShapeError} when the shapes do not broadcast.
 * @example
 * ```ts
 * lessEqual(tensor([-1, 0, 1]), 0); // [1, 1, 0]
 * ```
 */
export function lessEqual(a: TensorLike | number, b: TensorLike | number): Tensor {
  return binary("lessEqual", lessEqualKernel, a, b);
}
