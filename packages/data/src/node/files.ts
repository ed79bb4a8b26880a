import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { DataError } from "../core/errors.js";

/** The folder of an installed npm dependency of this package (resolved from this file, never from the network). */
export function packageDirectory(op: string, name: string): string {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    throw new DataError(
      op,
      `the npm package ${name} is not installed: it is a dependency of @descent/data, reinstall with \`npm install @descent/data\``,
    );
  }
}

/** The bytes of a file, or a {@link DataError} that names it and says how to get it. */
export function readBytes(op: string, path: string, howToGet: string): Uint8Array {
  if (!existsSync(path)) throw new DataError(op, `${path} does not exist: ${howToGet}`, { file: path });
  try {
    return readFileSync(path);
  } catch (error) {
    throw new DataError(op, `${path} cannot be read (${(error as Error).message}): ${howToGet}`, {
      file: path,
    });
  }
}

/** `bytes` gunzipped when they start with the gzip magic number `1f 8b`, else as they are. */
export function gunzipIfNeeded(op: string, bytes: Uint8Array, path: string): Uint8Array {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new DataError(
      op,
      `${path}: cannot gunzip (${(error as Error).message}): the file is truncated or corrupt, install or download it again`,
      { file: path },
    );
  }
}

/** `join` re-exported so loaders read as one import. */
export { join };
