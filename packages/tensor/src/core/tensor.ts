import type { DType, Shape, Tensor as TensorInterface } from "@descent/spec";
import { formatTensor } from "../format/format.js";
import { describeValue } from "./describe.js";
import { dtypeOf } from "./dtype.js";
import { formatShape, ValueError } from "./errors.js";
import { assertValidShape, sizeOf } from "./shape.js";

/** Nested arrays of numbers, as returned by {@link Tensor.toNested}. */
export type NestedArray = number | NestedArray[];

/**
 * A dense, row-major, immutable tensor of float32 or float64 numbers.
 *
 * Element `[i0, …, ik]` sits at `data[Σ iₐ·strideₐ]` with row-major strides. The public API never
 * mutates `data`; ops return new tensors. Functions in descent accept any object with `shape`,
 * `dtype` and `data` (the `Tensor` interface of `@descent/spec`), not only this class.
 *
 * @example
 * ```ts
 * const t = new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 * t.toNested(); // [[1, 2, 3], [4, 5, 6]]
 * ```
 */
export class Tensor implements TensorInterface {
  /** Sizes of the axes, outermost first (`[]` for a scalar); their product is `data.length`. */
  readonly shape: Shape;
  /** Element type, read from `data` (`Float32Array` ⇒ `"float32"`). */
  readonly dtype: DType;
  /**
   * The elements in row-major order, shared (not copied) with whoever built the tensor; never written by
   * descent.
   */
  readonly data: Float32Array | Float64Array;

  /**
   * Wraps `data` (not copied) with `shape`.
   *
   * @throws {@link ValueError} when `data.length` is not the product of `shape`.
   */
  constructor(data: Float32Array | Float64Array, shape: Shape) {
    if (!(data instanceof Float32Array || data instanceof Float64Array)) {
      throw new ValueError(
        "Tensor",
        `data is ${describeValue(data)}: pass a Float32Array or Float64Array (or build the tensor with tensor(values, shape))`,
      );
    }
    assertValidShape("Tensor", shape);
    if (data.length !== sizeOf(shape)) {
      throw new ValueError(
        "Tensor",
        `shape ${formatShape(shape)} needs ${sizeOf(shape)} elements but the data has ${data.length}: pass a shape whose sizes multiply to ${data.length}`,
      );
    }
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOf(data);
    this.data = data;
  }

  /** Number of elements: `∏ shape`. */
  get size(): number {
    return this.data.length;
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /**
   * The single value of a one-element tensor.
   *
   * @throws {@link ValueError} when the tensor has more than one element.
   */
  item(): number {
    if (this.data.length !== 1) {
      throw new ValueError(
        "item",
        `tensor of shape ${formatShape(this.shape)} has ${this.data.length} elements: item() needs exactly one (use toArray())`,
      );
    }
    return this.data[0]!;
  }

  /** The elements as a flat JavaScript array, in row-major order. */
  toArray(): number[] {
    return Array.from(this.data);
  }

  /** The elements as nested arrays following the shape (a number for a scalar). */
  toNested(): NestedArray {
    return toNested(this.data, this.shape, 0, 0);
  }

  /** NumPy-like text, e.g. `tensor([[1, 2], [3, 4]], shape=[2,2], dtype=float32)`. */
  toString(): string {
    return formatTensor(this);
  }
}

function toNested(
  data: Float32Array | Float64Array,
  shape: Shape,
  axis: number,
  offset: number,
): NestedArray {
  if (axis === shape.length) return data[offset]!;
  const size = shape[axis]!;
  let stride = 1;
  for (let i = axis + 1; i < shape.length; i++) stride *= shape[i]!;
  const result: NestedArray[] = new Array(size);
  for (let i = 0; i < size; i++) result[i] = toNested(data, shape, axis + 1, offset + i * stride);
  return result;
}
