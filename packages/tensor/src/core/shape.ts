import type { Shape } from "@descent/spec";
import { argumentName, describeValue } from "./describe.js";
import { formatShape, ShapeError, ValueError } from "./errors.js";

/**
 * Number of elements of a shape: the product of its sizes (1 for a scalar).
 *
 * @example sizeOf([2, 3]) // 6
 */
export function sizeOf(shape: Shape): number {
  if (!Array.isArray(shape)) throw notAShape("sizeOf", shape);
  let size = 1;
  for (const dimension of shape) size *= dimension;
  return size;
}

/**
 * Row-major strides of a shape: `strides[i] = ∏_{j>i} shape[j]`.
 *
 * @example stridesOf([2, 3, 4]) // [12, 4, 1]
 */
export function stridesOf(shape: Shape): number[] {
  if (!Array.isArray(shape)) throw notAShape("stridesOf", shape);
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis]!;
  }
  return strides;
}

/**
 * The most elements one tensor may have: 2³¹ − 1 (8 GiB of float32, 16 GiB of float64). Creating a larger one
 * throws a {@link ValueError} that states this limit, instead of the runtime's "Invalid typed array length";
 * it also keeps every element index a 32-bit integer, as the WebAssembly kernels need.
 *
 * @example
 * ```ts
 * zeros([65536, 65536]); // ValueError: zeros: shape [65536,65536] has 4294967296 elements, more than the limit of 2147483647 …
 * ```
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

/**
 * Throws a {@link ValueError} unless every size is a non-negative safe integer and the sizes multiply to at
 * most {@link MAX_TENSOR_ELEMENTS}.
 *
 * @example
 * ```ts
 * assertValidShape("zeros", [2, -1]); // ValueError: zeros: shape [2,-1] has size -1: …
 * ```
 */
export function assertValidShape(op: string, shape: Shape, name = "shape"): void {
  if (!Array.isArray(shape)) throw notAShape(op, shape, argumentName(name, "shape"));
  let size = 1;
  for (const dimension of shape) {
    if (!Number.isSafeInteger(dimension) || dimension < 0) {
      throw new ValueError(
        op,
        `${argumentName(name, "shape")} ${formatShape(shape)} has size ${describeValue(dimension)}: every size must be a non-negative integer`,
      );
    }
    size *= dimension;
  }
  if (size > MAX_TENSOR_ELEMENTS)
    throw tooManyElements(op, `${argumentName(name, "shape")} ${formatShape(shape)}`, size);
}

/** The error for a tensor of `size` elements, more than {@link MAX_TENSOR_ELEMENTS}. */
export function tooManyElements(op: string, what: string, size: number): ValueError {
  return new ValueError(
    op,
    `${what} has ${size} elements, more than the limit of ${MAX_TENSOR_ELEMENTS} (MAX_TENSOR_ELEMENTS): use smaller tensors, or split the work into parts`,
  );
}

/**
 * Resolves a possibly negative axis (`-1` = last) against a rank.
 *
 * @throws {@link ValueError} when the axis is outside `[-rank, rank)`.
 */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isSafeInteger(rank) || rank < 0) {
    throw new ValueError(op, `rank is ${describeValue(rank)}: use a non-negative integer`);
  }
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ValueError(
      op,
      `axis ${describeValue(axis)} is out of range for a tensor of rank ${rank}: use an integer in [${-rank}, ${rank - 1}]`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * The NumPy broadcast of two shapes: aligned from the right, sizes must be equal or 1.
 *
 * @example broadcastShapes("add", [4, 1], [3]) // [4, 3]
 * @throws {@link ShapeError} naming both shapes and the axis that disagrees.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  if (!Array.isArray(a)) throw notAShape(op, a, "the first shape");
  if (!Array.isArray(b)) throw notAShape(op, b, "the second shape");
  const rank = Math.max(a.length, b.length);
  const result = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const sizeA = a[a.length - rank + i] ?? 1;
    const sizeB = b[b.length - rank + i] ?? 1;
    if (sizeA !== sizeB && sizeA !== 1 && sizeB !== 1) {
      throw new ShapeError(
        op,
        `${formatShape(a)} and ${formatShape(b)} do not broadcast: axis ${i - rank} has sizes ${sizeA} ≠ ${sizeB} (sizes must be equal or 1)`,
      );
    }
    result[i] = sizeA === 1 ? sizeB : sizeA;
  }
  return result;
}

/** True when two shapes are equal size by size. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) throw notAShape("shapesEqual", Array.isArray(a) ? b : a);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function notAShape(op: string, value: unknown, name = "shape"): ValueError {
  return new ValueError(op, `${name} is ${describeValue(value)}: pass an array of sizes such as [2, 3]`);
}
