import { DTypeError, formatShape, ValueError } from "@descent/tensor";
import { limitError, MAX_RANK, type ModelFileLimits } from "./limits.js";

// Reading a safetensors header is where a hostile file is stopped: every check that runs before a tensor
// is built lives here, beside the format's constants; safetensors.ts encodes and decodes the data.

/** The string-to-string map stored under `__metadata__` in a safetensors header. */
export type SafetensorsMetadata = Record<string, string>;

/** The header key of the metadata map (it cannot name a tensor). */
export const METADATA_KEY = "__metadata__";
/** Bytes per element of the stored dtypes descent reads and writes. */
export const BYTES_PER_ELEMENT = { F32: 4, F64: 8 } as const;
/** A stored dtype: `F32` (float32) or `F64` (float64). */
export type SafetensorsDType = keyof typeof BYTES_PER_ELEMENT;

/**
 * The header length of a safetensors file, checked against the file's size and `limits.maxHeaderBytes`:
 * 8 bytes read, so callers can reject an oversized header before any linear pass over the file.
 *
 * @example readHeaderLength("deserializeModel", bytes, DEFAULT_MODEL_FILE_LIMITS) // 128
 */
export function readHeaderLength(op: string, bytes: Uint8Array, limits: Required<ModelFileLimits>): number {
  if (!(bytes instanceof Uint8Array)) {
    throw new ValueError(op, `expected a Uint8Array, got ${describe(bytes)}`);
  }
  if (bytes.length < 8) {
    throw new ValueError(
      op,
      `file is ${bytes.length} bytes: too short for the 8-byte header length (truncated or not a safetensors file)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > limits.maxHeaderBytes) {
    throw limitError(op, "the header", headerLength, "bytes", "maxHeaderBytes", limits.maxHeaderBytes);
  }
  if (8 + headerLength > bytes.length) {
    throw new ValueError(
      op,
      `header length says ${headerLength} bytes but only ${bytes.length - 8} follow the length field: the file is truncated`,
    );
  }
  return headerLength;
}

/** The `__metadata__` map of a header, checked to be strings only, as a null-prototype object. */
export function readMetadata(op: string, raw: unknown): SafetensorsMetadata {
  if (raw === undefined) return {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ValueError(op, `"${METADATA_KEY}" must be an object of strings, found ${describe(raw)}`);
  }
  const metadata: SafetensorsMetadata = Object.create(null);
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== "string") {
      throw new ValueError(op, `"${METADATA_KEY}.${key}" must be a string, found ${describe(value)}`);
    }
    metadata[key] = value;
  }
  return metadata;
}

/** One tensor entry of a header, checked: a known dtype, a shape of at most `MAX_RANK` sizes, offsets that fit its size. */
export function readEntry(
  op: string,
  name: string,
  raw: unknown,
): { dtype: SafetensorsDType; shape: number[]; begin: number; end: number } {
  const where = `tensor "${name}"`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ValueError(
      op,
      `${where} must be an object { dtype, shape, data_offsets }, found ${describe(raw)}`,
    );
  }
  const entry = raw as Record<string, unknown>;
  for (const key of Object.keys(entry)) {
    if (key !== "dtype" && key !== "shape" && key !== "data_offsets") {
      throw new ValueError(
        op,
        `${where} has an unknown field "${key}": expected only dtype, shape, data_offsets`,
      );
    }
  }
  const { dtype, shape, data_offsets: offsets } = entry;
  if (typeof dtype !== "string")
    throw new ValueError(op, `${where}: field "dtype" is missing or not a string`);
  if (dtype !== "F32" && dtype !== "F64") {
    throw new DTypeError(op, `${where}: dtype "${dtype}" is not supported: descent reads "F32" and "F64"`);
  }
  if (!Array.isArray(shape) || !shape.every(isSize)) {
    throw new ValueError(
      op,
      `${where}: field "shape" must be an array of non-negative integers, found ${JSON.stringify(shape)?.slice(0, 200)}`,
    );
  }
  if (shape.length > MAX_RANK) {
    throw new ValueError(op, `${where}: shape has ${shape.length} axes, more than the ${MAX_RANK} allowed`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSize)) {
    throw new ValueError(
      op,
      `${where}: field "data_offsets" must be [begin, end] with non-negative integers, found ${JSON.stringify(offsets)?.slice(0, 200)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin)
    throw new ValueError(op, `${where}: data_offsets [${begin}, ${end}] end before they begin`);
  // A zero axis makes the product 0 however large the others are; otherwise the running product stops
  // once it leaves the exact integers (no span can be that large).
  const span = end - begin;
  const elementBytes = BYTES_PER_ELEMENT[dtype];
  let elements = (shape as number[]).includes(0) ? 0 : 1;
  let tooLarge = false;
  for (const size of shape as number[]) {
    if (elements === 0) break;
    elements *= size;
    if (elements * elementBytes > Number.MAX_SAFE_INTEGER) {
      tooLarge = true;
      break;
    }
  }
  const expectedBytes = elements * elementBytes;
  if (tooLarge || span !== expectedBytes) {
    throw new ValueError(
      op,
      `${where}: shape ${formatShape(shape as number[])} of ${dtype} needs ${tooLarge ? "more than 2^53" : expectedBytes} bytes but data_offsets [${begin}, ${end}] span ${span}`,
    );
  }
  return { dtype, shape: shape as number[], begin, end };
}

/**
 * Throws when a top-level name of the header appears twice. `JSON.parse` keeps the last of two equal keys
 * silently, so the names are counted on the text itself (valid JSON here: it was parsed just before).
 */
export function rejectDuplicateNames(op: string, text: string, parsedCount: number): void {
  const names = topLevelKeys(text);
  if (names.length === parsedCount) return;
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name))
      throw new ValueError(
        op,
        `the header names "${name.slice(0, 200)}" twice: each tensor name must be unique`,
      );
    seen.add(name);
  }
}

/** The keys of the outermost object of a valid JSON text, in order, duplicates kept. */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(JSON.parse(text.slice(i, j + 1)) as string);
      expectKey = false;
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      expectKey = c === 0x7b && depth === 1;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === 0x2c /* , */ && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}

/** True for a safe non-negative integer (a size or an offset). */
export function isSize(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** A short description of a value for error messages (never throws). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `string ${JSON.stringify(value.slice(0, 40))}`;
  return `${typeof value} ${String(value)}`;
}
