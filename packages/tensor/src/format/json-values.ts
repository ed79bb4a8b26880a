import { ValueError } from "../core/errors.js";

/** A value that `JSON.stringify` writes and `JSON.parse` reads back unchanged. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** Deepest nesting `encodeJson` and `decodeJson` accept; deeper (or cyclic) data is refused instead of overflowing the stack. */
export const MAX_JSON_DEPTH = 100;

/** The numbers JSON cannot hold, as the codec writes them. */
export type SpecialNumber = "NaN" | "Infinity" | "-Infinity" | "-0";

/** `a function`, `a Map object`, `an array of 3`, … Total: never throws. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") {
    const prototype = Object.getPrototypeOf(value);
    if (prototype === null) return "a null-prototype object";
    const name = Object.hasOwn(prototype, "constructor")
      ? (prototype.constructor as { name?: unknown }).name
      : "";
    return `a ${typeof name === "string" && name !== "" ? name : "plain"} object`;
  }
  return `a ${typeof value}`;
}

/** The error for a `__proto__` key at `path`, on either side of the codec. */
export function forbiddenKey(op: string, path: string): ValueError {
  return new ValueError(
    op,
    `${path}.__proto__: the key "__proto__" is refused (it would set an object's prototype): rename it`,
  );
}

/** The error for data nested deeper than {@link MAX_JSON_DEPTH} (or cyclic) at `path`, cut to 120 characters. */
export function tooDeep(op: string, path: string, fix: string): ValueError {
  const shown = path.length > 120 ? `${path.slice(0, 117)}…` : path;
  return new ValueError(op, `${shown}: nested deeper than ${MAX_JSON_DEPTH} levels (or cyclic): ${fix}`);
}
