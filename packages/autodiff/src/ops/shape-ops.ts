import type { Shape } from "@descent/spec";
import * as T from "@descent/tensor";
import { assertOperand, type Operand, record, shapeOf, type Traced, tensorOf } from "../core/traced.js";
import { unbroadcast } from "../core/unbroadcast.js";

// Shape ops move elements without changing them: each VJP moves the cotangent back.

/** Same elements in a new shape (one `-1` allowed); the gradient is reshaped back. @example reshape(x, [-1, 784]) */
export function reshape(x: Operand, shape: Shape): Traced {
  return record("reshape", T.reshape(tensorOf(x), shape), [x], (g, [x]) => [reshape(g, shapeOf(x!))]);
}

/**
 * Permutes the axes (reverses them when `axes` is absent); the gradient is permuted back by the
 * inverse permutation.
 *
 * @example transpose(weights)
 */
export function transpose(x: Operand, axes?: readonly number[]): Traced {
  assertOperand("transpose", x, "x");
  const input = tensorOf(x);
  const rank = input.shape.length;
  const forward = T.transpose(input, axes);
  const permutation = axes ? axes.map((axis) => (axis < 0 ? axis + rank : axis)) : undefined;
  return record("transpose", forward, [x], (g) => {
    if (permutation === undefined) return [transpose(g)];
    const inverse = new Array<number>(rank);
    for (let i = 0; i < rank; i++) inverse[permutation[i]!] = i;
    return [transpose(g, inverse)];
  });
}

/** {@link transpose} with explicit axes. @example permute(images, [0, 2, 3, 1]) */
export function permute(x: Operand, axes: readonly number[]): Traced {
  return transpose(x, axes);
}

/** Broadcasts to `shape`; the gradient is summed back over the broadcast axes. @example broadcastTo(bias, [32, 10]) */
export function broadcastTo(x: Operand, shape: Shape): Traced {
  return record("broadcastTo", T.broadcastTo(tensorOf(x), shape), [x], (g, [x]) => [
    unbroadcast(g, shapeOf(x!)),
  ]);
}

/** Inserts a size-1 axis at `axis`; the gradient is reshaped back. @example expandDims(x, 0) */
export function expandDims(x: Operand, axis: number): Traced {
  return record("expandDims", T.expandDims(tensorOf(x), axis), [x], (g, [x]) => [reshape(g, shapeOf(x!))]);
}

/** Removes size-1 axes (all, or those listed); the gradient is reshaped back. @example squeeze(x, [1]) */
export function squeeze(x: Operand, axes?: number | readonly number[]): Traced {
  return record("squeeze", T.squeeze(tensorOf(x), axes), [x], (g, [x]) => [reshape(g, shapeOf(x!))]);
}

/** Merges the axes from `startAxis` on into one (`[batch, rest]` by default); the gradient is reshaped back. @example flatten(images) */
export function flatten(x: Operand, startAxis = 1): Traced {
  return record("flatten", T.flatten(tensorOf(x), startAxis), [x], (g, [x]) => [reshape(g, shapeOf(x!))]);
}
