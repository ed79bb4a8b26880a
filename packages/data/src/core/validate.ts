import type { DType, FloatDType, Tensor as TensorLike } from "@descent/spec";
import { assertAnyTensorLike, DTypeError, ShapeError, ValueError } from "@descent/tensor";

/**
 * The checks every public function of `@descent/data` runs on what it is given, so that a bad argument
 * gives a `ValueError`/`ShapeError` naming it instead of a raw `TypeError`, a `NaN` or a silently wrong
 * result. They only read their arguments: valid inputs give the same numbers as before.
 */

/** Most values one tensor of this package may hold (2²⁸ = 268,435,456: 1 GiB of float32). */
export const MAX_ELEMENTS = 2 ** 28;

/** Largest class index a target may hold (2²⁰ − 1), so counting classes never allocates without bound. */
export const MAX_CLASS_INDEX = 2 ** 20 - 1;

/** A short, never-throwing description of any value for error messages (`null`, `"text"`, `[object]`, …). */
export function describe(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "boolean":
    case "undefined":
      return String(value);
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    default:
      if (value === null) return "null";
      if (Array.isArray(value)) return `an array of ${value.length}`;
      if (ArrayBuffer.isView(value)) return `a ${value.constructor?.name ?? "typed array"}`;
      return "an object";
  }
}

/** `value` if it is a string, else a {@link ValueError} naming `name`. */
export function checkString(op: string, name: string, value: unknown): string {
  if (typeof value !== "string") throw new ValueError(op, `${name} = ${describe(value)}: pass a string`);
  return value;
}

/** `value` if it is a boolean, else a {@link ValueError} naming `name`. */
export function checkBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new ValueError(op, `${name} = ${describe(value)}: pass true or false`);
  }
  return value;
}

/** `value` if it is an integer in `[min, max]`, else a {@link ValueError} naming `name` and the range. */
export function checkInteger(op: string, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const wanted =
      max !== Number.MAX_SAFE_INTEGER
        ? `an integer in [${min}, ${max}]`
        : min === 1
          ? "a positive integer"
          : min === 0
            ? "a non-negative integer"
            : `an integer ≥ ${min}`;
    throw new ValueError(op, `${name} = ${describe(value)}: pass ${wanted}`);
  }
  return value;
}

/** `value` if it is a finite number (a seed, a noise level), else a {@link ValueError} naming `name`. */
export function checkFinite(
  op: string,
  name: string,
  value: unknown,
  min = -Infinity,
  max = Infinity,
): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    const range = min === -Infinity && max === Infinity ? "" : ` in [${min}, ${max}]`;
    throw new ValueError(op, `${name} = ${describe(value)}: pass a finite number${range}`);
  }
  return value;
}

/** `value` if it is one of `choices`, else a {@link ValueError} listing them. */
export function checkChoice<Choice extends string>(
  op: string,
  name: string,
  value: unknown,
  choices: readonly Choice[],
): Choice {
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw new ValueError(
      op,
      `${name} = ${describe(value)}: pass one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`,
    );
  }
  return value as Choice;
}

/** `value` if it is a float dtype (what features and generated sets use), else a {@link ValueError} naming `name`. */
export function checkDType(op: string, name: string, value: unknown): FloatDType {
  return checkChoice(op, name, value, ["float32", "float64"] as const);
}

/** An options object as a null-prototype copy of its own properties. */
export type Options<Keys extends string> = { readonly [K in Keys]?: unknown };

/**
 * The own properties of an options object (`undefined` = no options), copied into a null-prototype
 * object so that inherited or `__proto__` keys never count as options.
 *
 * @throws {@link ValueError} when `options` is not a plain object, or has a key outside `keys`
 *   (`{ batchsize: 8 }` would otherwise be ignored silently).
 */
export function readOptions<Keys extends string>(
  op: string,
  options: unknown,
  keys: readonly Keys[],
  name = "options",
): Options<Keys> {
  const copy: Record<string, unknown> = Object.create(null);
  if (options === undefined) return copy as Options<Keys>;
  if (
    typeof options !== "object" ||
    options === null ||
    Array.isArray(options) ||
    ArrayBuffer.isView(options)
  ) {
    throw new ValueError(op, `${name} = ${describe(options)}: pass an object such as { ${keys[0]}: … }`);
  }
  for (const key of Object.keys(options)) {
    if (!(keys as readonly string[]).includes(key)) {
      throw new ValueError(
        op,
        `${name}.${key} is not an option: the options are ${keys.join(", ")} (check the spelling)`,
      );
    }
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) copy[key] = value;
  }
  return copy as Options<Keys>;
}

/** The product of `shape`, or a {@link ValueError} when a size is not a non-negative integer or the product is too large. */
export function checkShape(op: string, name: string, shape: unknown): number {
  if (!Array.isArray(shape)) throw new ShapeError(op, `${name} = ${describe(shape)}: pass an array of sizes`);
  let size = 1;
  for (let axis = 0; axis < shape.length; axis++) {
    const dimension: unknown = shape[axis];
    if (typeof dimension !== "number" || !Number.isSafeInteger(dimension) || dimension < 0) {
      throw new ShapeError(
        op,
        `${name}[${axis}] = ${describe(dimension)}: every size must be a non-negative integer`,
      );
    }
    size *= dimension;
  }
  return size;
}

/**
 * `value` if it is a float tensor whose data is a Float32Array or Float64Array of `∏ shape` values
 * (home-made tensors are checked too: a `[3]` shape over 4 values would otherwise be read past or short).
 * An int32 tensor (class labels) is a {@link DTypeError} naming the conversion.
 */
export function checkTensor(op: string, name: string, value: unknown): TensorLike {
  assertAnyTensorLike(op, value, name);
  if (value.dtype === "int32") {
    throw new DTypeError(
      op,
      `${name} is an int32 tensor (class labels) but ${op} reads float values: convert it with cast(${name}, "float32")`,
    );
  }
  return value as TensorLike;
}

/**
 * Like {@link checkTensor}, but an int32 tensor of class labels (data an `Int32Array`) passes too: for
 * targets, which datasets, splits and batches carry through unchanged.
 */
export function checkAnyTensor(op: string, name: string, value: unknown): TensorLike<DType> {
  assertAnyTensorLike(op, value, name);
  return value;
}

/** Allocation size `count` checked against {@link MAX_ELEMENTS}, naming what asked for it. */
export function checkAllocation(op: string, what: string, count: number): number {
  if (!(count <= MAX_ELEMENTS)) {
    throw new ValueError(
      op,
      `${what} would hold ${count} values, more than the limit of ${MAX_ELEMENTS} (2^28) per tensor: ask for fewer samples or features`,
    );
  }
  return count;
}
