import { DataError } from "../core/errors.js";
import { type IdxArray, type IdxHeader, parseIdx, readIdxHeader } from "../images/idx.js";
import { gunzipBounded, isGzip, readBytes } from "./files.js";

/** What a loader knows about one IDX file before reading it. */
export interface IdxFileSpec {
  /** Path of the file (`.gz` or uncompressed). */
  readonly path: string;
  /** Dimensions the file must have (3 for images, 1 for labels). */
  readonly dimensions: number;
  /** Largest uncompressed size the file may have, header included (the dataset's known size). */
  readonly maxBytes: number;
}

// gzip adds at most a few bytes per 16 KiB block plus its header to incompressible data.
const compressedLimit = (maxBytes: number) => Math.ceil(maxBytes * 1.01) + 65536;

/**
 * Reads an IDX file, gunzipping it when it starts with `1f 8b`, without ever holding more than the
 * size its header declares: the header is decompressed first (from a short prefix of the stream), its
 * dimensions give the exact size `header + ∏ dimensions`, which must be at most `spec.maxBytes`, and the
 * whole stream is then decompressed with zlib's `maxOutputLength` set to that size.
 *
 * @throws {@link DataError} naming the file: missing, larger than the limit, a header claiming more than
 *   the limit, output larger than the header claims (a decompression bomb), truncated or malformed.
 */
export function readIdxFile(op: string, spec: IdxFileSpec, howToGet: string): IdxArray {
  const { path, dimensions, maxBytes } = spec;
  const bytes = readBytes(op, path, howToGet, compressedLimit(maxBytes));
  if (!isGzip(bytes)) {
    if (bytes.length > maxBytes) {
      throw new DataError(
        op,
        `${path} has ${bytes.length} bytes, more than the ${maxBytes} this dataset's file can have: it is not the expected file`,
        { file: path },
      );
    }
    return parseIdx(bytes, path, dimensions);
  }
  const header = peekHeader(op, bytes, path, dimensions, maxBytes);
  const expected = header.headerLength + header.dataLength;
  if (expected > maxBytes) {
    throw new DataError(
      op,
      `${path}: its IDX header claims dimensions [${header.dimensions.join(",")}], ${expected} bytes, more than the limit of ${maxBytes} bytes for this dataset's file: the header is corrupt or forged, install or download the file again`,
      { file: path },
    );
  }
  const plain = gunzipBounded(
    op,
    bytes,
    path,
    expected,
    `the size its IDX header [${header.dimensions.join(",")}] declares`,
  );
  return parseIdx(plain, path, dimensions);
}

// Decompresses growing prefixes of the stream (64 B, 256 B, …) until the IDX header is out. Every step is
// bounded by maxBytes, and a header of at most 1,024 bytes comes out of the first few hundred bytes of a
// real file.
function peekHeader(
  op: string,
  bytes: Uint8Array,
  path: string,
  dimensions: number,
  maxBytes: number,
): IdxHeader {
  for (let prefix = 64; ; prefix *= 4) {
    const whole = prefix >= bytes.length;
    const start = gunzipBounded(
      op,
      whole ? bytes : bytes.subarray(0, prefix),
      path,
      maxBytes,
      "the size of this dataset's file",
      true,
    );
    const rank = start.length >= 4 ? start[3]! : 0;
    if (whole || (start.length >= 4 && (start[0] !== 0 || start.length >= 4 + 4 * rank))) {
      return readIdxHeader(start, path, dimensions);
    }
  }
}
