import type { Tensor as TensorLike } from "@descent/spec";
import {
  decodeJson,
  encodeJson,
  type JsonValue,
  MAX_JSON_DEPTH,
  type Tensor,
  ValueError,
} from "@descent/tensor";

/** JSON that stands for a value whose tensors were moved to the safetensors file. */
export type EncodedValue = JsonValue;

/** Deepest nesting of a value accepted by {@link encodeValue} and {@link decodeValue} (guards the stack). */
export const MAX_VALUE_DEPTH: number = MAX_JSON_DEPTH;

/**
 * Splits a plain-data value (optimizer state, RNG state, callback state) into JSON and tensors, exactly,
 * with descent's one JSON codec (`encodeJson` of `@descent/tensor`, the one optimizer state uses): tensors
 * and float typed arrays go to `tensors` under `prefix.path` names and are replaced by
 * `{ "$tensor": name }` / `{ "$float32Array": name }`; numbers JSON cannot hold (NaN, ±Infinity, −0) become
 * `{ "$number": "NaN" }`; integer typed arrays become `{ "$int32Array": [...] }`; a key starting with `$` gets
 * one more `$`. Anything else (Map, class instances, functions), a `__proto__` key, and nesting deeper than
 * {@link MAX_VALUE_DEPTH} (or a cycle) are rejected with a `ValueError` naming the path.
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
  return encodeJson(value, { op: "encodeValue", root: prefix, what: "a saved value", tensors });
}

/**
 * The inverse of {@link encodeValue}: rebuilds the value, taking tensors from `tensors` by name (own
 * properties only). When `used` is given, each tensor taken is added to it, and a tensor referred to twice
 * is rejected — so the caller can check that every tensor of a file was claimed exactly once. Files written
 * before the codec was shared (objects with `$` keys wrapped as `{ "$object": … }`) still load. A
 * `__proto__` key, unknown `$` markers, integers out of their array's range and nesting deeper than
 * {@link MAX_VALUE_DEPTH} throw a `ValueError` naming the path (`where`).
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
  return decodeJson(encoded, {
    op: "decodeValue",
    root: String(where),
    fix: "the file was not written by descent",
    tensors,
    tensorSource: "the weights file",
    ...(used === undefined ? {} : { used }),
  });
}
