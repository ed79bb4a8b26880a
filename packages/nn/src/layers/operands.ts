import type { Operand } from "@descent/autodiff";
import type { Tensor as TensorLike } from "@descent/spec";
import { formatShape, ShapeError, Tensor } from "@descent/tensor";

/** True when `operand` is a traced value that depends on a differentiated input (its gradient is wanted). */
export function isTrackedOperand(operand: unknown): boolean {
  return (
    typeof operand === "object" && operand !== null && (operand as { tracked?: unknown }).tracked === true
  );
}

/** The numbers behind an operand (a traced value's tensor, or the tensor itself). */
export function tensorOfOperand(operand: Operand): TensorLike {
  if (typeof operand === "number") return new Tensor(new Float32Array([operand]), []);
  const value = (operand as { value?: TensorLike }).value;
  return value !== undefined && !(operand as TensorLike).data ? value : (operand as TensorLike);
}

/** Throws a ShapeError unless the input's last axis has `expected` entries. */
export function checkLastAxis(op: string, shape: readonly number[], expected: number, what: string): void {
  if (shape.length < 2 || shape[shape.length - 1] !== expected) {
    throw new ShapeError(
      op,
      `input ${formatShape(shape)} does not fit: expected [batch, …, ${expected}] (${what})`,
    );
  }
}
