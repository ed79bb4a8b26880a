import { setFlagsFromString } from "node:v8";

/** The V8 flag behind which Node 20 and 21 keep WebAssembly relaxed SIMD (on by default from Node 22). */
export const RELAXED_SIMD_FLAG = "--experimental-wasm-relaxed-simd";

/**
 * Whether this Node version keeps relaxed SIMD behind {@link RELAXED_SIMD_FLAG}: Node 20 and 21 (Node ≥ 22 runs
 * it by default and may drop the flag; older Node is not supported).
 *
 * @example relaxedSimdNeedsFlag("20.20.2") // true
 */
export function relaxedSimdNeedsFlag(nodeVersion: string = process.versions.node): boolean {
  const major = Number(nodeVersion.split(".")[0]);
  return major >= 20 && major < 22;
}

/**
 * Lets this process run descent's relaxed-SIMD kernels (fused multiply-add lanes), as current browsers and
 * Node ≥ 22 do by default: on Node 20 and 21 it turns on V8's flag. Call it before the kernels initialise,
 * since `initKernels` detects support once. The kernels the bench then picks are named in its tables
 * (`wasm-relaxed-simd, 2 threads`); `DESCENT_KERNELS=wasm-simd` measures the plain-SIMD build instead.
 *
 * Why the bench does this: its PyTorch peer multiplies with fused multiply-adds (AVX2 FMA), and relaxed SIMD
 * is WebAssembly's way to them; measured on the 784-128-10 MLP `fit`, 1.15× the plain-SIMD build (median of
 * 8 alternating pairs in one process, see the changeset). A fused lane rounds once where plain SIMD rounds
 * twice, so results differ from the plain build in the last bits; the same seed still gives the same numbers
 * on the same machine.
 *
 * @returns whether the flag was set (false on Node ≥ 22, where relaxed SIMD needs no flag)
 * @example
 * enableRelaxedSimd(); // first thing in the CLI, before anything initialises the kernels
 */
export function enableRelaxedSimd(nodeVersion: string = process.versions.node): boolean {
  if (!relaxedSimdNeedsFlag(nodeVersion)) return false;
  setFlagsFromString(RELAXED_SIMD_FLAG);
  return true;
}
