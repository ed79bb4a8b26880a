import * as T from "@descent/tensor";
import { type Operand, record, type Traced, tensorOf } from "../core/traced.js";
import { add, div, mul, pow, sub } from "./elementwise-binary.js";

// Each op: the forward on the tensor, then its vector-Jacobian product `g ↦ g · f'(x)`, written with
// the ops of this package so that it can be differentiated again. `y` is the op's output.

/** `-x`; `∂/∂x = -1`. @example neg(x) */
export function neg(x: Operand): Traced {
  return record("neg", T.neg(tensorOf(x)), [x], (g) => [neg(g)]);
}

/**
 * `|x|`; `∂/∂x = sign(x)`.
 *
 * @example abs(x)
 */
export function abs(x: Operand): Traced {
  // NOTE: abs'(0) = 0 (the minimum-norm subgradient, as PyTorch and JAX): sign(0) is 0.
  return record("abs", T.abs(tensorOf(x)), [x], (g, [x]) => [mul(g, T.sign(tensorOf(x!)))]);
}

/** `eˣ`; `∂/∂x = eˣ = y`. @example exp(x) */
export function exp(x: Operand): Traced {
  return record("exp", T.exp(tensorOf(x)), [x], (g, _, y) => [mul(g, y)]);
}

/** `ln x`; `∂/∂x = 1/x`. @example log(x) */
export function log(x: Operand): Traced {
  return record("log", T.log(tensorOf(x)), [x], (g, [x]) => [div(g, x!)]);
}

/** `ln(1 + x)`; `∂/∂x = 1/(1 + x)`. @example log1p(x) */
export function log1p(x: Operand): Traced {
  return record("log1p", T.log1p(tensorOf(x)), [x], (g, [x]) => [div(g, add(x!, 1))]);
}

/** `eˣ - 1`; `∂/∂x = eˣ = y + 1`. @example expm1(x) */
export function expm1(x: Operand): Traced {
  return record("expm1", T.expm1(tensorOf(x)), [x], (g, _, y) => [mul(g, add(y, 1))]);
}

/** `√x`; `∂/∂x = 1/(2√x) = 1/(2y)` (infinite at 0). @example sqrt(x) */
export function sqrt(x: Operand): Traced {
  return record("sqrt", T.sqrt(tensorOf(x)), [x], (g, _, y) => [div(g, mul(y, 2))]);
}

/** `1/√x`; `∂/∂x = -½ x^(-3/2) = -½ y³`. @example rsqrt(x) */
export function rsqrt(x: Operand): Traced {
  return record("rsqrt", T.rsqrt(tensorOf(x)), [x], (g, _, y) => [mul(g, mul(pow(y, 3), -0.5))]);
}

/** `x²`; `∂/∂x = 2x`. @example square(x) */
export function square(x: Operand): Traced {
  return record("square", T.square(tensorOf(x)), [x], (g, [x]) => [mul(g, mul(x!, 2))]);
}

/** `1/x`; `∂/∂x = -1/x² = -y²`. @example reciprocal(x) */
export function reciprocal(x: Operand): Traced {
  return record("reciprocal", T.reciprocal(tensorOf(x)), [x], (g, _, y) => [neg(mul(g, square(y)))]);
}

/** `sin x`; `∂/∂x = cos x`. @example sin(x) */
export function sin(x: Operand): Traced {
  return record("sin", T.sin(tensorOf(x)), [x], (g, [x]) => [mul(g, cos(x!))]);
}

/** `cos x`; `∂/∂x = -sin x`. @example cos(x) */
export function cos(x: Operand): Traced {
  return record("cos", T.cos(tensorOf(x)), [x], (g, [x]) => [neg(mul(g, sin(x!)))]);
}

/** `tanh x`; `∂/∂x = 1 - tanh² x = 1 - y²`. @example tanh(x) */
export function tanh(x: Operand): Traced {
  return record("tanh", T.tanh(tensorOf(x)), [x], (g, _, y) => [mul(g, sub(1, square(y)))]);
}

/** `σ(x) = 1/(1 + e⁻ˣ)`; `∂/∂x = σ(x)(1 - σ(x)) = y(1 - y)`. @example sigmoid(x) */
export function sigmoid(x: Operand): Traced {
  return record("sigmoid", T.sigmoid(tensorOf(x)), [x], (g, _, y) => [mul(g, mul(y, sub(1, y)))]);
}

/**
 * `max(x, 0)`; `∂/∂x = 1 if x > 0 else 0`.
 *
 * @example relu(x)
 */
export function relu(x: Operand): Traced {
  // NOTE: relu'(0) = 0 (PyTorch, TF.js, JAX): the mask is a strict `x > 0`. Writing relu as
  // maximum(x, 0) instead would pass half the gradient at 0 (maximum splits ties).
  return record("relu", T.relu(tensorOf(x)), [x], (g, [x]) => [mul(g, T.greater(tensorOf(x!), 0))]);
}

/** `erf x`; `∂/∂x = (2/√π) e^(-x²)`. @example erf(x) */
export function erf(x: Operand): Traced {
  return record("erf", T.erf(tensorOf(x)), [x], (g, [x]) => [
    mul(g, mul(exp(neg(square(x!))), 2 / Math.sqrt(Math.PI))),
  ]);
}

/** `softplus(x) = ln(1 + eˣ)`; `∂/∂x = σ(x)`. @example softplus(x) */
export function softplus(x: Operand): Traced {
  return record("softplus", T.softplus(tensorOf(x)), [x], (g, [x]) => [mul(g, sigmoid(x!))]);
}
