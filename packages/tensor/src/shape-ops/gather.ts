import type { DType, FloatDType, Tensor as TensorLike } from "@descent/spec";
import { allocate, DEFAULT_DTYPE } from "../core/dtype.js";
import { ShapeError, ValueError } from "../core/errors.js";
import { normalizeAxis, sizeOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { assertAnyTensorLike } from "../core/tensor-like.js";
import { assertCount, assertTensorLike, describe, resolveDType } from "../creation/validate.js";
import { copyRun } from "./slice.js";

/**
 * Indices for {@link gather} and {@link oneHot}: a tensor of integer values (an `int32` tensor of labels, or
 * a float one), or a flat list (an array, an `Int32Array`, …).
 */
export type Indices = TensorLike<DType> | ArrayLike<number>;

/**
 * Picks slices of `t` along `axis` by index:
 * `result[a…, i…, b…] = t[a…, indices[i…], b…]`, so
 * `result.shape = [...t.shape[:axis], ...indices.shape, ...t.shape[axis+1:]]`.
 * Every index is checked before anything is copied.
 *
 * @example
 * ```ts
 * const table = tensor([[1, 2], [3, 4], [5, 6]]);
 * gather(table, [2, 0]).toNested();         // [[5, 6], [1, 2]]
 * gather(table, [1], 1).toNested();         // [[2], [4], [6]]
 * gather(table, tensor([[0, 1]])).shape;    // [1, 2, 2]
 * ```
 * @throws {@link ValueError} naming the first index that is not an integer in `[0, size)` along
 *   `axis`, and that size; {@link ShapeError} for a scalar `t`.
 */
export function gather(t: TensorLike, indices: Indices, axis = 0): Tensor {
  const op = "gather";
  assertTensorLike(op, t);
  if (t.shape.length === 0) {
    throw new ShapeError(
      op,
      "the input is a scalar (shape []): gather needs a tensor with at least one axis",
    );
  }
  const resolved = normalizeAxis(op, axis, t.shape.length);
  const dimension = t.shape[resolved]!;
  const { values, shape: indicesShape } = readIndices(op, indices);
  for (let position = 0; position < values.length; position++) {
    assertIndex(op, values[position], position, dimension, `axis ${resolved} of size ${dimension}`);
  }
  const outer = sizeOf(t.shape.slice(0, resolved));
  const inner = sizeOf(t.shape.slice(resolved + 1));
  const shape = [...t.shape.slice(0, resolved), ...indicesShape, ...t.shape.slice(resolved + 1)];
  const output = allocate(t.dtype, sizeOf(shape), op);
  const input = t.data;
  const count = values.length;
  let target = 0;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * dimension;
      for (let position = 0; position < count; position++)
        output[target++] = input[base + values[position]!]!;
    }
  } else if (inner > 0) {
    for (let o = 0; o < outer; o++) {
      const base = o * dimension;
      for (let position = 0; position < count; position++, target += inner) {
        copyRun(input, (base + values[position]!) * inner, output, target, inner);
      }
    }
  }
  return new Tensor(output, shape);
}

/**
 * One-hot encoding: `result[i…, k] = 1` if `indices[i…] = k`, else 0; shape `[...indices.shape, depth]`.
 *
 * @example
 * ```ts
 * oneHot([0, 2], 3).toNested(); // [[1, 0, 0], [0, 0, 1]]
 * ```
 * @throws {@link ValueError} naming the first index that is not an integer in `[0, depth)`, or a
 *   depth that is not a non-negative integer; {@link DTypeError} for an unknown dtype.
 */
export function oneHot(indices: Indices, depth: number, dtype?: FloatDType): Tensor {
  const op = "oneHot";
  assertCount(op, depth, "depth");
  const resolvedDType = resolveDType(op, dtype, DEFAULT_DTYPE);
  const { values, shape: indicesShape } = readIndices(op, indices);
  for (let position = 0; position < values.length; position++) {
    assertIndex(op, values[position], position, depth, `depth ${depth}`);
  }
  const output = allocate(resolvedDType, values.length * depth, op);
  for (let position = 0; position < values.length; position++)
    output[position * depth + values[position]!] = 1;
  return new Tensor(output, [...indicesShape, depth]);
}

function readIndices(op: string, indices: Indices): { values: ArrayLike<number>; shape: number[] } {
  if (typeof indices !== "object" || indices === null) {
    throw new ValueError(
      op,
      `indices is ${describe(indices)}: pass an array of integers or a tensor of them`,
    );
  }
  if ("data" in indices && "shape" in indices) {
    assertAnyTensorLike(op, indices, "indices");
    return { values: indices.data, shape: [...indices.shape] };
  }
  if (typeof indices.length !== "number" || !Number.isInteger(indices.length)) {
    throw new ValueError(
      op,
      `indices is ${describe(indices)}: pass an array of integers or a tensor of them`,
    );
  }
  return { values: indices, shape: [indices.length] };
}

function assertIndex(op: string, index: unknown, position: number, size: number, what: string): void {
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= size) {
    const problem =
      typeof index === "number" && Number.isInteger(index)
        ? "is out of range for"
        : "is not a valid index for";
    const range = size === 0 ? "there is no valid index (the size is 0)" : `use integers in [0, ${size - 1}]`;
    throw new ValueError(
      op,
      `index ${describe(index)} (at position ${position} of the indices) ${problem} ${what}: ${range}`,
    );
  }
}
