// Why this exists: the parameter update of a learning-rate step, `θ' = θ + η·u`, is the largest
// element-wise pass of a training step (one per parameter per step), and a JavaScript loop over
// float32 arrays runs at ~1.5–2.5 ns per element. WebAssembly SIMD does 4 at a time, and copying
// the operands into its memory and back costs less than the loop saves. The module is tiny, so it
// is written here directly as bytes (no build step) and compiles synchronously everywhere.

import { scaledAddByLoop } from "./js-elementwise.js";
import type { WasmEngine } from "./wasm/engine.js";
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
const WASM_MINIMUM_LENGTH = 2048;
/** `(out, p, u: i32 byte addresses, n: i32 count (multiple of 4), factor: f64) → i32 all finite`. */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  const shuffle = (lanes: number[]) => [SIMD, 0x0d, ...lanes];
  const promoteLow = [SIMD, 0x5f]; // f64x2.promote_low_f32x4
  const demoteZero = [SIMD, 0x5e]; // f32x4.demote_f64x2_zero
  const f64x2Mul = [SIMD, 0xf2, 0x01];
  const f32x4Add = [SIMD, 0xe4, 0x01];
  const f32x4Sub = [SIMD, 0xe5, 0x01];
  const [OUT, P, U, N, FACTOR, I, END, FACTORS, ACC, UPDATE, VALUE] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const address = (base: number) => [...localGet(base), ...localGet(I), 0x6a]; // base + i
  // The product is taken in float64 and rounded to float32, exactly as `Math.fround(factor * u)` in
  // JavaScript (factor is a float64 there); the sum of two float32 values rounds identically either way.
  const scaledHalf = [...promoteLow, ...localGet(FACTORS), ...f64x2Mul, ...demoteZero];
  const body = [
    ...[0x02, 0x02, 0x7f, 0x04, 0x7b], // locals: 2 × i32 (i, end), 4 × v128 (factors, acc, update, value)
    ...localGet(N),
    ...[0x41, 0x02, 0x74], // i32.const 2, i32.shl
    ...localSet(END),
    ...localGet(FACTOR),
    ...[SIMD, 0x14], // f64x2.splat
    ...localSet(FACTORS),
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...localGet(I),
    ...localGet(END),
    ...[0x4f, 0x0d, 0x01], // i32.ge_u, br_if 1 (leave the block)
    ...address(U),
    ...v128Load,
    ...localSet(UPDATE),
    ...address(P),
    ...v128Load,
    ...localGet(UPDATE),
    ...scaledHalf, // lanes 0, 1
    ...localGet(UPDATE),
    ...localGet(UPDATE),
    ...shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]),
    ...scaledHalf, // lanes 2, 3
    ...shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]),
    ...f32x4Add,
    ...localSet(VALUE),
    ...address(OUT),
    ...localGet(VALUE),
    ...v128Store,
    // acc += value − value: stays 0 while every value is finite, NaN for good after a NaN or ±∞.
    ...localGet(ACC),
    ...localGet(VALUE),
    ...localGet(VALUE),
    ...f32x4Sub,
    ...f32x4Add,
    ...localSet(ACC),
    ...localGet(I),
    ...[0x41, 0x10, 0x6a], // i32.const 16, i32.add
    ...localSet(I),
    ...[0x0c, 0x00, 0x0b, 0x0b], // br 0 (next iteration), end loop, end block
    ...localGet(ACC),
    ...localGet(ACC),
    ...[SIMD, 0x41], // f32x4.eq: false in a NaN lane
    ...[SIMD, 0xa3, 0x01], // i32x4.all_true
    0x0b,
  ];
  return singleFunctionModule("scaledAdd", [0x7f, 0x7f, 0x7f, 0x7f, 0x7c], [0x7f], body);
}

type ScaledAdd = (out: number, p: number, u: number, n: number, factor: number) => number;

let instance: TinyKernel<ScaledAdd> | null | undefined;

function load(): TinyKernel<ScaledAdd> | null {
  if (instance === undefined) instance = instantiate<ScaledAdd>(moduleBytes(), "scaledAdd");
  return instance;
}

/** Which implementation the scaled add runs for large arrays (tests check the fast one is used). */
export function scaledAddImplementation(): "wasm-simd" | "js" {
  return load() === null ? "js" : "wasm-simd";
}

/**
 * The float32 update `out = p + fround(factor·u)` (see `Kernels.scaledAdd`) in WebAssembly: in place in
 * `engine`'s memory when all three arrays are resident there, else through this file's module (copied in and
 * out); the tail past the last whole vector by the JavaScript loop. Null, having written nothing, for short
 * arrays or without WebAssembly SIMD.
 */
export function scaledAddTinyWasm(
  engine: WasmEngine,
  out: Float32Array,
  p: Float32Array,
  u: Float32Array,
  factor: number,
): boolean | null {
  const length = out.length;
  if (length < WASM_MINIMUM_LENGTH) return null;
  const vectorLength = length & ~3;
  const finite =
    engine.scaledAdd(out, p, u, vectorLength, factor) ?? copiedScaledAdd(out, p, u, vectorLength, factor);
  if (finite === null) return null;
  const tailFinite = vectorLength === length || scaledAddByLoop(out, p, u, factor, vectorLength);
  return finite && tailFinite;
}
/** The first `vectorLength` elements in this file's module (copied in and out), or null without WebAssembly SIMD. */
function copiedScaledAdd(
  out: Float32Array,
  p: Float32Array,
  u: Float32Array,
  vectorLength: number,
  factor: number,
): boolean | null {
  const wasm = load();
  if (wasm === null) return null;
  const bytes = vectorLength * 4;
  reserve(wasm, 3 * bytes);
  const floats = wasm.floats;
  floats.set(p.subarray(0, vectorLength), 0);
  floats.set(u.subarray(0, vectorLength), vectorLength);
  const finite = wasm.run(2 * bytes, 0, bytes, vectorLength, factor) === 1;
  out.set(floats.subarray(2 * vectorLength, 3 * vectorLength));
  return finite;
}
