import { ValueError } from "@descent/tensor";

/**
 * Checks that `options` is undefined or a plain object whose keys are all in `keys`, so a typo in
 * a saved model (`{ alhpa: 0.2 }`) is an error rather than a silently ignored option.
 */
export function checkOptionKeys(name: string, options: unknown, keys: readonly string[]): void {
  if (options === undefined) return;
  // A plain object only: its options are then its own keys (an instance could inherit an `alpha`).
  const prototype =
    typeof options === "object" && options !== null ? Object.getPrototypeOf(options) : undefined;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new ValueError(
      name,
      `options must be a plain object such as { alpha: 0.2 }, got ${describe(options)}`,
    );
  }
  for (const key of Object.keys(options as object)) {
    if (!keys.includes(key)) {
      const valid = keys.length === 0 ? "it takes no options" : `valid options are ${keys.join(", ")}`;
      throw new ValueError(name, `unknown option "${key}": ${valid}`);
    }
  }
}

/** A finite number option (default when undefined). */
export function finiteOption(name: string, key: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValueError(name, `${key} must be a finite number, got ${describe(value)}`);
  }
  return value;
}

/** A finite number option that must be > 0. */
export function positiveOption(name: string, key: string, value: unknown, fallback: number): number {
  const result = finiteOption(name, key, value, fallback);
  if (result <= 0) throw new ValueError(name, `${key} must be > 0, got ${result}`);
  return result;
}

/**
 * A subgradient option: an element of the subdifferential `[low, high]` of the activation at the
 * kink `x = kink`. Anything else is not a subgradient there, so it is rejected.
 */
export function subgradientOption(
  name: string,
  key: string,
  value: unknown,
  fallback: number,
  interval: readonly [number, number],
  kink: number,
): number {
  if (value === undefined) return fallback;
  const [low, high] = interval;
  if (typeof value !== "number" || !(value >= low && value <= high)) {
    throw new ValueError(
      name,
      `${key} = ${describe(value)} is not in the subdifferential [${low}, ${high}] at x = ${kink}: pass a value in [${low}, ${high}]`,
    );
  }
  return value;
}

/** The interval between two numbers, lowest first. */
export function between(a: number, b: number): [number, number] {
  return a <= b ? [a, b] : [b, a];
}

/** A short description of any value for an error message; never throws (objects without a prototype, symbols…). */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || value === undefined) return String(value);
  if (value === null) return "null";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return "a symbol";
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `an object with keys [${Object.keys(value).slice(0, 8).join(", ")}]`;
}

/** Throws a {@link ValueError} unless `value` is a number (NaN and ±Infinity are numbers too). */
export function assertNumber(name: string, argument: string, value: unknown): asserts value is number {
  if (typeof value !== "number") {
    throw new ValueError(name, `${argument} is ${describe(value)}: pass a number`);
  }
}

/** Throws a {@link ValueError} unless `value` is a Float32Array or Float64Array of at least `length` elements. */
export function assertFloatArray(name: string, argument: string, value: unknown, length: number): void {
  if (!(value instanceof Float32Array || value instanceof Float64Array)) {
    throw new ValueError(name, `${argument} is ${describe(value)}: pass a Float32Array or Float64Array`);
  }
  if (value.length < length) {
    throw new ValueError(
      name,
      `${argument} has ${value.length} elements but the input has ${length}: pass arrays of the input's length`,
    );
  }
}
