import { formatShape, Tensor, ValueError } from "@descent/tensor";
import { isTensor, sameShape } from "../tree/flat.js";

/** A value that `JSON.stringify` writes and `JSON.parse` reads back unchanged. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

type SpecialNumber = "NaN" | "Infinity" | "-Infinity" | "-0";

/**
 * Turns an optimizer state into JSON-safe data that {@link deserializeState} restores bit for bit.
 *
 * Encoding: numbers stay numbers (JavaScript prints the shortest decimal that parses back to the same
 * float64, and every float32 is a float64, so both dtypes round-trip exactly); NaN, ±Infinity and −0 —
 * which JSON cannot hold — become `{ "$number": "NaN" }` (in tensor data, the bare string); a tensor
 * becomes `{ "$tensor": { dtype, shape, data } }`; object keys starting with `$` get one more `$`.
 *
 * @throws `ValueError` naming the path of anything that is not plain data (a function, a Map, undefined, …).
 * @example
 * ```ts
 * const text = JSON.stringify(serializeState(state));
 * const restored = deserializeState(JSON.parse(text), optimizer.init(params));
 * ```
 */
export function serializeState(state: unknown): JsonValue {
  return encode(state, "state");
}

function encode(value: unknown, path: string): JsonValue {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    const special = specialNumber(value);
    return special === null ? value : { $number: special };
  }
  if (Array.isArray(value)) return value.map((item, i) => encode(item, `${path}[${i}]`));
  if (isTensor(value)) {
    const data: (number | string)[] = new Array(value.data.length);
    for (let i = 0; i < data.length; i++) {
      const x = value.data[i]!;
      data[i] = specialNumber(x) ?? x;
    }
    return { $tensor: { dtype: value.dtype, shape: [...value.shape], data } };
  }
  if (typeof value === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value))
      out[key.startsWith("$") ? `$${key}` : key] = encode(item, `${path}.${key}`);
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
 * and dtypes — and the result has the template's type.
 *
 * @throws `ValueError` naming the first path where the data is malformed or differs from the template.
 * @example
 * ```ts
 * const state = deserializeState(JSON.parse(text), optimizer.init(params));
 * ```
 */
export function deserializeState<State>(json: JsonValue, template: State): State;
export function deserializeState(json: JsonValue): unknown;
export function deserializeState(json: JsonValue, ...rest: unknown[]): unknown {
  const decoded = decode(json, "state");
  if (rest.length > 0) check(decoded, rest[0], "state");
  return decoded;
}

function decode(value: unknown, path: string): unknown {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return value;
  if (Array.isArray(value)) return value.map((item, i) => decode(item, `${path}[${i}]`));
  if (typeof value !== "object") throw malformed(path, `${describe(value)} is not JSON data`);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === "$number") return decodeNumber(record.$number, path);
  if (keys.length === 1 && keys[0] === "$tensor") return decodeTensor(record.$tensor, path);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (key.startsWith("$") && !key.startsWith("$$"))
      throw malformed(path, `unknown marker ${JSON.stringify(key)}`);
    out[key.startsWith("$") ? key.slice(1) : key] = decode(record[key], `${path}.${key}`);
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
        `$number ${JSON.stringify(value)} is not one of "NaN", "Infinity", "-Infinity", "-0"`,
      );
  }
}

function decodeTensor(value: unknown, path: string): Tensor {
  const { dtype, shape, data } = (value ?? {}) as { dtype?: unknown; shape?: unknown; data?: unknown };
  if (dtype !== "float32" && dtype !== "float64")
    throw malformed(path, `tensor dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((size) => Number.isInteger(size) && size >= 0)) {
    throw malformed(path, "tensor shape is not an array of sizes");
  }
  if (!Array.isArray(data)) throw malformed(path, "tensor data is not an array");
  const values = dtype === "float64" ? new Float64Array(data.length) : new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    values[i] = typeof x === "number" ? x : decodeNumber(x, `${path}.data[${i}]`);
  }
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (size !== values.length)
    throw malformed(path, `tensor of shape ${formatShape(shape)} needs ${size} values, has ${values.length}`);
  return new Tensor(values, shape);
}

function check(value: unknown, template: unknown, path: string): void {
  if (isTensor(template)) {
    if (!isTensor(value)) throw mismatch(path, `${describe(value)} where the optimizer keeps a tensor`);
    if (value.dtype !== template.dtype || !sameShape(value.shape, template.shape)) {
      throw mismatch(
        path,
        `saved ${value.dtype} tensor of shape ${formatShape(value.shape)} but the optimizer keeps ${template.dtype} of shape ${formatShape(template.shape)}`,
      );
    }
    return;
  }
  if (Array.isArray(template)) {
    if (!Array.isArray(value) || value.length !== template.length) {
      throw mismatch(path, `${describe(value)} where the optimizer keeps an array of ${template.length}`);
    }
    for (const [i, item] of template.entries()) check(value[i], item, `${path}[${i}]`);
    return;
  }
  if (template !== null && typeof template === "object") {
    if (value === null || typeof value !== "object" || Array.isArray(value) || isTensor(value)) {
      throw mismatch(path, `${describe(value)} where the optimizer keeps an object`);
    }
    const expected = Object.keys(template);
    const got = Object.keys(value);
    const missing = expected.find((key) => !Object.hasOwn(value, key));
    if (missing !== undefined) throw mismatch(`${path}.${missing}`, "missing");
    const extra = got.find((key) => !Object.hasOwn(template, key));
    if (extra !== undefined) throw mismatch(`${path}.${extra}`, "not part of this optimizer's state");
    for (const key of expected) {
      check(
        (value as Record<string, unknown>)[key],
        (template as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
    }
    return;
  }
  if (typeof value !== typeof template || (template === null) !== (value === null)) {
    throw mismatch(path, `${describe(value)} where the optimizer keeps ${describe(template)}`);
  }
}

function malformed(path: string, problem: string): ValueError {
  return new ValueError("deserializeState", `${path}: ${problem}: pass data written by serializeState`);
}

function mismatch(path: string, problem: string): ValueError {
  return new ValueError(
    "deserializeState",
    `${path}: ${problem}: the saved state belongs to a different optimizer or model (same optimizer options and parameter shapes needed)`,
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (isTensor(value)) return `a ${value.dtype} tensor of shape ${formatShape(value.shape)}`;
  if (typeof value === "object") return `a ${(value as object).constructor?.name ?? "null-prototype"} object`;
  return `a ${typeof value}`;
}
