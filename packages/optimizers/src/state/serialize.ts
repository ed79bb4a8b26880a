import { formatShape, Tensor, ValueError } from "@descent/tensor";
import { isTensor } from "../tree/flat.js";
import { checkStructure, describe } from "./structure.js";

/** A value that `JSON.stringify` writes and `JSON.parse` reads back unchanged. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

type SpecialNumber = "NaN" | "Infinity" | "-Infinity" | "-0";

/** Deepest nesting a saved state may have; deeper (or cyclic) data is refused instead of overflowing the stack. */
export const MAX_STATE_DEPTH = 100;

/**
 * Turns an optimizer state into JSON-safe data that {@link deserializeState} restores bit for bit.
 *
 * Encoding: numbers stay numbers (JavaScript prints the shortest decimal that parses back to the same
 * float64, and every float32 is a float64, so both dtypes round-trip exactly); NaN, ±Infinity and −0 —
 * which JSON cannot hold — become `{ "$number": "NaN" }` (in tensor data, the bare string); a tensor
 * becomes `{ "$tensor": { dtype, shape, data } }`; object keys starting with `$` get one more `$`.
 *
 * @throws `ValueError` naming the path of anything that is not plain data (a function, a Map, undefined, …),
 *   of a `__proto__` key, and of data nested deeper than {@link MAX_STATE_DEPTH} (or cyclic).
 * @example
 * ```ts
 * const text = JSON.stringify(serializeState(state));
 * const restored = deserializeState(JSON.parse(text), optimizer.init(params));
 * ```
 */
export function serializeState(state: unknown): JsonValue {
  return encode(state, "state", 0);
}

function encode(value: unknown, path: string, depth: number): JsonValue {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    const special = specialNumber(value);
    return special === null ? value : { $number: special };
  }
  if (depth >= MAX_STATE_DEPTH) throw tooDeep("serializeState", path);
  if (Array.isArray(value)) {
    const out: JsonValue[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = encode(value[i], `${path}[${i}]`, depth + 1);
    return out;
  }
  if (isTensor(value)) {
    const data: (number | string)[] = new Array(value.data.length);
    for (let i = 0; i < data.length; i++) {
      const x = value.data[i]!;
      data[i] = specialNumber(x) ?? x;
    }
    return { $tensor: { dtype: value.dtype, shape: [...value.shape], data } };
  }
  if (isPlainObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(value)) {
      if (key === "__proto__") throw forbiddenKey("serializeState", path, key);
      out[key.startsWith("$") ? `$${key}` : key] = encode(
        (value as Record<string, unknown>)[key],
        `${path}.${key}`,
        depth + 1,
      );
    }
    return out;
  }
  throw new ValueError(
    "serializeState",
    `${path} is ${describe(value)}: optimizer state must be plain data (numbers, booleans, strings, null, arrays, objects, tensors)`,
  );
}

function specialNumber(x: number): SpecialNumber | null {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "Infinity";
  if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (x === 0 && 1 / x < 0) return "-0";
  return null;
}

/**
 * Restores a state saved by {@link serializeState}. With a `template` (the optimizer's `init(params)`),
 * the saved data is first checked against it — same keys, array lengths, kinds of value, tensor shapes
 * and dtypes — and the result has the template's type. This checks structure, not values: pass the
 * result through `checkOptimizerState(optimizer, state, params)` to check the values too (counts,
 * second moments, …) — `createOptimizer(…).loadState` does both.
 *
 * Only own properties of `json` are read, and the restored objects are fresh plain objects: a
 * `"__proto__"` key is refused (it would set the restored object's prototype), so hostile JSON cannot
 * reach `Object.prototype`.
 *
 * @throws `ValueError` naming the first path where the data is malformed (a `__proto__` key, nesting deeper
 *   than {@link MAX_STATE_DEPTH}, an unknown `$` marker, …) or differs from the template.
 * @example
 * ```ts
 * const state = deserializeState(JSON.parse(text), optimizer.init(params));
 * ```
 */
export function deserializeState<State>(json: JsonValue, template: State): State;
export function deserializeState(json: JsonValue): unknown;
export function deserializeState(json: JsonValue, ...rest: unknown[]): unknown {
  const decoded = decode(json, "state", 0);
  if (rest.length > 0) checkStructure("deserializeState", decoded, rest[0], "state");
  return decoded;
}

function decode(value: unknown, path: string, depth: number): unknown {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return value;
  if (typeof value !== "object") throw malformed(path, `${describe(value)} is not JSON data`);
  if (depth >= MAX_STATE_DEPTH) throw tooDeep("deserializeState", path);
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = decode(value[i], `${path}[${i}]`, depth + 1);
    return out;
  }
  if (!isPlainObject(value)) throw malformed(path, `${describe(value)} is not JSON data`);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === "$number") return decodeNumber(record.$number, path);
  if (keys.length === 1 && keys[0] === "$tensor") return decodeTensor(record.$tensor, path);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (key.startsWith("$") && !key.startsWith("$$"))
      throw malformed(path, `unknown marker ${JSON.stringify(key)}`);
    const name = key.startsWith("$") ? key.slice(1) : key;
    if (name === "__proto__") throw forbiddenKey("deserializeState", path, name);
    out[name] = decode(record[key], `${path}.${name}`, depth + 1);
  }
  return out;
}

function decodeNumber(value: unknown, path: string): number {
  switch (value) {
    case "NaN":
      return Number.NaN;
    case "Infinity":
      return Number.POSITIVE_INFINITY;
    case "-Infinity":
      return Number.NEGATIVE_INFINITY;
    case "-0":
      return -0;
    default:
      throw malformed(
        path,
        `$number ${JSON.stringify(value) ?? String(value)} is not one of "NaN", "Infinity", "-Infinity", "-0"`,
      );
  }
}

function decodeTensor(value: unknown, path: string): Tensor {
  if (!isPlainObject(value)) throw malformed(path, "$tensor is not an object { dtype, shape, data }");
  const own = (key: string) =>
    Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  const dtype = own("dtype");
  const shape = own("shape");
  const data = own("data");
  if (dtype !== "float32" && dtype !== "float64")
    throw malformed(path, `tensor dtype ${JSON.stringify(dtype) ?? String(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((size) => Number.isSafeInteger(size) && size >= 0)) {
    throw malformed(path, "tensor shape is not an array of sizes");
  }
  if (!Array.isArray(data)) throw malformed(path, "tensor data is not an array");
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (size !== data.length)
    throw malformed(path, `tensor of shape ${formatShape(shape)} needs ${size} values, has ${data.length}`);
  const values = dtype === "float64" ? new Float64Array(data.length) : new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    values[i] = typeof x === "number" ? x : decodeNumber(x, `${path}.data[${i}]`);
  }
  return new Tensor(values, shape);
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function malformed(path: string, problem: string): ValueError {
  return new ValueError("deserializeState", `${path}: ${problem}: pass data written by serializeState`);
}

function forbiddenKey(op: string, path: string, key: string): ValueError {
  return new ValueError(
    op,
    `${path}.${key}: the key ${JSON.stringify(key)} is refused (it would set an object's prototype): optimizer state is keyed by parameter names, never "__proto__"`,
  );
}

function tooDeep(op: string, path: string): ValueError {
  return new ValueError(
    op,
    `${path.length > 120 ? `${path.slice(0, 117)}…` : path}: nested deeper than ${MAX_STATE_DEPTH} levels (or cyclic): optimizer state is a shallow tree of parameter names`,
  );
}
