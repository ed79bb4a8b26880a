import type { Shape, Tensor as TensorLike } from "@descent/spec";
import * as T from "@descent/tensor";
import { formatShape, ShapeError, shapesEqual, type Tensor, ValueError } from "@descent/tensor";
import { sum } from "../ops/reductions.js";
import { reshape } from "../ops/shape-ops.js";
import { assertOperand, asTensor, isTraced, type Traced } from "./traced.js";

/**
 * Sums a gradient computed in a broadcast shape back to the shape of the input that was broadcast:
 * over the leading axes the input did not have, and over the axes where the input had size 1.
 * A traced gradient stays traced (so grad-of-grad works), a plain tensor stays plain.
 *
 * `unbroadcast(g, s)[j] = Σ g[i]` over every `i` that broadcasting mapped to `j`.
 *
 * @example
 * ```ts
 * unbroadcast(ones([4, 3]), [3]).toArray(); // [4, 4, 4]
 * ```
 * @throws `ShapeError` (from `@descent/tensor`) when `shape` does not broadcast to the gradient's shape.
 */
export function unbroadcast(gradient: Traced, shape: Shape): Traced;
export function unbroadcast(gradient: TensorLike, shape: Shape): Tensor;
export function unbroadcast(gradient: Traced | TensorLike, shape: Shape): Traced | Tensor;
export function unbroadcast(gradient: Traced | TensorLike, shape: Shape): Traced | Tensor {
  if (typeof gradient === "number")
    throw new ValueError("unbroadcast", "gradient is a number: pass a tensor or a traced value");
  assertOperand("unbroadcast", gradient, "gradient");
  T.assertValidShape("unbroadcast", shape);
  const from = gradient.shape;
  if (shapesEqual(from, shape)) return isTraced(gradient) ? gradient : asTensor(gradient);
  const extra = from.length - shape.length;
  if (extra < 0) {
    throw new ShapeError(
      "unbroadcast",
      `gradient of shape ${formatShape(from)} has fewer axes than the input shape ${formatShape(shape)}`,
    );
  }
  const axes: number[] = [];
  for (let axis = 0; axis < from.length; axis++) {
    const size = axis < extra ? 1 : shape[axis - extra]!;
    if (axis < extra || (size === 1 && from[axis] !== 1)) axes.push(axis);
    else if (size !== from[axis]) {
      throw new ShapeError(
        "unbroadcast",
        `input shape ${formatShape(shape)} does not broadcast to the gradient's shape ${formatShape(from)}`,
      );
    }
  }
  // keepDims = false drops the leading axes; size-1 axes come back through the reshape.
  if (isTraced(gradient)) return reshape(sum(gradient, axes), shape);
  return T.reshape(T.sum(gradient, axes), shape);
}
