import { ValueError } from "@descent/tensor";

/**
 * Checks that `options` is undefined or a plain object whose keys are all in `keys`, so a typo in
 * a saved model (`{ alhpa: 0.2 }`) is an error rather than a silently ignored option.
 */
export function checkOptionKeys(name: string, options: unknown, keys: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValueError(name, `options must be an object, got ${JSON.stringify(options)}`);
  }
  for (const key of Object.keys(options)) {
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
    throw new ValueError(name, `${key} must be a finite number, got ${String(value)}`);
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
      `${key} = ${String(value)} is not in the subdifferential [${low}, ${high}] at x = ${kink}: pass a value in [${low}, ${high}]`,
    );
  }
  return value;
}

/** The interval between two numbers, lowest first. */
export function between(a: number, b: number): [number, number] {
  return a <= b ? [a, b] : [b, a];
}
