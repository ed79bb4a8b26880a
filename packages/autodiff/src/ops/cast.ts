import type { FloatDType } from "@descent/spec";
import * as T from "@descent/tensor";
import { assertOperand, type Operand, record, type Traced, tensorOf } from "../core/traced.js";

/**
 * Converts to another dtype; the gradient is converted back to the input's dtype.
 *
 * `∂L/∂x = cast(g, dtype(x))`
 *
 * @example
 * ```ts
 * cast(x, "float64");
 * ```
 */
export function cast(x: Operand, dtype: FloatDType): Traced {
  assertOperand("cast", x, "x");
  const input = tensorOf(x);
  const from = input.dtype;
  return record("cast", T.cast(input, dtype), [x], (g) => [cast(g, from)]);
}
