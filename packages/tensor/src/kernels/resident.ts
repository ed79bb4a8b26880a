import { ValueError } from "../core/errors.js";
import { getKernels } from "./registry.js";

/**
 * A float32 array of `length` elements that the active kernels use in place: with the WebAssembly kernels on
 * shared memory (Node, cross-origin-isolated browsers) its storage is the kernels' own memory, so a GEMM
 * reading or writing it copies nothing. Returns null where the kernels have no such storage (JavaScript
 * kernels, unshared memory): use a plain `Float32Array` then. Values are those of a plain array; only
 * where they live differs.
 *
 * Contents are unspecified (a reused block keeps old values). The caller owns the array until it calls
 * {@link releaseResident}, after which the storage is handed out again: keep no reference past that.
 *
 * @throws `ValueError` when `length` is not an integer ≥ 0 (0 gives null: nothing to store).
 * @example
 * const batch = residentFloat32(64 * 784) ?? new Float32Array(64 * 784);
 * try {
 *   // fill batch, multiply with it: no copy into WebAssembly memory
 * } finally {
 *   releaseResident(batch);
 * }
 */
export function residentFloat32(length: number): Float32Array | null {
  if (typeof length !== "number" || !Number.isInteger(length) || length < 0) {
    throw new ValueError(
      "residentFloat32",
      `length is ${typeof length === "number" ? length : typeof length}: pass the number of float32 elements, an integer ≥ 0`,
    );
  }
  if (length === 0) return null;
  return getKernels().residentFloat32?.(length) ?? null;
}

/**
 * Gives back an array from {@link residentFloat32} to the active kernels for reuse. Arrays that are not
 * theirs (plain arrays, subarrays, arrays already given back, arrays of kernels switched away from, whose
 * memory goes with them, anything else) are ignored, so `releaseResident(residentFloat32(n) ?? plain)` is safe.
 *
 * @example
 * const buffer = residentFloat32(1024);
 * if (buffer !== null) releaseResident(buffer);
 */
export function releaseResident(array: Float32Array): void {
  if (array instanceof Float32Array) getKernels().releaseResident?.(array);
}
