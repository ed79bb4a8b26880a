import type { Tensor as TensorLike } from "@descent/spec";
import { describeValue } from "./describe.js";
import { DTypeError, formatShape, ShapeError, ValueError } from "./errors.js";

/**
 * Throws unless `value` is a consistent tensor-like object: `data` a Float32Array or Float64Array, `dtype`
 * the one of that array, `shape` an array of non-negative safe integers whose product is `data.length`.
 *
 * This is the one boundary where tensors enter the package's ops: structural on purpose (a `Tensor` from a
 * duplicate install is as good as ours), so it checks what a hand-made `{ shape, dtype, data }` could lie
 * about. The cost is one pass over the shape, nothing per element.
 *
 * @throws {@link ValueError} when `value` is not a tensor or its data is not a float typed array;
 *   {@link DTypeError} when `dtype` disagrees with the data; {@link ShapeError} for a bad shape.
 * @example
 * ```ts
 * assertTensorLike("sum", { shape: [-1], dtype: "float32", data: new Float32Array(0) }, "x");
 * // ShapeError: sum: x.shape [-1] has size -1 at axis 0: every size must be a non-negative integer
 * ```
 */
export function assertTensorLike(op: string, value: unknown, name = "input"): asserts value is TensorLike {
  if (typeof name !== "string") name = "input";
  const candidate = value as Partial<TensorLike> | null;
  if (typeof candidate !== "object" || candidate === null) throw notATensor(op, value, name);
  const { data, shape, dtype } = candidate;
  const kind = data instanceof Float32Array ? "float32" : data instanceof Float64Array ? "float64" : null;
  if (kind === null || !Array.isArray(shape)) throw notATensor(op, value, name);
  if (dtype !== kind) {
    if (dtype !== "float32" && dtype !== "float64") {
      throw new DTypeError(op, `${name} has dtype ${describeValue(dtype)}: use "float32" or "float64"`);
    }
    throw new DTypeError(
      op,
      `${name} has dtype "${dtype}" but its data is a ${kind === "float32" ? "Float32Array" : "Float64Array"}: a tensor's dtype must be its data's ("${kind}")`,
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
