import type { DType, FloatDType } from "@descent/spec";
import { describeValue } from "./describe.js";
import { DTypeError, ValueError } from "./errors.js";
import { MAX_TENSOR_ELEMENTS, tooManyElements } from "./shape.js";

/** The default dtype: float32, for speed. */
export const DEFAULT_DTYPE: FloatDType = "float32";

/**
 * A zero-filled typed array of `size` elements of `dtype`; `op` names the caller in errors.
 *
 * @throws {@link ValueError} when `size` is not an integer from 0 to {@link MAX_TENSOR_ELEMENTS}, or the
 *   runtime cannot allocate it (never the runtime's own RangeError).
 * @example
 * ```ts
 * allocate("float64", 3); // Float64Array [0, 0, 0]
 * allocate("int32", 2); // Int32Array [0, 0]
 * ```
 */
export function allocate(dtype: FloatDType, size: number, op?: string): Float32Array | Float64Array;
export function allocate(dtype: "int32", size: number, op?: string): Int32Array;
export function allocate(dtype: DType, size: number, op?: string): Float32Array | Float64Array | Int32Array;
export function allocate(
  dtype: DType,
  size: number,
  op = "allocate",
): Float32Array | Float64Array | Int32Array {
  if (typeof op !== "string") op = "allocate";
  if (!(typeof size === "number" && size >= 0 && size <= MAX_TENSOR_ELEMENTS && Number.isInteger(size))) {
    if (typeof size === "number" && size > MAX_TENSOR_ELEMENTS) throw tooManyElements(op, "the result", size);
    throw new ValueError(
      op,
      `size is ${describeValue(size)}: a tensor's size must be an integer from 0 to ${MAX_TENSOR_ELEMENTS}`,
    );
  }
  try {
    if (dtype === "int32") return new Int32Array(size);
    return dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
  } catch {
    throw new ValueError(
      op,
      `could not allocate ${size} ${describeValue(dtype)} elements (${size * (dtype === "float64" ? 8 : 4)} bytes): the runtime is out of memory; use smaller tensors`,
    );
  }
}

/** The dtype of an op's result: float64 when any input is float64 (no silent precision loss), else float32. */
export function resultDType(...dtypes: DType[]): FloatDType {
  return dtypes.includes("float64") ? "float64" : "float32";
}

/**
 * Throws a {@link DTypeError} unless `dtype` is `"float32"` or `"float64"`, the dtypes math ops compute in
 * (`"int32"` is refused: it holds class labels).
 */
export function assertDType(op: string, dtype: unknown): asserts dtype is FloatDType {
  if (dtype !== "float32" && dtype !== "float64") {
    throw new DTypeError(op, `dtype ${describeValue(dtype)} is not supported: use "float32" or "float64"`);
  }
}

/** The dtype of a typed array. */
export function dtypeOf(data: Float32Array | Float64Array): FloatDType;
export function dtypeOf(data: Int32Array): "int32";
export function dtypeOf(data: Float32Array | Float64Array | Int32Array): DType;
export function dtypeOf(data: Float32Array | Float64Array | Int32Array): DType {
  if (data instanceof Int32Array) return "int32";
  return data instanceof Float64Array ? "float64" : "float32";
}
