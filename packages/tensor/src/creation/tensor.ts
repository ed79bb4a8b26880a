import type { DType, FloatDType, Shape } from "@descent/spec";
import { allocate, DEFAULT_DTYPE } from "../core/dtype.js";
import { formatShape, ShapeError, ValueError } from "../core/errors.js";
import { sizeOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { assertInt32Values, assertNumber, assertShapeArgument, describe, resolveDType } from "./validate.js";

/** Numbers nested in (possibly readonly) arrays: `1`, `[1, 2]`, `[[1, 2], [3, 4]]`, … */
export type NestedValues = number | readonly NestedValues[];

/** What {@link tensor} accepts: a number, nested number arrays, a flat number array or a typed array. */
export type TensorValues = NestedValues | Float32Array | Float64Array | Int32Array;

/**
 * Creates a tensor from JavaScript values, copying them.
 *
 * - a number → a scalar (shape `[]`);
 * - nested arrays → the shape is inferred from the nesting (`[[1, 2], [3, 4]]` → `[2, 2]`);
 * - a flat array or typed array → shape `[length]`, or `shape` when given.
 *
 * When `shape` is given, the values are read in row-major order and must number `∏ shape`.
 * The dtype is `dtype` when given, else the typed array's own dtype, else `float32`. `"int32"` makes a
 * tensor of integer class labels (for the classification losses and metrics; math ops refuse it): every
 * value must then be an integer in [−2³¹, 2³¹), or it is a ValueError naming it — never truncated.
 *
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]).shape;              // [2, 2]
 * tensor([1, 2, 3, 4, 5, 6], [2, 3]).shape;    // [2, 3]
 * tensor(new Float64Array([1, 2])).dtype;      // "float64"
 * tensor(3.5, undefined, "float64").shape;     // []
 * tensor([0, 2, 1], undefined, "int32").dtype; // "int32" (class labels)
 * ```
 * @throws {@link ShapeError} for ragged nesting (naming the path) or a shape whose size differs
 *   from the number of values; {@link ValueError} for a non-number element or a bad shape;
 *   {@link DTypeError} for an unknown dtype.
 */
export function tensor(values: TensorValues, shape: Shape | undefined, dtype: "int32"): Tensor<"int32">;
// Float before Int32Array: an untyped (`any`) argument resolves to the first match, a float tensor as always.
export function tensor(
  values: NestedValues | Float32Array | Float64Array,
  shape?: Shape,
  dtype?: FloatDType,
): Tensor;
export function tensor(values: Int32Array, shape?: Shape): Tensor<"int32">;
export function tensor(values: TensorValues, shape: Shape | undefined, dtype: FloatDType): Tensor;
export function tensor(values: TensorValues, shape?: Shape, dtype?: DType): Tensor<DType>;
export function tensor(values: TensorValues, shape?: Shape, dtype?: DType): Tensor<DType> {
  const op = "tensor";
  if (shape !== undefined) assertShapeArgument(op, shape);
  if (dtype === "int32" || (values instanceof Int32Array && dtype === undefined)) {
    const floats = values instanceof Int32Array ? values : tensor(values, shape, "float64").data;
    assertInt32Values(op, floats, "values");
    const targetShape = shape ?? (values instanceof Int32Array ? [values.length] : inferredShape(values));
    assertSizeMatches(op, targetShape, floats.length);
    const data = allocate("int32", floats.length);
    data.set(floats);
    return new Tensor(data, targetShape);
  }
  if (values instanceof Float32Array || values instanceof Float64Array || values instanceof Int32Array) {
    const resolved = resolveDType(op, dtype, values instanceof Float64Array ? "float64" : "float32");
    const targetShape = shape ?? [values.length];
    assertSizeMatches(op, targetShape, values.length);
    const data = allocate(resolved, values.length);
    data.set(values);
    return new Tensor(data, targetShape);
  }
  const resolved = resolveDType(op, dtype, DEFAULT_DTYPE);
  if (typeof values === "number") {
    const targetShape = shape ?? [];
    assertSizeMatches(op, targetShape, 1);
    const data = allocate(resolved, 1);
    data[0] = values;
    return new Tensor(data, targetShape);
  }
  if (!Array.isArray(values)) {
    throw new ValueError(
      op,
      `values is ${describe(values)}: pass a number, (nested) arrays of numbers, or a Float32Array/Float64Array`,
    );
  }
  const inferred = inferShape(values);
  const size = sizeOf(inferred);
  const targetShape = shape ?? inferred;
  assertSizeMatches(op, targetShape, size, inferred);
  const data = allocate(resolved, size);
  copyNested(values, inferred, 0, data, 0, "values");
  return new Tensor(data, targetShape);
}

/**
 * Creates a rank-0 tensor holding one number.
 *
 * @example
 * ```ts
 * scalar(3.5).shape;                 // []
 * scalar(2, "float64").item();       // 2
 * ```
 * @throws {@link ValueError} when `value` is not a number; {@link DTypeError} for an unknown dtype.
 */
export function scalar(value: number, dtype?: DType): Tensor {
  assertNumber("scalar", value, "value");
  const data = allocate(resolveDType("scalar", dtype, DEFAULT_DTYPE), 1);
  data[0] = value;
  return new Tensor(data, []);
}

/** The shape `tensor(values)` gives nested values (`[]` for a number). */
function inferredShape(values: TensorValues): number[] {
  return Array.isArray(values) ? inferShape(values) : [];
}

/** Shape from the first element at every depth; {@link copyNested} then checks every other element against it. */
function inferShape(values: readonly unknown[]): number[] {
  const shape: number[] = [];
  let current: unknown = values;
  while (Array.isArray(current)) {
    shape.push(current.length);
    if (current.length === 0) break;
    current = current[0];
  }
  return shape;
}

function copyNested(
  values: readonly unknown[],
  shape: readonly number[],
  depth: number,
  data: Float32Array | Float64Array,
  offset: number,
  path: string,
): number {
  const length = shape[depth]!;
  if (values.length !== length) {
    throw new ShapeError(
      "tensor",
      `ragged nesting: ${path} has length ${values.length} but ${firstPath(depth)} has length ${length}: every array at one depth must have the same length`,
    );
  }
  const last = depth === shape.length - 1;
  for (let i = 0; i < length; i++) {
    const value = values[i];
    if (last) {
      if (typeof value !== "number") {
        if (Array.isArray(value)) {
          throw new ShapeError(
            "tensor",
            `ragged nesting: ${path}[${i}] is an array but ${firstPath(depth + 1)} is a number: every array at one depth must have the same nesting`,
          );
        }
        throw notANumber(`${path}[${i}]`, value);
      }
      data[offset++] = value;
    } else if (Array.isArray(value)) {
      offset = copyNested(value, shape, depth + 1, data, offset, `${path}[${i}]`);
    } else {
      throw new ShapeError(
        "tensor",
        `ragged nesting: ${path}[${i}] is ${describe(value)} but ${firstPath(depth + 1)} is an array: every array at one depth must have the same nesting`,
      );
    }
  }
  return offset;
}

function firstPath(depth: number): string {
  return `values${"[0]".repeat(depth)}`;
}

function notANumber(path: string, value: unknown): ValueError {
  return new ValueError("tensor", `${path} is ${describe(value)}: every element must be a number`);
}

function assertSizeMatches(op: string, shape: Shape, count: number, inferred?: Shape): void {
  if (sizeOf(shape) !== count) {
    const source =
      inferred === undefined ? `${count} values` : `${count} values (nested as ${formatShape(inferred)})`;
    throw new ShapeError(
      op,
      `shape ${formatShape(shape)} needs ${sizeOf(shape)} values but got ${source}: pass a shape whose sizes multiply to ${count}`,
    );
  }
}
