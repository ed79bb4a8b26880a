import type { FloatDType, Tensor as TensorLike } from "@descent/spec";
import { DEFAULT_DTYPE } from "../core/dtype.js";
import { assertTensorLike } from "../core/tensor-like.js";

/** The typed arrays a tensor can hold. Internal to the math families. */
export type NumericArray = Float32Array | Float64Array;

/**
 * Throws unless `value` is a consistent tensor (see {@link assertTensorLike}: the one check every op runs).
 * Structural on purpose: a tensor from a duplicate install of descent is as good as ours.
 */
export function assertTensor(op: string, value: unknown, name: string): asserts value is TensorLike {
  assertTensorLike(op, value, name);
}

/** Like {@link assertTensor}, also accepting a plain finite or non-finite number (a scalar operand). */
export function assertOperand(
  op: string,
  value: unknown,
  name: string,
): asserts value is TensorLike | number {
  if (typeof value !== "number") assertTensor(op, value, name);
}

/** The result dtype of an op whose operands may be numbers: float64 if any tensor is; numbers follow the tensors. */
export function operandDType(...operands: (TensorLike | number)[]): FloatDType {
  let sawTensor = false;
  for (const operand of operands) {
    if (typeof operand === "number") continue;
    if (operand.dtype === "float64") return "float64";
    sawTensor = true;
  }
  return sawTensor ? "float32" : DEFAULT_DTYPE;
}
