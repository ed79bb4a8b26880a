import type { DType, FloatDType, Tensor as TensorLike } from "@descent/spec";
import { allocate } from "../core/dtype.js";
import { DTypeError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { assertAnyTensorLike } from "../core/tensor-like.js";
import { assertInt32Values, describe } from "./validate.js";

/**
 * A copy of `t` converted to `dtype`. float64 → float32 rounds each value to the nearest float32
 * (`Math.fround`); float32 → float64 and int32 → float64 are exact; int32 → float32 is exact for labels
 * (|v| ≤ 2²⁴). To `"int32"` every value must already be an integer in [−2³¹, 2³¹): nothing is truncated or
 * wrapped silently (round first with `round(t)`).
 *
 * @example
 * ```ts
 * cast(tensor([0.1]), "float64").dtype;                       // "float64"
 * cast(tensor([0, 2, 1]), "int32").data;                      // Int32Array [0, 2, 1]
 * cast(new Tensor(new Int32Array([1, 0]), [2]), "float32");   // float labels, e.g. for a regression loss
 * ```
 * @throws {@link DTypeError} when `dtype` is not `"float32"`, `"float64"` or `"int32"`; {@link ValueError}
 *   naming the first element that is not an int32 integer, when casting to `"int32"`.
 */
export function cast(t: TensorLike<DType>, dtype: FloatDType): Tensor;
export function cast(t: TensorLike<DType>, dtype: "int32"): Tensor<"int32">;
export function cast(t: TensorLike<DType>, dtype: DType): Tensor<DType>;
export function cast(t: TensorLike<DType>, dtype: DType): Tensor<DType> {
  assertAnyTensorLike("cast", t);
  if (dtype !== "float32" && dtype !== "float64" && dtype !== "int32") {
    throw new DTypeError(
      "cast",
      `dtype ${describe(dtype)} is not supported: use "float32", "float64" or "int32"`,
    );
  }
  if (dtype === "int32") assertInt32Values("cast", t.data, "t");
  const data = allocate(dtype, t.data.length);
  data.set(t.data);
  return new Tensor(data, t.shape);
}
