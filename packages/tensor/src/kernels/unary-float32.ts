// Why this exists: as for the binary ops (binary-float32.ts), a JavaScript loop over float32 arrays runs one
// element at a time: relu on 256×1024 elements took ~450 µs. These four ops have a SIMD instruction whose
// float32 result is the loop's bit for bit (max with +0 orders −0 below +0 and propagates NaN as Math.max
// does; a float32 square root rounded once equals the float64 one rounded to float32), so they run in
// WebAssembly from a few hundred elements on.

import { SIMD, tinyKernelLoader, vectorMapModule } from "./wasm-assembly.js";

/** An element-wise float32 operation that {@link unaryFloat32} runs in WebAssembly SIMD. */
export type UnaryFloat32Op = "relu" | "neg" | "abs" | "sqrt";

/** Below this many elements the JavaScript loop is faster than the copies into wasm memory. */
export const UNARY_WASM_MINIMUM_LENGTH = 512;
/** Elements per round trip: 64 KiB in and out stay in cache. */
const CHUNK_LENGTH = 16384;

const zeroVector = [SIMD, 0x0c, ...new Array<number>(16).fill(0)]; // v128.const 0

const instructions: Record<UnaryFloat32Op, number[]> = {
  relu: [...zeroVector, SIMD, 0xe9, 0x01], // f32x4.max(x, +0)
  neg: [SIMD, 0xe1, 0x01], // f32x4.neg
  abs: [SIMD, 0xe0, 0x01], // f32x4.abs
  sqrt: [SIMD, 0xe3, 0x01], // f32x4.sqrt
};

/** `(out, x: i32 byte addresses, bytes: i32 (multiple of 16))`: out = op(x), four lanes at a time. */
function moduleBytes(op: UnaryFloat32Op): Uint8Array<ArrayBuffer> {
  return vectorMapModule(op, 1, instructions[op]);
}

type UnaryRun = (out: number, x: number, bytes: number) => void;

const load = tinyKernelLoader<UnaryFloat32Op, UnaryRun>(moduleBytes, CHUNK_LENGTH * 4);

/** Which implementation {@link unaryFloat32} runs for `op` on long arrays (tests check the fast one is used). */
export function unaryFloat32Implementation(op: UnaryFloat32Op): "wasm-simd" | "js" {
  return load(op) === null ? "js" : "wasm-simd";
}

/**
 * `out = op(x)` element-wise over float32 arrays of one length, for op one of relu, neg, abs and sqrt, in
 * WebAssembly SIMD (chunk by chunk through the module's memory, in place) where the runtime has it and the
 * arrays are long enough; returns false, having written nothing, otherwise (the caller then runs its
 * JavaScript loop). Results are bit-identical to that loop's.
 *
 * `outᵢ = max(xᵢ, 0)`, `−xᵢ`, `|xᵢ|` or `⌊√xᵢ⌉₃₂` (⌊·⌉₃₂: rounding to float32)
 *
 * @example
 * if (!unaryFloat32("relu", out, x)) for (let i = 0; i < out.length; i++) out[i] = Math.max(x[i]!, 0);
 */
export function unaryFloat32(op: UnaryFloat32Op, out: Float32Array, x: Float32Array): boolean {
  const length = out.length;
  if (length < UNARY_WASM_MINIMUM_LENGTH) return false;
  const wasm = load(op);
  if (wasm === null) return false;
  const floats = wasm.floats;
  for (let start = 0; start < length; start += CHUNK_LENGTH) {
    const count = Math.min(CHUNK_LENGTH, length - start);
    floats.set(x.subarray(start, start + count), 0);
    // Whole vectors only: up to three lanes past `count` hold stale values and are never copied out.
    wasm.run(0, 0, Math.ceil(count / 4) * 16);
    out.set(floats.subarray(0, count), start);
  }
  return true;
}
