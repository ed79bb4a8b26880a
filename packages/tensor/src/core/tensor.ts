import type { DataArray, DType, FloatDType, Shape, Tensor as TensorInterface } from "@descent/spec";
import { formatTensor } from "../format/format.js";
import { describeValue } from "./describe.js";
import { dtypeOf } from "./dtype.js";
import { formatShape, ValueError } from "./errors.js";
import { assertValidShape, sizeOf } from "./shape.js";

/** Nested arrays of numbers, as returned by {@link Tensor.toNested}. */
export type NestedArray = number | NestedArray[];

/**
 * A dense, row-major, immutable tensor of float32 or float64 numbers, or of int32 class labels.
 *
 * Element `[i0, …, ik]` sits at `data[Σ iₐ·strideₐ]` with row-major strides. The public API never
 * mutates `data`; ops return new tensors. Functions in descent accept any object with `shape`,
 * `dtype` and `data` (the `Tensor` interface of `@descent/spec`), not only this class.
 *
 * `D` is the dtype. Plain `Tensor` is a float tensor, what every math op takes and returns;
 * `Tensor<"int32">` holds integer class labels, which the classification losses and metrics read and
 * math ops refuse with a `DTypeError` naming the fix (`cast(labels, "float32")`).
 *
 * @example
 * ```ts
 * const t = new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 * t.toNested(); // [[1, 2, 3], [4, 5, 6]]
 * new Tensor(new Int32Array([0, 2, 1]), [3]).dtype; // "int32"
 * ```
 */
export interface Tensor<D extends DType = FloatDType> extends TensorInterface<D> {
  /** Sizes of the axes, outermost first (`[]` for a scalar); their product is `data.length`. */
  readonly shape: Shape;
  /** Element type, read from `data` (`Float32Array` ⇒ `"float32"`, `Int32Array` ⇒ `"int32"`). */
  readonly dtype: D;
  /**
   * The elements in row-major order, shared (not copied) with whoever built the tensor; never written by
   * descent.
   */
  readonly data: DataArray<D>;
  /** Number of elements: `∏ shape`. */
  readonly size: number;
  /** Number of axes. */
  readonly rank: number;
  /**
   * The single value of a one-element tensor.
   *
   * @throws {@link ValueError} when the tensor has more than one element.
   */
  item(): number;
  /** The elements as a flat JavaScript array, in row-major order. */
  toArray(): number[];
  /** The elements as nested arrays following the shape (a number for a scalar). */
  toNested(): NestedArray;
  /** NumPy-like text, e.g. `tensor([[1, 2], [3, 4]], shape=[2,2], dtype=float32)`. */
  toString(): string;
}

/**
 * The constructor of {@link Tensor}: wraps a typed array (not copied) with a shape. The result's type
 * follows the array: an `Int32Array` gives a `Tensor<"int32">`, a float array a `Tensor`.
 *
 * @example
 * ```ts
 * new Tensor(new Float64Array([1, 2]), [2]).dtype; // "float64"
 * ```
 */
export interface TensorConstructor {
  // Float first: an untyped (`any`) argument resolves to the first signature, and it was always a float tensor.
  /**
   * A float tensor over `data`.
   *
   * @throws {@link ValueError} when `data.length` is not the product of `shape`.
   */
  new (data: Float32Array | Float64Array, shape: Shape): Tensor;
  /**
   * An int32 tensor of class labels over `data`.
   *
   * @throws {@link ValueError} when `data.length` is not the product of `shape`.
   */
  new (data: Int32Array, shape: Shape): Tensor<"int32">;
  /**
   * A tensor of whichever dtype `data` has.
   *
   * @throws {@link ValueError} when `data` is not a Float32Array, Float64Array or Int32Array, or
   *   `data.length` is not the product of `shape`.
   */
  new (data: Float32Array | Float64Array | Int32Array, shape: Shape): Tensor<DType>;
  /** Shared by every tensor: `value instanceof Tensor` holds for the tensors this package makes. */
  readonly prototype: Tensor<DType>;
}

// NOTE: an interface pair over a class expression (the shape of lib.d.ts's Float32Array), because a
// class's constructor cannot choose its own type arguments: `new Tensor(new Int32Array(3), [3])` must be
// typed `Tensor<"int32">` and `new Tensor(new Float32Array(3), [3])` a float `Tensor`.
/** Makes a {@link Tensor} over a typed array (see {@link TensorConstructor}). */
export const Tensor = class Tensor<D extends DType = FloatDType> implements TensorInterface<D> {
  readonly shape: Shape;
  readonly dtype: D;
  readonly data: DataArray<D>;

  constructor(data: DataArray<D>, shape: Shape) {
    if (!(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array)) {
      throw new ValueError(
        "Tensor",
        `data is ${describeValue(data)}: pass a Float32Array or Float64Array (or an Int32Array of class labels), or build the tensor with tensor(values, shape)`,
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
    this.dtype = dtypeOf(data) as D;
    this.data = data;
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  item(): number {
    if (this.data.length !== 1) {
      throw new ValueError(
        "item",
        `tensor of shape ${formatShape(this.shape)} has ${this.data.length} elements: item() needs exactly one (use toArray())`,
      );
    }
    return this.data[0]!;
  }

  toArray(): number[] {
    return Array.from(this.data);
  }

  toNested(): NestedArray {
    return toNested(this.data, this.shape, 0, 0);
  }

  toString(): string {
    return formatTensor(this);
  }
} as TensorConstructor;

function toNested(
  data: Float32Array | Float64Array | Int32Array,
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
