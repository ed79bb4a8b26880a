import type { Tensor as TensorLike } from "@descent/spec";
import { formatShape, ShapeError, ValueError } from "../core/errors.js";
import { normalizeAxis, sizeOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { assertTensorLike, describe } from "../creation/validate.js";

/*
 * The ops of this file only relabel the shape: the result shares `t.data` (tensors are immutable),
 * so they cost O(rank), not O(size).
 */

/**
 * The same elements, in the same row-major order, under a new shape whose sizes multiply to the
 * same count. One size may be `-1`: it is inferred as `size(t) / ∏(other sizes)`.
 *
 * Shares the data of `t` (no copy).
 *
 * @example
 * ```ts
 * reshape(arange(6), [2, 3]).toNested();  // [[0, 1, 2], [3, 4, 5]]
 * reshape(arange(6), [-1, 2]).shape;      // [3, 2]
 * ```
 * @throws {@link ShapeError} when the sizes do not multiply to `size(t)`; {@link ValueError} for
 *   more than one `-1` or a size that is not an integer ≥ −1.
 */
export function reshape(t: TensorLike, shape: readonly number[]): Tensor {
  const op = "reshape";
  assertTensorLike(op, t);
  if (!Array.isArray(shape)) {
    throw new ValueError(op, `shape is ${describe(shape)}: pass an array of sizes such as [2, -1]`);
  }
  const size = t.data.length;
  let inferredAxis = -1;
  let known = 1;
  for (let axis = 0; axis < shape.length; axis++) {
    const dimension = shape[axis];
    if (typeof dimension !== "number" || !Number.isSafeInteger(dimension) || dimension < -1) {
      throw new ValueError(
        op,
        `shape ${formatShape(shape)} has size ${describe(dimension)} at axis ${axis}: use non-negative integers and at most one -1`,
      );
    }
    if (dimension === -1) {
      if (inferredAxis !== -1) {
        throw new ValueError(
          op,
          `shape ${formatShape(shape)} has more than one -1: at most one size can be inferred`,
        );
      }
      inferredAxis = axis;
    } else {
      known *= dimension;
    }
  }
  const resolved = [...shape];
  if (inferredAxis !== -1) {
    if (known === 0 || size % known !== 0) {
      const reason =
        known === 0
          ? "the other sizes multiply to 0, so -1 is ambiguous"
          : `${size} is not divisible by ${known}`;
      throw new ShapeError(
        op,
        `cannot reshape ${formatShape(t.shape)} (${size} elements) into ${formatShape(shape)}: ${reason}`,
      );
    }
    resolved[inferredAxis] = size / known;
  } else if (known !== size) {
    throw new ShapeError(
      op,
      `cannot reshape ${formatShape(t.shape)} (${size} elements) into ${formatShape(shape)} (${known} elements): the new sizes must multiply to ${size}`,
    );
  }
  return new Tensor(t.data, resolved);
}

/**
 * Merges the axes from `startAxis` on into one: shape `[d₀, …, d_{s−1}, ∏_{a≥s} dₐ]`. The default
 * `startAxis = 1` keeps the batch axis: `[batch, …] → [batch, rest]`; `startAxis = 0` gives a 1-D tensor.
 *
 * Shares the data of `t` (no copy).
 *
 * @example
 * ```ts
 * flatten(zeros([32, 28, 28])).shape;     // [32, 784]
 * flatten(zeros([2, 3, 4]), 0).shape;     // [24]
 * ```
 * @throws {@link ValueError} when `startAxis` is outside `[-rank, rank]`.
 */
export function flatten(t: TensorLike, startAxis = 1): Tensor {
  const op = "flatten";
  assertTensorLike(op, t);
  const rank = t.shape.length;
  if (!Number.isInteger(startAxis) || startAxis < -rank || startAxis > rank) {
    throw new ValueError(
      op,
      `startAxis ${describe(startAxis)} is out of range for shape ${formatShape(t.shape)} (rank ${rank}): use an integer in [${-rank}, ${rank}]`,
    );
  }
  const start = startAxis < 0 ? startAxis + rank : startAxis;
  return new Tensor(t.data, [...t.shape.slice(0, start), sizeOf(t.shape.slice(start))]);
}

/**
 * Inserts an axis of size 1 at position `axis` (negative counts from the end of the result:
 * `-1` appends). Rank grows by one.
 *
 * Shares the data of `t` (no copy).
 *
 * @example
 * ```ts
 * expandDims(zeros([3]), 0).shape;    // [1, 3]
 * expandDims(zeros([3]), -1).shape;   // [3, 1]
 * ```
 * @throws {@link ValueError} when `axis` is outside `[-(rank+1), rank]`.
 */
export function expandDims(t: TensorLike, axis: number): Tensor {
  const op = "expandDims";
  assertTensorLike(op, t);
  const position = normalizeNewAxis(op, axis, t.shape);
  const shape = [...t.shape];
  shape.splice(position, 0, 1);
  return new Tensor(t.data, shape);
}

/**
 * Removes axes of size 1: all of them by default, or only `axes` (each must have size 1).
 *
 * Shares the data of `t` (no copy).
 *
 * @example
 * ```ts
 * squeeze(zeros([1, 3, 1])).shape;     // [3]
 * squeeze(zeros([1, 3, 1]), 0).shape;  // [3, 1]
 * ```
 * @throws {@link ShapeError} when a listed axis has a size other than 1; {@link ValueError} for an
 *   axis outside `[-rank, rank)`.
 */
export function squeeze(t: TensorLike, axes?: number | readonly number[]): Tensor {
  const op = "squeeze";
  assertTensorLike(op, t);
  const rank = t.shape.length;
  const remove = new Array<boolean>(rank).fill(false);
  if (axes === undefined) {
    for (let axis = 0; axis < rank; axis++) remove[axis] = t.shape[axis] === 1;
  } else {
    if (typeof axes !== "number" && !Array.isArray(axes)) {
      throw new ValueError(op, `axes is ${describe(axes)}: pass an axis, a list of axes, or nothing`);
    }
    for (const axis of typeof axes === "number" ? [axes] : axes) {
      const resolved = normalizeAxis(op, axis, rank);
      if (t.shape[resolved] !== 1) {
        throw new ShapeError(
          op,
          `axis ${axis} of shape ${formatShape(t.shape)} has size ${t.shape[resolved]}, not 1: only size-1 axes can be squeezed`,
        );
      }
      remove[resolved] = true;
    }
  }
  return new Tensor(
    t.data,
    t.shape.filter((_, axis) => !remove[axis]),
  );
}

/** Internal: resolves the position of a new axis (`expandDims`, `stack`): an integer in `[-(rank+1), rank]`. */
export function normalizeNewAxis(op: string, axis: number, shape: readonly number[]): number {
  const rank = shape.length;
  if (typeof axis !== "number" || !Number.isInteger(axis) || axis < -rank - 1 || axis > rank) {
    throw new ValueError(
      op,
      `axis ${describe(axis)} is out of range for a new axis of shape ${formatShape(shape)} (rank ${rank}): use an integer in [${-rank - 1}, ${rank}]`,
    );
  }
  return axis < 0 ? axis + rank + 1 : axis;
}
