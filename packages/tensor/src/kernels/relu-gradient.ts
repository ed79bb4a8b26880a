// Why this exists: the backward of a relu layer multiplies the cotangent by a mask that is 1 or 0 at
// random (half the units are off), so a JavaScript loop mispredicts a branch on every other element
// (~7 ns per element measured, against ~1.7 when the mask is predictable). WebAssembly SIMD selects
// without branching; the copies in and out cost less than the mispredictions.

import {
  instantiate,
  localGet,
  localSet,
  reserve,
  SIMD,
  singleFunctionModule,
  type TinyKernel,
  v128Load,
  v128Store,
} from "./wasm-assembly.js";

/** Below this many elements the JavaScript loop is faster than the copies into wasm memory. */
const WASM_MINIMUM_LENGTH = 1024;

/**
 * `(g, y, out, bias: i32 byte addresses, rows, rowBytes: i32 (multiple of 16))`: out = g·[y > 0] (NaN where
 * y is NaN), and bias[j] += out[r, j] row after row.
 */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  const [G, Y, OUT, BIAS, ROWS, ROW_BYTES, AT, END, J, YV, VALUE, ONES] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
  ];
  const element = (base: number) => [...localGet(base), ...localGet(AT), 0x6a, ...localGet(J), 0x6a]; // base + at + j
  const biasAddress = [...localGet(BIAS), ...localGet(J), 0x6a];
  const body = [
    ...[0x02, 0x03, 0x7f, 0x03, 0x7b], // locals: 3 × i32 (at, end, j), 3 × v128 (y, value, ones)
    ...localGet(ROWS),
    ...localGet(ROW_BYTES),
    0x6c, // i32.mul
    ...localSet(END),
    ...[0x41, 0x01, SIMD, 0x11], // i32.const 1, i32x4.splat
    ...localSet(ONES),
    ...[0x02, 0x40, 0x03, 0x40], // block, loop (rows)
    ...localGet(AT),
    ...localGet(END),
    ...[0x4f, 0x0d, 0x01], // i32.ge_u, br_if 1
    ...[0x41, 0x00], // i32.const 0
    ...localSet(J),
    ...[0x02, 0x40, 0x03, 0x40], // block, loop (columns)
    ...localGet(J),
    ...localGet(ROW_BYTES),
    ...[0x4f, 0x0d, 0x01], // i32.ge_u, br_if 1
    ...element(Y),
    ...v128Load,
    ...localSet(YV),
    ...element(G),
    ...v128Load,
    ...localGet(YV),
    ...[SIMD, 0x0c, ...new Array<number>(16).fill(0)], // v128.const 0
    ...[SIMD, 0x44], // f32x4.gt: all ones where y > 0
    ...localGet(ONES),
    ...[SIMD, 0x4e], // v128.and → integer 1 or 0
    ...[SIMD, 0xfa, 0x01], // f32x4.convert_i32x4_s → 1.0 or 0.0 (+0: g·0 keeps g's sign, as in JavaScript)
    ...[SIMD, 0xe6, 0x01], // f32x4.mul
    ...localSet(VALUE),
    ...localGet(YV),
    ...localGet(VALUE),
    ...localGet(YV),
    ...localGet(YV),
    ...[SIMD, 0x42], // f32x4.ne: all ones where y is NaN
    ...[SIMD, 0x52], // v128.bitselect: y (NaN) there, the product elsewhere
    ...localSet(VALUE),
    ...element(OUT),
    ...localGet(VALUE),
    ...v128Store,
    ...biasAddress,
    ...biasAddress,
    ...v128Load,
    ...localGet(VALUE),
    ...[SIMD, 0xe4, 0x01], // f32x4.add
    ...v128Store,
    ...localGet(J),
    ...[0x41, 0x10, 0x6a], // i32.const 16, i32.add
    ...localSet(J),
    ...[0x0c, 0x00, 0x0b, 0x0b], // br 0, end loop, end block (columns)
    ...localGet(AT),
    ...localGet(ROW_BYTES),
    0x6a,
    ...localSet(AT),
    ...[0x0c, 0x00, 0x0b, 0x0b], // br 0, end loop, end block (rows)
    0x0b,
  ];
  return singleFunctionModule("reluGradient", [0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f], [], body);
}

type ReluGradient = (g: number, y: number, out: number, bias: number, rows: number, rowBytes: number) => void;

let instance: TinyKernel<ReluGradient> | null | undefined;

function load(): TinyKernel<ReluGradient> | null {
  if (instance === undefined) instance = instantiate<ReluGradient>(moduleBytes(), "reluGradient");
  return instance;
}

/** Which implementation the relu backward runs for large arrays (tests check the fast one is used). */
export function reluGradientImplementation(): "wasm-simd" | "js" {
  return load() === null ? "js" : "wasm-simd";
}

/**
 * The float32 relu backward (see `Kernels.reluBackward`) in this file's module, copied in and out; false,
 * having written nothing, where WebAssembly SIMD is missing, the arrays are short or rows are not whole vectors.
 */
export function reluBackwardTinyWasm(
  g: Float32Array,
  y: Float32Array,
  out: Float32Array,
  biasGradient: Float32Array | null,
  columns: number,
): boolean {
  const length = g.length;
  const wasm = length >= WASM_MINIMUM_LENGTH && columns % 4 === 0 ? load() : null;
  if (wasm === null) return false;
  const bytes = length * 4;
  const rowBytes = columns * 4;
  reserve(wasm, 3 * bytes + rowBytes);
  const floats = wasm.floats;
  floats.set(g, 0);
  floats.set(y, length);
  const biasAt = 3 * length;
  if (biasGradient === null) floats.fill(0, biasAt, biasAt + columns);
  else floats.set(biasGradient, biasAt);
  wasm.run(0, bytes, 2 * bytes, 3 * bytes, length / columns, rowBytes);
  out.set(floats.subarray(2 * length, 3 * length));
  if (biasGradient !== null) biasGradient.set(floats.subarray(biasAt, biasAt + columns));
  return true;
}
