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

/**
 * Splits a plain-data value (optimizer state, RNG state, callback state) into JSON and tensors, exactly:
 * tensors and float typed arrays go to `tensors` under `prefix.path` names and are replaced by
 * `{ "$tensor": name }` / `{ "$float32Array": name }`; numbers JSON cannot hold (NaN, ±Infinity, −0) become
 * `{ "$number": "NaN" }`; integer typed arrays become `{ "$int32Array": [...] }`; objects with a key starting
 * with `$` are wrapped in `{ "$object": … }`. Anything else (Map, class instances, functions) is rejected.
 */
export function encodeValue(
  value: unknown,
  prefix: string,
  tensors: Record<string, TensorLike>,
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
  const put = (kind: "$tensor" | "$float32Array" | "$float64Array", tensor: TensorLike): EncodedValue => {
    if (tensors[prefix] !== undefined)
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
    return value.map((item, index) => encodeValue(item, `${prefix}.${index}`, tensors));
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
    if (key.startsWith("$")) escaped = true;
    result[key] = encodeValue(item, prefix ? `${prefix}.${key}` : key, tensors);
  }
  return escaped ? { $object: result } : result;
}

/** The inverse of {@link encodeValue}: rebuilds the value, taking tensors from `tensors` by name. */
export function decodeValue(
  encoded: unknown,
  tensors: Readonly<Record<string, Tensor>>,
  where = "value",
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
  if (Array.isArray(encoded))
    return encoded.map((item, index) => decodeValue(item, tensors, `${where}[${index}]`));
  if (typeof encoded !== "object") throw new ValueError(op, `${where}: unexpected ${typeof encoded}`);
  const record = encoded as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0]!.startsWith("$")) {
    const kind = keys[0]!;
    const payload = record[kind];
    const tensor = (): Tensor => {
      const found = typeof payload === "string" ? tensors[payload] : undefined;
      if (found === undefined) {
        throw new ValueError(
          op,
          `${where} refers to tensor ${JSON.stringify(payload)}, which is not in the weights file`,
        );
      }
      return found;
    };
    const integers = (): number[] => {
      if (!Array.isArray(payload) || !payload.every((item) => Number.isInteger(item))) {
        throw new ValueError(op, `${where}: "${kind}" must hold an array of integers`);
      }
      return payload as number[];
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
        const parsed = payload === "-0" ? -0 : Number(payload);
        if (typeof payload !== "string" || (Number.isNaN(parsed) && payload !== "NaN")) {
          throw new ValueError(op, `${where}: "$number" must be "NaN", "Infinity", "-Infinity" or "-0"`);
        }
        return parsed;
      }
      case "$int32Array":
        return Int32Array.from(integers());
      case "$uint32Array":
        return Uint32Array.from(integers());
      case "$uint8Array":
        return Uint8Array.from(integers());
      case "$object":
        return decodeObject(payload, tensors, where);
      default:
        throw new ValueError(op, `${where}: unknown marker "${kind}"`);
    }
  }
  return decodeObject(record, tensors, where);
}

function decodeObject(encoded: unknown, tensors: Readonly<Record<string, Tensor>>, where: string): unknown {
  if (typeof encoded !== "object" || encoded === null || Array.isArray(encoded)) {
    throw new ValueError("decodeValue", `${where}: expected an object`);
  }
  return Object.fromEntries(
    Object.entries(encoded).map(([key, item]) => [key, decodeValue(item, tensors, `${where}.${key}`)]),
  );
}
