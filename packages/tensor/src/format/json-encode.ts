import type { DType, Tensor as TensorLike } from "@descent/spec";
import { ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { isPlainObject, isTensorLike } from "../tree/leaf.js";
import {
  describeValue,
  forbiddenKey,
  type JsonValue,
  MAX_JSON_DEPTH,
  type SpecialNumber,
  tooDeep,
} from "./json-values.js";

/** Options of {@link encodeJson}. */
export interface JsonEncodeOptions {
  /** The caller, first word of every error: `"serializeState"`. */
  readonly op: string;
  /** The value's name in messages (`"state"` gives `state.inner[0].count`); with `tensors`, the prefix of tensor names. */
  readonly root: string;
  /** What the data is, for messages: `"optimizer state"`. */
  readonly what: string;
  /**
   * Where tensors go. Absent (default): inline, `{ "$tensor": { dtype, shape, data } }`. Given: each tensor
   * and float typed array is stored here under its dotted path (`root.key.0.name`) and the JSON refers to it,
   * `{ "$tensor": "root.key.0.name" }` — for a binary side file such as safetensors.
   */
  readonly tensors?: Record<string, TensorLike>;
}

type FloatArrayMarker = "$float32Array" | "$float64Array";

/**
 * Turns plain data with tensors into JSON that `decodeJson` restores bit for bit.
 *
 * Encoding: numbers stay numbers (JavaScript prints the shortest decimal that reads back as the same
 * float64, and every float32 is a float64); NaN, ±Infinity and −0 become `{ "$number": "NaN" }` (in tensor
 * data, the bare string); a tensor becomes `{ "$tensor": { dtype, shape, data } }` (or a name, see
 * {@link JsonEncodeOptions.tensors}); typed arrays become `{ "$float32Array": … }`, `{ "$int32Array": [...] }`, …;
 * an object key starting with `$` gets one more `$` (`$x` → `$$x`); an undefined property is left out, as
 * `JSON.stringify` does.
 *
 * @throws `ValueError` naming the path of anything else (a function, a Map, a class instance, undefined in an
 *   array), of a `__proto__` key, of two tensors given one name, and of data nested deeper than
 *   {@link MAX_JSON_DEPTH} (or cyclic).
 * @example
 * ```ts
 * const text = JSON.stringify(encodeJson({ count: 3, mu: tensor([0.5, -0]) }, { op: "save", root: "state", what: "state" }));
 * // {"count":3,"mu":{"$tensor":{"dtype":"float32","shape":[2],"data":[0.5,"-0"]}}}
 * ```
 */
export function encodeJson(value: unknown, options: JsonEncodeOptions): JsonValue {
  return encode(value, options.root, options.root, 0, options);
}

function encode(
  value: unknown,
  path: string,
  name: string,
  depth: number,
  options: JsonEncodeOptions,
): JsonValue {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    const special = specialNumber(value);
    return special === null ? value : { $number: special };
  }
  if (depth >= MAX_JSON_DEPTH) throw tooDeep(options.op, path, `${options.what} must be acyclic`);
  if (isTensorLike(value)) {
    if (options.tensors) return { $tensor: store(name, value, options) };
    return { $tensor: { dtype: value.dtype, shape: [...value.shape], data: numbersOf(value.data) } };
  }
  if (value instanceof Float32Array || value instanceof Float64Array) {
    const marker: FloatArrayMarker = value instanceof Float32Array ? "$float32Array" : "$float64Array";
    if (options.tensors) return { [marker]: store(name, new Tensor(value, [value.length]), options) };
    return { [marker]: numbersOf(value) };
  }
  if (value instanceof Int32Array) return { $int32Array: Array.from(value) };
  if (value instanceof Uint32Array) return { $uint32Array: Array.from(value) };
  if (value instanceof Uint8Array) return { $uint8Array: Array.from(value) };
  if (Array.isArray(value)) {
    const out: JsonValue[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      out[i] = encode(value[i], `${path}[${i}]`, `${name}.${i}`, depth + 1, options);
    }
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      if (key === "__proto__") throw forbiddenKey(options.op, path);
      const escaped = key.startsWith("$") ? `$${key}` : key;
      out[escaped] = encode(item, `${path}.${key}`, name === "" ? key : `${name}.${key}`, depth + 1, options);
    }
    return out;
  }
  throw new ValueError(
    options.op,
    `${path} is ${describeValue(value)}: ${options.what} must be plain data (numbers, booleans, strings, null, arrays, objects, tensors)`,
  );
}

function store(name: string, tensor: TensorLike<DType>, options: JsonEncodeOptions): string {
  const tensors = options.tensors!;
  if (Object.hasOwn(tensors, name)) {
    throw new ValueError(options.op, `two values would be saved as "${name}": rename a key`);
  }
  // An int32 tensor goes to the table as it is; the table's writer decides whether it can hold it.
  tensors[name] = tensor as TensorLike;
  return name;
}

function numbersOf(data: ArrayLike<number>): (number | string)[] {
  const out: (number | string)[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = specialNumber(data[i]!) ?? data[i]!;
  return out;
}

function specialNumber(x: number): SpecialNumber | null {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "Infinity";
  if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (x === 0 && 1 / x < 0) return "-0";
  return null;
}
