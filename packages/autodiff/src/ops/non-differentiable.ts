import * as T from "@descent/tensor";
import { constant, type Operand, operandValue, type Traced, tensorOf } from "../core/traced.js";

// These ops are piecewise constant: their derivative is 0 wherever it exists. They return traced
// constants (no graph), so no gradient flows back through them: ∂/∂x = 0.

/** `sign(x)` ∈ {-1, 0, 1}; a constant (zero gradient). @example sign(x) */
export function sign(x: Operand): Traced {
  return constant(T.sign(tensorOf(x)));
}

/** `⌊x⌋`; a constant (zero gradient). @example floor(x) */
export function floor(x: Operand): Traced {
  return constant(T.floor(tensorOf(x)));
}

/** `x` rounded to the nearest integer; a constant (zero gradient). @example round(x) */
export function round(x: Operand): Traced {
  return constant(T.round(tensorOf(x)));
}

/** 1 where `x` is finite, 0 elsewhere; a constant (zero gradient). @example isFinite(x) */
// biome-ignore lint/suspicious/noShadowRestrictedNames: the op's name in the API (as in @descent/tensor); the global is not needed here
export function isFinite(x: Operand): Traced {
  return constant(T.isFinite(tensorOf(x)));
}

/** `[a = b]` as 0/1; a constant (zero gradient). @example equal(prediction, label) */
export function equal(a: Operand, b: Operand): Traced {
  return constant(T.equal(operandValue(a), operandValue(b)));
}

/** `[a ≠ b]` as 0/1; a constant (zero gradient). @example notEqual(a, b) */
export function notEqual(a: Operand, b: Operand): Traced {
  return constant(T.notEqual(operandValue(a), operandValue(b)));
}

/** `[a > b]` as 0/1; a constant (zero gradient). @example greater(x, 0) */
export function greater(a: Operand, b: Operand): Traced {
  return constant(T.greater(operandValue(a), operandValue(b)));
}

/** `[a ≥ b]` as 0/1; a constant (zero gradient). @example greaterEqual(x, 0) */
export function greaterEqual(a: Operand, b: Operand): Traced {
  return constant(T.greaterEqual(operandValue(a), operandValue(b)));
}

/** `[a < b]` as 0/1; a constant (zero gradient). @example less(x, 0) */
export function less(a: Operand, b: Operand): Traced {
  return constant(T.less(operandValue(a), operandValue(b)));
}

/** `[a ≤ b]` as 0/1; a constant (zero gradient). @example lessEqual(x, 0) */
export function lessEqual(a: Operand, b: Operand): Traced {
  return constant(T.lessEqual(operandValue(a), operandValue(b)));
}

/** Index of the largest element (along `axis`); a constant (zero gradient). @example argmax(logits, -1) */
export function argmax(x: Operand, axis?: number, keepDims = false): Traced {
  return constant(T.argmax(tensorOf(x), axis, keepDims));
}

/** Index of the smallest element (along `axis`); a constant (zero gradient). @example argmin(distances, -1) */
export function argmin(x: Operand, axis?: number, keepDims = false): Traced {
  return constant(T.argmin(tensorOf(x), axis, keepDims));
}
