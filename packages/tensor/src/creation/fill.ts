import type { FloatDType, Shape, Tensor as TensorLike } from "@descent/spec";
import { allocate, DEFAULT_DTYPE } from "../core/dtype.js";
import { sizeOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { assertNumber, assertShapeArgument, assertTensorLike, resolveDType } from "./validate.js";

/**
 * A tensor of the given shape filled with zeros.
 *
 * @example
 * ```ts
 * zeros([2, 3]).toNested();            // [[0, 0, 0], [0, 0, 0]]
 * zeros([4], "float64").dtype;         // "float64"
 * ```
 * @throws {@link ValueError} for a size that is negative, NaN or not an integer; {@link DTypeError} for an unknown dtype.
 */
export function zeros(shape: Shape, dtype?: FloatDType): Tensor {
  assertShapeArgument("zeros", shape);
  return new Tensor(allocate(resolveDType("zeros", dtype, DEFAULT_DTYPE), sizeOf(shape)), shape);
}

/**
 * A tensor of the given shape filled with ones.
 *
 * @example
 * ```ts
 * ones([2]).toArray(); // [1, 1]
 * ```
 * @throws {@link ValueError} for a bad size; {@link DTypeError} for an unknown dtype.
 */
export function ones(shape: Shape, dtype?: FloatDType): Tensor {
  return filled("ones", shape, 1, dtype);
}

/**
 * A tensor of the given shape with every element equal to `value`.
 *
 * `NaN` and `±Infinity` are accepted (a `-Infinity` mask is a common need); non-numbers are rejected.
 *
 * @example
 * ```ts
 * full([2, 2], 7).toArray(); // [7, 7, 7, 7]
 * ```
 * @throws {@link ValueError} for a bad size or a non-number value; {@link DTypeError} for an unknown dtype.
 */
export function full(shape: Shape, value: number, dtype?: FloatDType): Tensor {
  return filled("full", shape, value, dtype);
}

/**
 * Zeros with the shape and dtype of `t`.
 *
 * @example
 * ```ts
 * zerosLike(ones([2, 3])).shape; // [2, 3]
 * ```
 */
export function zerosLike(t: TensorLike): Tensor {
  assertTensorLike("zerosLike", t);
  return new Tensor(allocate(t.dtype, t.data.length), t.shape);
}

/**
 * Ones with the shape and dtype of `t`.
 *
 * @example
 * ```ts
 * onesLike(zeros([2], "float64")).toArray(); // [1, 1]
 * ```
 */
export function onesLike(t: TensorLike): Tensor {
  assertTensorLike("onesLike", t);
  return filled("onesLike", t.shape, 1, t.dtype);
}

/**
 * A tensor with the shape and dtype of `t` and every element equal to `value`.
 *
 * @example
 * ```ts
 * fullLike(zeros([3]), 0.5).toArray(); // [0.5, 0.5, 0.5]
 * ```
 */
export function fullLike(t: TensorLike, value: number): Tensor {
  assertTensorLike("fullLike", t);
  return filled("fullLike", t.shape, value, t.dtype);
}

function filled(op: string, shape: Shape, value: number, dtype: FloatDType | undefined): Tensor {
  assertShapeArgument(op, shape);
  assertNumber(op, value, "value");
  const data = allocate(resolveDType(op, dtype, DEFAULT_DTYPE), sizeOf(shape));
  if (value !== 0) data.fill(value);
  return new Tensor(data, shape);
}
