import type { Tensor as TensorLike } from "@descent/spec";
import { DTypeError, formatShape, Tensor, ValueError } from "@descent/tensor";
import { limitError, MAX_RANK, type ModelFileLimits, resolveLimits } from "./limits.js";
import {
  BYTES_PER_ELEMENT,
  describe,
  isSize,
  METADATA_KEY,
  readEntry,
  readHeaderLength,
  readMetadata,
  rejectDuplicateNames,
  type SafetensorsDType,
  type SafetensorsMetadata,
} from "./safetensors-header.js";

export type { SafetensorsMetadata } from "./safetensors-header.js";
export { readHeaderLength } from "./safetensors-header.js";

/**
 * The result of {@link decodeSafetensors}: tensors by name (in file order) and the free-form metadata, both
 * null-prototype objects (a tensor named `__proto__` or `toString` is an own entry, never an inherited one).
 */
export interface DecodedSafetensors {
  /** The tensors by name, in file order. */
  readonly tensors: Record<string, Tensor>;
  /** The header's `__metadata__` strings (`{}` when absent). */
  readonly metadata: SafetensorsMetadata;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const textEncoder = new TextEncoder();

/**
 * Encodes named tensors into the safetensors format (https://github.com/huggingface/safetensors).
 *
 * Layout: `u64 little-endian N` · `N bytes of JSON header` (padded with spaces so the data starts on an
 * 8-byte boundary) · `data`. The header maps each name to `{ dtype: "F32" | "F64", shape, data_offsets:
 * [begin, end] }` (byte offsets into the data, end exclusive) plus `__metadata__`, a string-to-string map.
 * float64 tensors are stored first so every tensor is aligned to its element size.
 *
 * @example
 * const bytes = encodeSafetensors({ "dense_1.bias": zeros([10]) }, { format: "descent" });
 */
export function encodeSafetensors(
  tensors: Readonly<Record<string, TensorLike>>,
  metadata: SafetensorsMetadata = {},
): Uint8Array {
  const op = "encodeSafetensors";
  if (typeof tensors !== "object" || tensors === null) {
    throw new ValueError(op, "tensors must be an object of tensors by name");
  }
  if (typeof metadata !== "object" || metadata === null) {
    throw new ValueError(op, "metadata must be an object of strings");
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== "string") {
      throw new ValueError(
        op,
        `metadata "${key}" is a ${typeof value}: safetensors metadata values must be strings`,
      );
    }
  }
  const names = Object.keys(tensors);
  if (names.includes(METADATA_KEY)) {
    throw new ValueError(op, `"${METADATA_KEY}" is reserved for metadata and cannot name a tensor`);
  }
  const dtypes = new Map(names.map((name) => [name, toSafetensorsDType(op, name, tensors[name]!)]));
  // Stable: float64 first (8-byte alignment), then float32, each group in the given order.
  const ordered = [
    ...names.filter((name) => dtypes.get(name) === "F64"),
    ...names.filter((name) => dtypes.get(name) !== "F64"),
  ];
  // Null prototype: a tensor named "__proto__" is an entry like any other, not the header's prototype.
  const header: Record<string, unknown> = Object.create(null);
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  let offset = 0;
  for (const name of ordered) {
    const tensor = tensors[name]!;
    const dtype = dtypes.get(name)!;
    const byteLength = tensor.data.length * BYTES_PER_ELEMENT[dtype];
    header[name] = { dtype, shape: [...tensor.shape], data_offsets: [offset, offset + byteLength] };
    offset += byteLength;
  }
  let headerBytes = textEncoder.encode(JSON.stringify(header));
  const padding = (8 - ((8 + headerBytes.length) % 8)) % 8;
  if (padding > 0) {
    const padded = new Uint8Array(headerBytes.length + padding).fill(0x20);
    padded.set(headerBytes);
    headerBytes = padded;
  }
  const output = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(output.buffer);
  view.setUint32(0, headerBytes.length % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerBytes.length / 2 ** 32), true);
  output.set(headerBytes, 8);
  const dataStart = 8 + headerBytes.length;
  for (const name of ordered) {
    const tensor = tensors[name]!;
    const [begin] = (header[name] as { data_offsets: [number, number] }).data_offsets;
    writeElements(tensor.data, output, dataStart + begin);
  }
  return output;
}

/**
 * Decodes a safetensors file, validating the whole header before any tensor is built: header length,
 * JSON, every field's type, dtype (`F32`/`F64`), shape, byte size, that no name appears twice, and that
 * the data offsets tile the data section exactly (no overlap, gap, or byte out of range). Tensors are
 * copied out of `bytes`.
 *
 * Limits (see {@link ModelFileLimits}; raise them with `options.limits` for trusted files): the header's
 * bytes (16 MiB), the number of tensors (100,000), their total elements (2^31), and 32 axes per tensor.
 *
 * @throws `ValueError` (from `@descent/tensor`) naming the field, what was found and what was expected.
 * @example
 * const { tensors, metadata } = decodeSafetensors(bytes);
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  options: { readonly limits?: ModelFileLimits } = {},
): DecodedSafetensors {
  const op = "decodeSafetensors";
  const limits = resolveLimits(op, options?.limits);
  const headerLength = readHeaderLength(op, bytes, limits);
  let headerText: string;
  try {
    headerText = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    throw new ValueError(op, "header is not valid UTF-8");
  }
  if (!headerText.startsWith("{")) {
    throw new ValueError(
      op,
      `header must be a JSON object starting with "{", found ${JSON.stringify(headerText.slice(0, 20))}`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (error) {
    throw new ValueError(op, `header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new ValueError(op, `header must be a JSON object, found ${describe(header)}`);
  }
  const names = Object.keys(header);
  const tensorCount = names.length - (Object.hasOwn(header, METADATA_KEY) ? 1 : 0);
  if (tensorCount > limits.maxTensors) {
    throw limitError(op, "the header", tensorCount, "tensors", "maxTensors", limits.maxTensors);
  }
  rejectDuplicateNames(op, headerText, names.length);
  const dataLength = bytes.length - 8 - headerLength;
  const metadata = readMetadata(
    op,
    Object.hasOwn(header, METADATA_KEY) ? (header as Record<string, unknown>)[METADATA_KEY] : undefined,
  );
  const entries: { name: string; dtype: SafetensorsDType; shape: number[]; begin: number; end: number }[] =
    [];
  let totalElements = 0;
  for (const name of names) {
    if (name === METADATA_KEY) continue;
    const entry = readEntry(op, name, (header as Record<string, unknown>)[name]);
    totalElements += (entry.end - entry.begin) / BYTES_PER_ELEMENT[entry.dtype];
    if (totalElements > limits.maxElements) {
      throw limitError(
        op,
        "the file",
        totalElements,
        "elements (or more)",
        "maxElements",
        limits.maxElements,
      );
    }
    entries.push({ name, ...entry });
  }
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expectedBegin = 0;
  for (const entry of byOffset) {
    if (entry.begin < expectedBegin) {
      throw new ValueError(
        op,
        `tensor "${entry.name}": data_offsets [${entry.begin}, ${entry.end}] overlap the previous tensor (which ends at byte ${expectedBegin})`,
      );
    }
    if (entry.begin > expectedBegin) {
      throw new ValueError(
        op,
        `tensor "${entry.name}": data_offsets begin at ${entry.begin} but the previous tensor ends at ${expectedBegin}: the data section has a gap`,
      );
    }
    if (entry.end > dataLength) {
      throw new ValueError(
        op,
        `tensor "${entry.name}": data_offsets end at byte ${entry.end} but the data section has ${dataLength} bytes: the file is truncated or the offsets are out of range`,
      );
    }
    expectedBegin = entry.end;
  }
  if (expectedBegin !== dataLength) {
    throw new ValueError(
      op,
      `the tensors cover ${expectedBegin} bytes but the data section has ${dataLength}: ${dataLength - expectedBegin} trailing bytes belong to no tensor`,
    );
  }
  const dataStart = bytes.byteOffset + 8 + headerLength;
  const tensors: Record<string, Tensor> = Object.create(null);
  for (const entry of entries) {
    const size = (entry.end - entry.begin) / BYTES_PER_ELEMENT[entry.dtype];
    const data = entry.dtype === "F64" ? new Float64Array(size) : new Float32Array(size);
    readElements(bytes.buffer, dataStart + entry.begin, data);
    tensors[entry.name] = new Tensor(data, entry.shape);
  }
  return { tensors, metadata };
}

/** The stored dtype of a tensor, after checking it is one a reader will accept (home-made tensors too). */
function toSafetensorsDType(op: string, name: string, tensor: TensorLike): SafetensorsDType {
  const shape: unknown = tensor?.shape;
  const data: unknown = tensor?.data;
  if (!Array.isArray(shape) || !shape.every(isSize) || shape.length > MAX_RANK) {
    throw new ValueError(
      op,
      `tensor "${name}" has shape ${JSON.stringify(shape)?.slice(0, 100)}: expected at most ${MAX_RANK} non-negative integer sizes`,
    );
  }
  const dtype =
    tensor.dtype === "float32" && data instanceof Float32Array
      ? "F32"
      : tensor.dtype === "float64" && data instanceof Float64Array
        ? "F64"
        : undefined;
  if (dtype === undefined) {
    throw new DTypeError(
      op,
      `tensor "${name}" has dtype ${JSON.stringify(tensor?.dtype)} with ${describe(data)} data: only float32 (Float32Array) and float64 (Float64Array) can be saved`,
    );
  }
  const size = shape.reduce((product: number, n: number) => product * n, 1);
  if (size !== (data as Float32Array | Float64Array).length) {
    throw new ValueError(
      op,
      `tensor "${name}" has shape ${formatShape(shape)} (${size} elements) but ${(data as Float32Array).length} values: the shape must match the data`,
    );
  }
  return dtype;
}

function writeElements(data: Float32Array | Float64Array, output: Uint8Array, byteOffset: number): void {
  if (littleEndian) {
    output.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), byteOffset);
    return;
  }
  const view = new DataView(output.buffer, output.byteOffset + byteOffset, data.byteLength);
  if (data instanceof Float64Array)
    for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i]!, true);
  else for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
}

function readElements(
  buffer: ArrayBufferLike,
  byteOffset: number,
  target: Float32Array | Float64Array,
): void {
  if (littleEndian) {
    new Uint8Array(target.buffer).set(new Uint8Array(buffer, byteOffset, target.byteLength));
    return;
  }
  const view = new DataView(buffer, byteOffset, target.byteLength);
  if (target instanceof Float64Array)
    for (let i = 0; i < target.length; i++) target[i] = view.getFloat64(i * 8, true);
  else for (let i = 0; i < target.length; i++) target[i] = view.getFloat32(i * 4, true);
}
