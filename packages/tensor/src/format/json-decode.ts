import type { Tensor as TensorLike } from "@descent/spec";
import { formatShape, ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { isPlainObject } from "../tree/leaf.js";
import { describeValue, forbiddenKey, MAX_JSON_DEPTH, tooDeep } from "./json-values.js";

/** Options of {@link decodeJson}. */
export interface JsonDecodeOptions {
  /** The caller, first word of every error: `"deserializeState"`. */
  readonly op: string;
  /** The value's name in messages (`"state"`). */
  readonly root: string;
  /** How to fix malformed data, ending its message: `"pass data written by serializeState"`. */
  readonly fix: string;
  /** Tensors referred to by name (`{ "$tensor": "name" }`); own properties only. Without it only inline tensors decode. */
  readonly tensors?: Readonly<Record<string, TensorLike>>;
  /** Where `tensors` came from, for messages. Default `"the tensor table"`. */
  readonly tensorSource?: string;
  /** Names taken from `tensors`; each is added, and a name referred to twice is refused. */
  readonly used?: Set<string>;
}

type IntegerArrayMarker = "$int32Array" | "$uint32Array" | "$uint8Array";

const INTEGER_RANGES: Readonly<Record<IntegerArrayMarker, readonly [number, number]>> = {
  $int32Array: [-(2 ** 31), 2 ** 31 - 1],
  $uint32Array: [0, 2 ** 32 - 1],
  $uint8Array: [0, 255],
};
const MARKERS: ReadonlySet<string> = new Set([
  "$number",
  "$tensor",
  "$float32Array",
  "$float64Array",
  "$int32Array",
  "$uint32Array",
  "$uint8Array",
  "$object",
]);

/**
 * Restores data written by `encodeJson` — and by descent's earlier two codecs, so files saved before
 * they became one still load: an object wrapped as `{ "$object": { … } }` (its keys taken literally) and
 * `$`-keys escaped as `$$` both decode. Only own properties are read and every object is a fresh plain
 * object; a `"__proto__"` key is refused, so hostile JSON cannot reach `Object.prototype`.
 *
 * @throws `ValueError` naming the first path where the data is malformed (an unknown `$` marker, a special
 *   number other than NaN/±Infinity/−0, a tensor whose shape and data disagree, an integer out of its
 *   array's range, a tensor name missing from or already taken from `tensors`, nesting deeper than
 *   {@link MAX_JSON_DEPTH}), ending with `options.fix`.
 * @example
 * ```ts
 * const state = decodeJson(JSON.parse(text), { op: "load", root: "state", fix: "pass data written by save" });
 * ```
 */
export function decodeJson(json: unknown, options: JsonDecodeOptions): unknown {
  return decode(json, options.root, 0, options, options.used ?? new Set());
}

function decode(
  value: unknown,
  path: string,
  depth: number,
  options: JsonDecodeOptions,
  used: Set<string>,
): unknown {
  if (
    value === null ||
    typeof value === "boolean" ||
    typeof value === "string" ||
    typeof value === "number"
  ) {
    return value;
  }
  if (typeof value !== "object") throw malformed(options, path, `${describeValue(value)} is not JSON data`);
  if (depth >= MAX_JSON_DEPTH) throw tooDeep(options.op, path, options.fix);
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++)
      out[i] = decode(value[i], `${path}[${i}]`, depth + 1, options, used);
    return out;
  }
  if (!isPlainObject(value)) throw malformed(options, path, `${describeValue(value)} is not JSON data`);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && MARKERS.has(keys[0]!)) {
    return decodeMarker(keys[0]!, record[keys[0]!], path, depth, options, used);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (key.startsWith("$") && !key.startsWith("$$")) {
      throw malformed(options, path, `unknown marker ${JSON.stringify(key)}`);
    }
    const name = key.startsWith("$") ? key.slice(1) : key;
    if (name === "__proto__") throw forbiddenKey(options.op, path);
    out[name] = decode(record[key], `${path}.${name}`, depth + 1, options, used);
  }
  return out;
}

function decodeMarker(
  marker: string,
  payload: unknown,
  path: string,
  depth: number,
  options: JsonDecodeOptions,
  used: Set<string>,
): unknown {
  switch (marker) {
    case "$number":
      return decodeSpecial(payload, path, options);
    case "$tensor":
      return typeof payload === "string"
        ? named(payload, path, options, used)
        : inlineTensor(payload, path, options);
    case "$float32Array":
    case "$float64Array": {
      const float32 = marker === "$float32Array";
      if (typeof payload === "string") {
        const data = named(payload, path, options, used).data;
        if (float32 !== data instanceof Float32Array) {
          throw malformed(
            options,
            path,
            `tensor ${JSON.stringify(payload)} has the wrong dtype for ${marker}`,
          );
        }
        return data;
      }
      if (!Array.isArray(payload))
        throw malformed(options, path, `${marker} holds neither a tensor name nor numbers`);
      const data = float32 ? new Float32Array(payload.length) : new Float64Array(payload.length);
      for (let i = 0; i < data.length; i++)
        data[i] = numberAt(payload[i], `${path}.${marker}[${i}]`, options);
      return data;
    }
    case "$int32Array":
    case "$uint32Array":
    case "$uint8Array": {
      const [low, high] = INTEGER_RANGES[marker];
      if (
        !Array.isArray(payload) ||
        !payload.every((item) => Number.isInteger(item) && item >= low && item <= high)
      ) {
        throw malformed(options, path, `${marker} must hold an array of integers in [${low}, ${high}]`);
      }
      if (marker === "$int32Array") return Int32Array.from(payload);
      return marker === "$uint32Array" ? Uint32Array.from(payload) : Uint8Array.from(payload);
    }
    default: {
      // "$object": the earlier manifest codec's wrapper around an object with `$` keys, taken literally.
      if (!isPlainObject(payload)) throw malformed(options, path, "$object is not an object");
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(payload)) {
        if (key === "__proto__") throw forbiddenKey(options.op, path);
        out[key] = decode(
          (payload as Record<string, unknown>)[key],
          `${path}.${key}`,
          depth + 1,
          options,
          used,
        );
      }
      return out;
    }
  }
}

function named(name: string, path: string, options: JsonDecodeOptions, used: Set<string>): TensorLike {
  const source = options.tensorSource ?? "the tensor table";
  if (options.tensors === undefined || !Object.hasOwn(options.tensors, name)) {
    throw malformed(options, path, `refers to tensor ${JSON.stringify(name)}, which is not in ${source}`);
  }
  if (used.has(name)) {
    throw malformed(
      options,
      path,
      `refers to tensor ${JSON.stringify(name)}, which another value already uses`,
    );
  }
  used.add(name);
  return options.tensors[name]!;
}

function inlineTensor(value: unknown, path: string, options: JsonDecodeOptions): Tensor {
  if (!isPlainObject(value))
    throw malformed(options, path, "$tensor is not an object { dtype, shape, data }");
  const own = (key: string) =>
    Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  const dtype = own("dtype");
  const shape = own("shape");
  const data = own("data");
  if (dtype !== "float32" && dtype !== "float64") {
    throw malformed(options, path, `tensor dtype ${JSON.stringify(dtype) ?? String(dtype)}`);
  }
  if (!Array.isArray(shape) || !shape.every((size) => Number.isSafeInteger(size) && size >= 0)) {
    throw malformed(options, path, "tensor shape is not an array of sizes");
  }
  if (!Array.isArray(data)) throw malformed(options, path, "tensor data is not an array");
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (size !== data.length) {
    throw malformed(
      options,
      path,
      `tensor of shape ${formatShape(shape)} needs ${size} values, has ${data.length}`,
    );
  }
  const values = dtype === "float64" ? new Float64Array(data.length) : new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) values[i] = numberAt(data[i], `${path}.data[${i}]`, options);
  return new Tensor(values, shape);
}

function numberAt(value: unknown, path: string, options: JsonDecodeOptions): number {
  return typeof value === "number" ? value : decodeSpecial(value, path, options);
}

function decodeSpecial(value: unknown, path: string, options: JsonDecodeOptions): number {
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
        options,
        path,
        `$number ${JSON.stringify(value) ?? String(value)} is not one of "NaN", "Infinity", "-Infinity", "-0"`,
      );
  }
}

function malformed(options: JsonDecodeOptions, path: string, problem: string): ValueError {
  return new ValueError(options.op, `${path}: ${problem}: ${options.fix}`);
}
