import type { DType, Tensor as TensorLike } from "@descent/spec";
import { describeValue } from "./describe.js";
import { DTypeError, formatShape, ShapeError, ValueError } from "./errors.js";

/**
 * Throws unless `value` is a consistent float tensor: `data` a Float32Array or Float64Array, `dtype`
 * the one of that array, `shape` an array of non-negative safe integers whose product is `data.length`.
 *
 * This is the one boundary where tensors enter the package's ops: structural on purpose (a `Tensor` from a
 * duplicate install is as good as ours), so it checks what a hand-made `{ shape, dtype, data }` could lie
 * about. The cost is one pass over the shape, nothing per element. Math ops compute in floats, so an `int32`
 * tensor (integer labels) is refused here, by name, with the conversion to use.
 *
 * @throws {@link ValueError} when `value` is not a tensor or its data is not a typed array of a dtype;
 *   {@link DTypeError} for an `int32` tensor, or when `dtype` disagrees with the data; {@link ShapeError}
 *   for a bad shape.
 * @example
 * ```ts
 * assertTensorLike("sum", { shape: [-1], dtype: "float32", data: new Float32Array(0) }, "x");
 * // ShapeError: sum: x.shape [-1] has size -1 at axis 0: every size must be a non-negative integer
 * assertTensorLike("exp", { shape: [1], dtype: "int32", data: new Int32Array(1) }, "x");
 * // DTypeError: exp: x is an int32 tensor (integer labels) but exp computes in float32/float64: convert it with cast(x, "float32")
 * ```
 */
export function assertTensorLike(op: string, value: unknown, name = "input"): asserts value is TensorLike {
  if (typeof name !== "string") name = "input";
  assertAnyTensorLike(op, value, name);
  if (value.dtype === "int32") {
    throw new DTypeError(
      op,
      `${name} is an int32 tensor (class labels) but ${op} computes in float32/float64: convert it with cast(${name}, "float32")`,
    );
  }
}

/**
 * Like {@link assertTensorLike}, but also accepts an `int32` tensor (data an Int32Array): for what reads
 * any tensor — `cast`, formatting, the classification losses' and metrics' targets.
 *
 * @throws {@link ValueError} when `value` is not a tensor; {@link DTypeError} when `dtype` disagrees with
 *   the data; {@link ShapeError} for a bad shape.
 * @example
 * ```ts
 * assertAnyTensorLike("cast", { shape: [2], dtype: "int32", data: new Int32Array([0, 1]) }, "x"); // passes
 * ```
 */
export function assertAnyTensorLike(
  op: string,
  value: unknown,
  name = "input",
): asserts value is TensorLike<DType> {
  if (typeof name !== "string") name = "input";
  const candidate = value as Partial<TensorLike<DType>> | null;
  if (typeof candidate !== "object" || candidate === null) throw notATensor(op, value, name);
  const { data, shape, dtype } = candidate;
  const kind =
    data instanceof Float32Array
      ? "float32"
      : data instanceof Float64Array
        ? "float64"
        : data instanceof Int32Array
          ? "int32"
          : null;
  if (kind === null || !Array.isArray(shape)) throw notATensor(op, value, name);
  if (dtype !== kind) {
    if (dtype !== "float32" && dtype !== "float64" && dtype !== "int32") {
      throw new DTypeError(op, `${name} has dtype ${describeValue(dtype)}: use "float32" or "float64"`);
    }
    throw new DTypeError(
      op,
      `${name} has dtype "${dtype}" but its data is a ${arrayName[kind]}: a tensor's dtype must be its data's ("${kind}")`,
    );
  }
  let size = 1;
  for (let axis = 0; axis < shape.length; axis++) {
    const dimension: unknown = shape[axis];
    if (typeof dimension !== "number" || !Number.isSafeInteger(dimension) || dimension < 0) {
      throw new ShapeError(
        op,
        `${name}.shape ${formatShape(shape)} has size ${describeValue(dimension)} at axis ${axis}: every size must be a non-negative integer`,
      );
    }
    size *= dimension;
  }
  if (size !== data!.length) {
    throw new ShapeError(
      op,
      `${name} has shape ${formatShape(shape)} (${size} elements) but ${data!.length} data elements: build it with tensor(values, shape)`,
    );
  }
}

const arrayName = { float32: "Float32Array", float64: "Float64Array", int32: "Int32Array" } as const;

function notATensor(op: string, value: unknown, name: string): ValueError {
  return new ValueError(
    op,
    `${name} must be a tensor (an object with shape, dtype and a Float32Array or Float64Array data) but got ${describe(value)}`,
  );
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of length ${value.length} (wrap it with tensor(...))`;
  if (typeof value === "number" || typeof value === "string") return `${typeof value} ${String(value)}`;
  return describeValue(value);
}
