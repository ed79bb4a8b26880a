import type { DType } from "@descent/spec";
import { DTypeError } from "./errors.js";

/** The default dtype: float32, for speed. */
export const DEFAULT_DTYPE: DType = "float32";

/** A zero-filled typed array of `size` elements of `dtype`. */
export function allocate(dtype: DType, size: number): Float32Array | Float64Array {
  return dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
}

/** The dtype of an op's result: float64 when any input is float64 (no silent precision loss), else float32. */
export function resultDType(...dtypes: DType[]): DType {
  return dtypes.includes("float64") ? "float64" : "float32";
}

/** Throws a {@link DTypeError} unless `dtype` is `"float32"` or `"float64"`. */
export function assertDType(op: string, dtype: unknown): asserts dtype is DType {
  if (dtype !== "float32" && dtype !== "float64") {
    throw new DTypeError(op, `dtype ${JSON.stringify(dtype)} is not supported: use "float32" or "float64"`);
  }
}

/** The dtype of a typed array. */
export function dtypeOf(data: Float32Array | Float64Array): DType {
  return data instanceof Float64Array ? "float64" : "float32";
}
