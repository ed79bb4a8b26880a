// Why this exists: the backward of a relu layer multiplies the cotangent by a mask that is 1 or 0 at
// random (half the units are off), so a JavaScript loop mispredicts a branch on every other element
// (~7 ns per element measured, against ~1.7 when the mask is predictable). WebAssembly SIMD selects
// without branching; the copies in and out cost less than the mispredictions.

import { ValueError } from "../core/errors.js";
import { assertFloatArray, assertSize } from "./arguments.js";
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

/** Which implementation {@link reluGradient} runs for large arrays (tests check the fast one is used). */
export function reluGradientImplementation(): "wasm-simd" | "js" {
  return load() === null ? "js" : "wasm-simd";
}

function reluGradientLoop(
  g: Float32Array | Float64Array,
  y: Float32Array | Float64Array,
  out: Float32Array | Float64Array,
  biasGradient: Float32Array | Float64Array | null,
  columns: number,
): void {
  const length = g.length;
  if (biasGradient === null) {
    for (let i = 0; i < length; i++) out[i] = g[i]! * Math.sign(y[i]!);
    return;
  }
  for (let offset = 0; offset < length; offset += columns) {
    for (let j = 0; j < columns; j++) {
      const value = g[offset + j]! * Math.sign(y[offset + j]!);
      out[offset + j] = value;
      biasGradient[j]! += value;
    }
  }
}

/**
 * The backward of relu from its output: `out = g · relu'(z)` where `y = relu(z) = max(z, 0)`, with
 * relu'(z) = 1 for z > 0 and 0 for z ≤ 0 (the default subgradient at the kink), NaN where y is NaN; and,
 * when `biasGradient` is given, its columns accumulate `out` row after row (`[rows, columns]` row-major):
 * the bias gradient of a dense layer in the same pass. WebAssembly SIMD for float32 when available, with
 * the same results as the JavaScript loop (the sums in the same order, each rounded to the array's type).
 *
 * `outᵢ = gᵢ · [yᵢ > 0]`, `biasGradientⱼ += Σᵣ out_rj`
 *
 * @example
 * reluGradient(cotangent, activations, gradient, biasGradient, 128);
 */
export function reluGradient(
  g: Float32Array | Float64Array,
  y: Float32Array | Float64Array,
  out: Float32Array | Float64Array,
  biasGradient: Float32Array | Float64Array | null,
  columns: number,
): void {
  const op = "reluGradient";
  assertFloatArray(op, g, "g", 0);
  const length = g.length;
  assertFloatArray(op, y, "y", length);
  assertFloatArray(op, out, "out", length);
  assertSize(op, columns, "columns");
  if (biasGradient !== null) assertFloatArray(op, biasGradient, "biasGradient", columns);
  if (columns === 0 ? length !== 0 : length % columns !== 0) {
    throw new ValueError(
      op,
      `g has ${length} elements, not whole rows of columns = ${columns}: pass the row length (the layer's width)`,
    );
  }
  const float32 =
    g instanceof Float32Array &&
    y instanceof Float32Array &&
    out instanceof Float32Array &&
    (biasGradient === null || biasGradient instanceof Float32Array);
  const wasm = float32 && length >= WASM_MINIMUM_LENGTH && columns % 4 === 0 ? load() : null;
  if (wasm === null) {
    reluGradientLoop(g, y, out, biasGradient, columns);
    return;
  }
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
}
