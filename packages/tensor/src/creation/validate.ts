import type { FloatDType } from "@descent/spec";
import { DTypeError, ValueError } from "../core/errors.js";
import { assertValidShape } from "../core/shape.js";

/*
 * Input checks shared by the creation, random and shape-ops families. Internal: not re-exported
 * from the package, so the public surface stays the one of the contract.
 */

export { assertTensorLike } from "../core/tensor-like.js";

/** Throws unless `shape` is an array of non-negative integer sizes. */
export function assertShapeArgument(op: string, shape: unknown, name = "shape"): asserts shape is number[] {
  if (!Array.isArray(shape)) {
    throw new ValueError(op, `${name} is ${describe(shape)}: pass an array of sizes such as [2, 3]`);
  }
  for (const size of shape) {
    if (typeof size !== "number") {
      throw new ValueError(
        op,
        `${name} [${shape.map(describe).join(",")}] holds ${describe(size)}: every size must be a non-negative integer`,
      );
    }
  }
  assertValidShape(op, shape);
}

/** Throws a {@link ValueError} unless `value` is a non-negative integer; returns it. */
export function assertCount(op: string, value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new ValueError(op, `${name} is ${describe(value)}: use a non-negative integer`);
  }
  return value;
}

/** Throws a {@link ValueError} unless `value` is a finite number; returns it. */
export function assertFinite(op: string, value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValueError(op, `${name} is ${describe(value)}: use a finite number`);
  }
  return value;
}

/** Throws a {@link ValueError} unless `value` is a number (NaN and ±Infinity are numbers the caller chose). */
export function assertNumber(op: string, value: unknown, name: string): number {
  if (typeof value !== "number") {
    throw new ValueError(op, `${name} is ${describe(value)}: use a number`);
  }
  return value;
}

/** The dtype to use: `dtype` after validation, or `fallback` when omitted. Float dtypes only. */
export function resolveDType(op: string, dtype: unknown, fallback: FloatDType): FloatDType {
  if (dtype === undefined) return fallback;
  if (dtype === "int32") {
    throw new DTypeError(
      op,
      `dtype "int32" is for class labels, which ${op} does not make: use "float32" or "float64" (labels: tensor(values, shape, "int32"))`,
    );
  }
  if (dtype !== "float32" && dtype !== "float64") {
    throw new DTypeError(op, `dtype ${describe(dtype)} is not supported: use "float32" or "float64"`);
  }
  return dtype;
}

/**
 * Throws a {@link ValueError} naming the first value that an `Int32Array` would change (a fraction, NaN,
 * ±Infinity, or outside [−2³¹, 2³¹)), so no conversion to int32 truncates or wraps silently.
 */
export function assertInt32Values(op: string, values: ArrayLike<number>, name: string): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!(Number.isInteger(value) && value >= -2147483648 && value <= 2147483647)) {
      throw new ValueError(
        op,
        `${name}[${i}] is ${describe(value)}: int32 holds integers in [-2147483648, 2147483647] (round the values first, or keep a float dtype)`,
      );
    }
  }
}

/** A short, safe description of any value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "function") return "a function";
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

/**
 * `options` after checking that it is an object (or undefined: `{}`) whose own keys are all in `known`;
 * a {@link ValueError} naming the op and the unknown key otherwise, so a misspelt option is never ignored.
 */
export function readOptions<Options extends object>(
  op: string,
  options: Options | undefined,
  known: readonly (keyof Options & string)[],
): Partial<Options> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValueError(op, `options is ${describe(options)}: pass an object such as { ${known[0]}: … }`);
  }
  for (const key of Object.keys(options)) {
    if (!(known as readonly string[]).includes(key)) {
      throw new ValueError(
        op,
        `options.${key} is not an option of ${op}: use ${known.length > 0 ? known.join(", ") : "no options"}`,
      );
    }
  }
  return options;
}
