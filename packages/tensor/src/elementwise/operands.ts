import type { DType, Tensor as TensorLike } from "@descent/spec";
import { DEFAULT_DTYPE } from "../core/dtype.js";
import { ValueError } from "../core/errors.js";

/** The typed arrays a tensor can hold. Internal to the math families. */
export type NumericArray = Float32Array | Float64Array;

/**
 * Throws a {@link ValueError} unless `value` looks like a tensor (`shape`, `dtype`, typed `data`).
 * Structural on purpose: a tensor from a duplicate install of descent is as good as ours.
 */
export function assertTensor(op: string, value: unknown, name: string): asserts value is TensorLike {
  const candidate = value as Partial<TensorLike> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    !Array.isArray(candidate.shape) ||
    !(ArrayBuffer.isView(candidate.data) && "BYTES_PER_ELEMENT" in candidate.data) ||
    (candidate.dtype !== "float32" && candidate.dtype !== "float64")
  ) {
    throw new ValueError(
      op,
      `${name} must be a tensor (an object with shape, dtype and a Float32Array or Float64Array data) but got ${describe(value)}`,
    );
  }
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
export function operandDType(...operands: (TensorLike | number)[]): DType {
  let sawTensor = false;
  for (const operand of operands) {
    if (typeof operand === "number") continue;
    if (operand.dtype === "float64") return "float64";
    sawTensor = true;
  }
  return sawTensor ? "float32" : DEFAULT_DTYPE;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length} (wrap it with tensor(...))`;
  if (typeof value === "object") return `an object with keys [${Object.keys(value).join(", ")}]`;
  return `${typeof value} ${String(value)}`;
}
