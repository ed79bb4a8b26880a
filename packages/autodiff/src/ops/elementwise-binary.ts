import * as T from "@descent/tensor";
import { type Operand, operandValue, record, shapeOf, type Traced, tensorOf } from "../core/traced.js";
import { unbroadcast } from "../core/unbroadcast.js";
import { log, neg } from "./elementwise-unary.js";

// Binary ops broadcast like NumPy; each gradient is computed in the broadcast shape and summed back
// to its operand's shape by `unbroadcast`. A gradient is computed only for operands that need one.

/** `a + b`; `∂/∂a = 1`, `∂/∂b = 1`. @example add(x, 1) */
export function add(a: Operand, b: Operand): Traced {
  return record("add", T.add(operandValue(a), operandValue(b)), [a, b], (g, [a, b], _, needs) => [
    needs[0] ? unbroadcast(g, shapeOf(a!)) : null,
    needs[1] ? unbroadcast(g, shapeOf(b!)) : null,
  ]);
}

/** `a - b`; `∂/∂a = 1`, `∂/∂b = -1`. @example sub(prediction, target) */
export function sub(a: Operand, b: Operand): Traced {
  return record("sub", T.sub(operandValue(a), operandValue(b)), [a, b], (g, [a, b], _, needs) => [
    needs[0] ? unbroadcast(g, shapeOf(a!)) : null,
    needs[1] ? unbroadcast(neg(g), shapeOf(b!)) : null,
  ]);
}

/** `a · b` (element-wise); `∂/∂a = b`, `∂/∂b = a`. @example mul(x, weights) */
export function mul(a: Operand, b: Operand): Traced {
  return record("mul", T.mul(operandValue(a), operandValue(b)), [a, b], (g, [a, b], _, needs) => [
    needs[0] ? unbroadcast(mul(g, b!), shapeOf(a!)) : null,
    needs[1] ? unbroadcast(mul(g, a!), shapeOf(b!)) : null,
  ]);
}

/** `a / b`; `∂/∂a = 1/b`, `∂/∂b = -a/b² = -y/b`. @example div(x, 255) */
export function div(a: Operand, b: Operand): Traced {
  return record("div", T.div(operandValue(a), operandValue(b)), [a, b], (g, [a, b], y, needs) => [
    needs[0] ? unbroadcast(div(g, b!), shapeOf(a!)) : null,
    needs[1] ? unbroadcast(neg(div(mul(g, y), b!)), shapeOf(b!)) : null,
  ]);
}

/**
 * `aᵇ`; `∂/∂a = b·aᵇ⁻¹`, `∂/∂b = aᵇ·ln a` (taken as 0 where `a = 0`, the limit for `b > 0`).
 *
 * @example pow(x, 3)
 */
export function pow(a: Operand, b: Operand): Traced {
  return record("pow", T.pow(operandValue(a), operandValue(b)), [a, b], (g, [a, b], y, needs) => {
    let gradientA: Traced | null = null;
    let gradientB: Traced | null = null;
    if (needs[0]) {
      const exponentMinusOne = typeof b === "number" ? b - 1 : sub(b!, 1);
      gradientA = unbroadcast(mul(g, mul(b!, pow(a!, exponentMinusOne))), shapeOf(a!));
    }
    if (needs[1]) {
      const isZero = T.equal(tensorOf(a!), 0);
      gradientB = unbroadcast(mul(g, mul(y, where(isZero, 0, log(a!)))), shapeOf(b!));
    }
    return [gradientA, gradientB];
  });
}

/**
 * Element-wise larger of `a` and `b`; the gradient goes to the larger operand.
 *
 * `∂/∂a = [a > b] + ½[a = b]`, `∂/∂b = [b > a] + ½[a = b]`.
 *
 * @example maximum(x, 0)
 */
export function maximum(a: Operand, b: Operand): Traced {
  return record("maximum", T.maximum(operandValue(a), operandValue(b)), [a, b], (g, [a, b], _, needs) => {
    const valueA = operandValue(a!);
    const valueB = operandValue(b!);
    // NOTE: at a tie (a = b) the gradient is split half/half (as JAX and PyTorch): the average of the
    // two one-sided derivatives, symmetric in a and b. relu = maximum(x, 0) would thus pass ½ at 0.
    const shareA = T.add(T.greater(valueA, valueB), T.mul(T.equal(valueA, valueB), 0.5));
    return splitByShare(g, a!, b!, shareA, needs);
  });
}

/**
 * Element-wise smaller of `a` and `b`; the gradient goes to the smaller operand.
 *
 * `∂/∂a = [a < b] + ½[a = b]`, `∂/∂b = [b < a] + ½[a = b]`.
 *
 * @example minimum(x, 1)
 */
export function minimum(a: Operand, b: Operand): Traced {
  return record("minimum", T.minimum(operandValue(a), operandValue(b)), [a, b], (g, [a, b], _, needs) => {
    const valueA = operandValue(a!);
    const valueB = operandValue(b!);
    // NOTE: ties split the gradient half/half, as in maximum.
    const shareA = T.add(T.less(valueA, valueB), T.mul(T.equal(valueA, valueB), 0.5));
    return splitByShare(g, a!, b!, shareA, needs);
  });
}

function splitByShare(
  g: Traced | T.Tensor,
  a: Operand,
  b: Operand,
  shareA: T.Tensor,
  needs: readonly boolean[],
): (Traced | null)[] {
  return [
    needs[0] ? unbroadcast(mul(g, shareA), shapeOf(a)) : null,
    needs[1] ? unbroadcast(mul(g, T.sub(1, shareA)), shapeOf(b)) : null,
  ];
}

/**
 * Picks `a` where `condition` is non-zero, `b` elsewhere (all three broadcast). The condition is
 * not differentiable; the gradient goes to the picked operand.
 *
 * `∂/∂a = [condition ≠ 0]`, `∂/∂b = [condition = 0]`.
 *
 * @example where(greater(x, 0), x, mul(x, 0.01))
 */
export function where(condition: Operand, a: Operand, b: Operand): Traced {
  const forward = T.where(tensorOf(condition), operandValue(a), operandValue(b));
  return record("where", forward, [condition, a, b], (g, [condition, a, b], _, needs) => [
    null,
    needs[1] ? unbroadcast(where(condition!, g, 0), shapeOf(a!)) : null,
    needs[2] ? unbroadcast(where(condition!, 0, g), shapeOf(b!)) : null,
  ]);
}

/**
 * Limits `x` to `[min, max]`; the bounds are constants. The gradient passes where `min ≤ x ≤ max`
 * (bounds included, as PyTorch) and is 0 outside.
 *
 * `∂/∂x = [min ≤ x ≤ max]`
 *
 * @example clip(x, -1, 1)
 */
export function clip(x: Operand, min: number, max: number): Traced {
  return record("clip", T.clip(tensorOf(x), min, max), [x], (g, [x]) => {
    const value = tensorOf(x!);
    return [mul(g, T.mul(T.greaterEqual(value, min), T.lessEqual(value, max)))];
  });
}
