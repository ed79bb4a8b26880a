import { ValueError } from "@descent/tensor";
import { DataError } from "../core/errors.js";
import { checkInteger, checkString, describe } from "../core/validate.js";

/** An IDX array (the MNIST file format): its dimensions and its unsigned bytes in row-major order. */
export interface IdxArray {
  /** Size of each dimension, outermost first (`[60000, 28, 28]` for MNIST's training images). */
  readonly dimensions: readonly number[];
  /** The values, row-major; `data.length` is the product of `dimensions`. */
  readonly data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/** What an IDX header says: the dimensions, the header's length and the number of data bytes it promises. */
export interface IdxHeader {
  readonly dimensions: readonly number[];
  readonly headerLength: number;
  /** `∏ dimensions`: the data bytes that must follow the header. */
  readonly dataLength: number;
}

/**
 * Reads and checks the header at the start of `bytes` (the data after it may be missing: a loader reads
 * the header first to know how much to decompress).
 *
 * @throws {@link DataError} naming `file` when the magic number or dimension count is wrong, or the
 *   header itself is cut short.
 */
export function readIdxHeader(bytes: Uint8Array, file: string, expectedDimensions?: number): IdxHeader {
  const fail = (problem: string): never => {
    throw new DataError("parseIdx", `${file}: ${problem}`, { file });
  };
  if (bytes.length < 4) {
    fail(
      `file has ${bytes.length} bytes, fewer than the 4-byte IDX magic number: the file is truncated or not IDX`,
    );
  }
  const magic = Array.from(bytes.subarray(0, 4), (b) => `0x${b.toString(16).padStart(2, "0")}`).join(" ");
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(
      `bad magic number ${magic}: an IDX file starts with two zero bytes (is it still gzip-compressed, or not IDX?)`,
    );
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    fail(
      `bad magic number ${magic}: data type 0x${bytes[2]!.toString(16).padStart(2, "0")} is not unsigned byte (0x08)`,
    );
  }
  const rank = bytes[3]!;
  if (expectedDimensions !== undefined && rank !== expectedDimensions) {
    fail(
      `bad magic number ${magic}: ${rank} dimensions where ${expectedDimensions} are expected (images have 3, labels 1)`,
    );
  }
  if (rank === 0) fail(`bad magic number ${magic}: zero dimensions`);
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    fail(
      `header needs ${headerLength} bytes for ${rank} dimension sizes but the file has ${bytes.length}: the file is truncated`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dimensions: number[] = [];
  let dataLength = 1;
  for (let axis = 0; axis < rank; axis++) {
    const dimension = view.getUint32(4 + 4 * axis, false);
    dimensions.push(dimension);
    dataLength *= dimension;
  }
  if (dataLength > Number.MAX_SAFE_INTEGER) {
    fail(
      `dimensions [${dimensions.join(",")}] claim more than 2^53 data bytes: the header is corrupt or forged`,
    );
  }
  return { dimensions, headerLength, dataLength };
}

/**
 * Parses an uncompressed IDX file of unsigned bytes, checking the header strictly.
 *
 * Layout: bytes 0–1 are zero, byte 2 is the type (`0x08` = unsigned byte), byte 3 the number of
 * dimensions `d`; then `d` big-endian uint32 sizes; then exactly `∏ sizes` data bytes.
 *
 * @param expectedDimensions When given, the number of dimensions the file must have (3 for images, 1 for labels).
 * @throws {@link DataError} naming `file` when the magic number, dimension count or size is wrong
 *   (a truncated file says how many bytes are missing); {@link ValueError} when `bytes` is not a Uint8Array.
 * @example
 * ```ts
 * const images = parseIdx(bytes, "train-images-idx3-ubyte", 3); // images.dimensions = [60000, 28, 28]
 * ```
 */
export function parseIdx(bytes: Uint8Array, file: string, expectedDimensions?: number): IdxArray {
  if (!(bytes instanceof Uint8Array)) {
    throw new ValueError("parseIdx", `bytes = ${describe(bytes)}: pass the file's bytes as a Uint8Array`);
  }
  checkString("parseIdx", "file", file);
  if (expectedDimensions !== undefined)
    checkInteger("parseIdx", "expectedDimensions", expectedDimensions, 1, 255);
  const fail = (problem: string): never => {
    throw new DataError("parseIdx", `${file}: ${problem}`, { file });
  };
  const { dimensions, headerLength, dataLength: size } = readIdxHeader(bytes, file, expectedDimensions);
  const available = bytes.length - headerLength;
  if (available < size) {
    fail(
      `dimensions [${dimensions.join(",")}] need ${size} data bytes after the ${headerLength}-byte header but only ${available} are there (${size - available} missing): the file is truncated, download or install it again`,
    );
  }
  if (available > size) {
    fail(
      `dimensions [${dimensions.join(",")}] need ${size} data bytes but ${available} follow the header: ${available - size} extra bytes, the file is malformed`,
    );
  }
  return { dimensions, data: bytes.subarray(headerLength) };
}
