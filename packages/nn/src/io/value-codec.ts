import type { Tensor as TensorLike } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";
import { isTensorLike } from "../tree/tree.js";

/** JSON that stands for a value whose tensors were moved to the safetensors file. */
export type EncodedValue =
  | null
  | boolean
  | number
  | string
  | EncodedValue[]
  | { [key: string]: EncodedValue };

/** Deepest nesting of a value accepted by {@link encodeValue} and {@link decodeValue} (guards the stack). */
export const MAX_VALUE_DEPTH = 100;

/** Keys a saved value may not use: `__proto__` would set a prototype, the others reach one. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

const INTEGER_RANGES = {
  $int32Array: [-(2 ** 31), 2 ** 31 - 1],
  $uint32Array: [0, 2 ** 32 - 1],
  $uint8Array: [0, 255],
} as const;

/**
 * Splits a plain-data value (optimizer state, RNG state, callback state) into JSON and tensors, exactly:
 * tensors and float typed arrays go to `tensors` under `prefix.path` names and are replaced by
 * `{ "$tensor": name }` / `{ "$float32Array": name }`; numbers JSON cannot hold (NaN, ±Infinity, −0) become
 * `{ "$number": "NaN" }`; integer typed arrays become `{ "$int32Array": [...] }`; objects with a key starting
 * with `$` are wrapped in `{ "$object": … }`. Anything else (Map, class instances, functions), the keys
 * `__proto__`, `constructor` and `prototype`, and nesting deeper than {@link MAX_VALUE_DEPTH} (or a cycle)
 * are rejected with a `ValueError` naming the path.
 *
 * @example
 * const tensors = {};
 * encodeValue({ count: 3, mu: someTensor }, "@training", tensors) // { count: 3, mu: { $tensor: "@training.mu" } }
 */
export function encodeValue(
  value: unknown,
  prefix: string,
  tensors: Record<string, TensorLike>,
): EncodedValue {
  return encodeAt(value, prefix, tensors, 0);
}

function encodeAt(
  value: unknown,
  prefix: string,
  tensors: Record<string, TensorLike>,
  depth: number,
): EncodedValue {
  const op = "encodeValue";
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { $number: Object.is(value, -0) ? "-0" : String(value) };
  }
  if (
    typeof value === "bigint" ||
    typeof value === "function" ||
    typeof value === "symbol" ||
    value === undefined
  ) {
    throw new ValueError(op, `"${prefix}" is a ${typeof value}: only plain data and tensors can be saved`);
  }
  if (depth >= MAX_VALUE_DEPTH) {
    throw new ValueError(
      op,
      `"${prefix.slice(0, 200)}" is nested more than ${MAX_VALUE_DEPTH} levels deep (a cycle?): only acyclic plain data can be saved`,
    );
  }
  const put = (kind: "$tensor" | "$float32Array" | "$float64Array", tensor: TensorLike): EncodedValue => {
    if (Object.hasOwn(tensors, prefix))
      throw new ValueError(op, `two values would be saved as "${prefix}": rename a key`);
    tensors[prefix] = tensor;
    return { [kind]: prefix };
  };
  if (isTensorLike(value)) return put("$tensor", value);
  if (value instanceof Float32Array) return put("$float32Array", new Tensor(value, [value.length]));
  if (value instanceof Float64Array) return put("$float64Array", new Tensor(value, [value.length]));
  if (value instanceof Int32Array) return { $int32Array: Array.from(value) };
  if (value instanceof Uint32Array) return { $uint32Array: Array.from(value) };
  if (value instanceof Uint8Array) return { $uint8Array: Array.from(value) };
  if (Array.isArray(value))
    return value.map((item, index) => encodeAt(item, `${prefix}.${index}`, tensors, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new ValueError(
      op,
      `"${prefix}" is a ${prototype?.constructor?.name ?? "non-plain object"}: only plain objects, arrays, numbers, strings, booleans, null and tensors can be saved`,
    );
  }
  const result: { [key: string]: EncodedValue } = {};
  let escaped = false;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (RESERVED_KEYS.has(key)) {
      throw new ValueError(
        op,
        `"${path}": the key "${key}" is reserved (it reaches Object.prototype): rename it`,
      );
    }
    if (key.startsWith("$")) escaped = true;
    result[key] = encodeAt(item, path, tensors, depth + 1);
  }
  return escaped ? { $object: result } : result;
}

/**
 * The inverse of {@link encodeValue}: rebuilds the value, taking tensors from `tensors` by name (own
 * properties only). When `used` is given, each tensor taken is added to it, and a tensor referred to twice
 * is rejected — so the caller can check that every tensor of a file was claimed exactly once. Reserved keys
 * (`__proto__`, `constructor`, `prototype`), unknown `$` markers, integers out of their array's range and
 * nesting deeper than {@link MAX_VALUE_DEPTH} throw a `ValueError` naming the path (`where`).
 *
 * @example
 * decodeValue({ mu: { $tensor: "@training.mu" } }, tensors, "training") // { mu: Tensor }
 */
export function decodeValue(
  encoded: unknown,
  tensors: Readonly<Record<string, Tensor>>,
  where = "value",
  used?: Set<string>,
): unknown {
  if (typeof tensors !== "object" || tensors === null) {
    throw new ValueError("decodeValue", "tensors must be an object of tensors by name");
  }
  return decodeAt(encoded, tensors, String(where), used ?? new Set(), 0);
}

function decodeAt(
  encoded: unknown,
  tensors: Readonly<Record<string, Tensor>>,
  where: string,
  used: Set<string>,
  depth: number,
): unknown {
  const op = "decodeValue";
  if (
    encoded === null ||
    typeof encoded === "boolean" ||
    typeof encoded === "string" ||
    typeof encoded === "number"
  ) {
    return encoded;
  }
  if (typeof encoded !== "object") throw new ValueError(op, `${where}: unexpected ${typeof encoded}`);
  if (depth >= MAX_VALUE_DEPTH) {
    throw new ValueError(
      op,
      `${where.slice(0, 200)}: nested more than ${MAX_VALUE_DEPTH} levels deep: not a value descent saved`,
    );
  }
  if (Array.isArray(encoded))
    return encoded.map((item, index) => decodeAt(item, tensors, `${where}[${index}]`, used, depth + 1));
  const record = encoded as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length !== 1 || !keys[0]!.startsWith("$"))
    return decodeObject(record, tensors, where, used, depth);
  const kind = keys[0]!;
  const payload = record[kind];
  const tensor = (): Tensor => {
    if (typeof payload !== "string" || !Object.hasOwn(tensors, payload)) {
      throw new ValueError(
        op,
        `${where} refers to tensor ${JSON.stringify(payload)}, which is not in the weights file`,
      );
    }
    if (used.has(payload)) {
      throw new ValueError(op, `${where} refers to tensor "${payload}", which another value already uses`);
    }
    used.add(payload);
    return tensors[payload]!;
  };
  switch (kind) {
    case "$tensor":
      return tensor();
    case "$float32Array":
    case "$float64Array": {
      const data = tensor().data;
      if ((kind === "$float32Array") !== data instanceof Float32Array) {
        throw new ValueError(
          op,
          `${where}: tensor ${JSON.stringify(payload)} has the wrong dtype for ${kind}`,
        );
      }
      return data;
    }
    case "$number": {
      if (payload === "-0") return -0;
      if (payload === "NaN" || payload === "Infinity" || payload === "-Infinity") return Number(payload);
      throw new ValueError(op, `${where}: "$number" must be "NaN", "Infinity", "-Infinity" or "-0"`);
    }
    case "$int32Array":
    case "$uint32Array":
    case "$uint8Array": {
      const [low, high] = INTEGER_RANGES[kind];
      if (
        !Array.isArray(payload) ||
        !payload.every((item) => Number.isInteger(item) && item >= low && item <= high)
      ) {
        throw new ValueError(op, `${where}: "${kind}" must hold an array of integers in [${low}, ${high}]`);
      }
      if (kind === "$int32Array") return Int32Array.from(payload);
      return kind === "$uint32Array" ? Uint32Array.from(payload) : Uint8Array.from(payload);
    }
    case "$object":
      return decodeObject(payload, tensors, where, used, depth);
    default:
      throw new ValueError(op, `${where}: unknown marker "${kind}"`);
  }
}

function decodeObject(
  encoded: unknown,
  tensors: Readonly<Record<string, Tensor>>,
  where: string,
  used: Set<string>,
  depth: number,
): unknown {
  if (typeof encoded !== "object" || encoded === null || Array.isArray(encoded)) {
    throw new ValueError("decodeValue", `${where}: expected an object`);
  }
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(encoded)) {
    if (RESERVED_KEYS.has(key)) {
      throw new ValueError(
        "decodeValue",
        `${where}.${key}: the key "${key}" is reserved (it would reach Object.prototype): the file was not written by descent`,
      );
    }
    result[key] = decodeAt(
      (encoded as Record<string, unknown>)[key],
      tensors,
      `${where}.${key}`,
      used,
      depth + 1,
    );
  }
  return result;
}
