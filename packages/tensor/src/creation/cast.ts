import type { DType, Tensor as TensorLike } from "@descent/spec";
import { allocate } from "../core/dtype.js";
import { DTypeError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { assertTensorLike, describe } from "./validate.js";

/**
 * A copy of `t` converted to `dtype`. float64 → float32 rounds each value to the nearest float32
 * (`Math.fround`); float32 → float64 is exact.
 *
 * @example
 * ```ts
 * cast(tensor([0.1]), "float64").dtype; // "float64"
 * ```
 * @throws {@link DTypeError} when `dtype` is not `"float32"` or `"float64"`.
 */
export function cast(t: TensorLike, dtype: DType): Tensor {
  assertTensorLike("cast", t);
  if (dtype !== "float32" && dtype !== "float64") {
    throw new DTypeError("cast", `dtype ${describe(dtype)} is not supported: use "float32" or "float64"`);
  }
  const data = allocate(dtype, t.data.length);
  data.set(t.data);
  return new Tensor(data, t.shape);
}
