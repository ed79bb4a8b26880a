import {
  maximumMemoryPages,
  relaxedSimdSharedBase64,
  relaxedSimdUnsharedBase64,
  simdSharedBase64,
  simdUnsharedBase64,
} from "./generated/kernels-wasm.js";

/** A WebAssembly kernel build: plain SIMD128, or relaxed SIMD (fused multiply-add). */
export type WasmVariant = "wasm-simd" | "wasm-relaxed-simd";

/** What this JavaScript runtime can run, detected once by validating the embedded modules. */
export interface WasmSupport {
  /** WebAssembly with SIMD128 (Node ≥ 16, every current browser). */
  readonly simd: boolean;
  /** Relaxed SIMD (current browsers; Node 20 only with `--experimental-wasm-relaxed-simd`). */
  readonly relaxedSimd: boolean;
  /** Shared WebAssembly memory (Node; browsers only when `crossOriginIsolated`), needed for worker threads. */
  readonly sharedMemory: boolean;
}

const bytesCache = new Map<string, Uint8Array<ArrayBuffer>>();

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** The module bytes of one variant, in its shared-memory (threads) or unshared build. */
export function moduleBytes(variant: WasmVariant, shared: boolean): Uint8Array<ArrayBuffer> {
  const key = `${variant}:${shared}`;
  let bytes = bytesCache.get(key);
  if (bytes === undefined) {
    const relaxed = variant === "wasm-relaxed-simd";
    const base64 = shared
      ? relaxed
        ? relaxedSimdSharedBase64
        : simdSharedBase64
      : relaxed
        ? relaxedSimdUnsharedBase64
        : simdUnsharedBase64;
    bytes = decodeBase64(base64);
    bytesCache.set(key, bytes);
  }
  return bytes;
}

function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer !== "function") return false;
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return false;
  try {
    return (
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer
    );
  } catch {
    return false;
  }
}

let support: WasmSupport | undefined;

/** Detects (once) which WebAssembly kernels this runtime can run. */
export function wasmSupport(): WasmSupport {
  if (support !== undefined) return support;
  if (typeof WebAssembly !== "object" || typeof WebAssembly.validate !== "function") {
    support = { simd: false, relaxedSimd: false, sharedMemory: false };
    return support;
  }
  const simd = WebAssembly.validate(moduleBytes("wasm-simd", false));
  const relaxedSimd = simd && WebAssembly.validate(moduleBytes("wasm-relaxed-simd", false));
  const sharedMemory = simd && canShareMemory() && WebAssembly.validate(moduleBytes("wasm-simd", true));
  support = { simd, relaxedSimd, sharedMemory };
  return support;
}

/**
 * Creates the memory the kernels import: shared when threads are possible. Runtimes may refuse to reserve
 * the full 2 GiB maximum of a shared memory up front, so smaller maxima are tried in turn.
 */
export function createKernelMemory(shared: boolean, initialPages: number): WebAssembly.Memory {
  let lastError: unknown;
  for (const maximum of [maximumMemoryPages, 16384, 4096, 1024]) {
    try {
      return new WebAssembly.Memory({ initial: Math.min(initialPages, maximum), maximum, shared });
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
