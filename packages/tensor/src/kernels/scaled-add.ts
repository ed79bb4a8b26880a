// Why this exists: the parameter update of a learning-rate step, `θ' = θ + η·u`, is the largest
// element-wise pass of a training step (one per parameter per step), and a JavaScript loop over
// float32 arrays runs at ~1.5–2.5 ns per element. WebAssembly SIMD does 4 at a time, and copying
// the operands into its memory and back costs less than the loop saves. The module is tiny, so it
// is written here directly as bytes (no build step) and compiles synchronously everywhere.

import { ValueError } from "../core/errors.js";
import { assertFloatArray } from "./arguments.js";
import { activeEngine } from "./registry.js";
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

/** Which implementation {@link scaledAddFloat32} runs for large arrays (tests check the fast one is used). */
export function scaledAddImplementation(): "wasm-simd" | "js" {
  return load() === null ? "js" : "wasm-simd";
}

/** The JavaScript reference: `out[i] = fround(p[i] + fround(factor·u[i]))` from `start`; true when all are finite. */
function scaledAddLoop(
  out: Float32Array,
  p: Float32Array,
  u: Float32Array,
  factor: number,
  start: number,
): boolean {
  // Two float64 sums carry the check: a sum is non-finite exactly when an element is.
  let even = 0;
  let odd = 0;
  const length = out.length;
  let i = start;
  for (; i + 1 < length; i += 2) {
    const first = Math.fround(p[i]! + Math.fround(factor * u[i]!));
    const second = Math.fround(p[i + 1]! + Math.fround(factor * u[i + 1]!));
    out[i] = first;
    out[i + 1] = second;
    even += first;
    odd += second;
  }
  if (i < length) {
    const last = Math.fround(p[i]! + Math.fround(factor * u[i]!));
    out[i] = last;
    even += last;
  }
  const total = even + odd;
  return total - total === 0;
}

/**
 * The update of a learning-rate step over float32 arrays, `out = p + fround(factor·u)` element-wise
 * (each product rounded to float32, then the sum), returning whether every result is finite. Runs in
 * WebAssembly SIMD when the runtime has it, with results bit-identical to the JavaScript loop used
 * otherwise. `out` may be `p` or `u`; all three have the same length.
 *
 * `outᵢ = pᵢ + ⌊factor·uᵢ⌉₃₂` (⌊·⌉₃₂: rounding to float32)
 *
 * @example
 * const finite = scaledAddFloat32(next, weights, gradient, -0.1); // next = weights − 0.1·gradient
 */
export function scaledAddFloat32(
  out: Float32Array,
  p: Float32Array,
  u: Float32Array,
  factor: number,
): boolean {
  const op = "scaledAddFloat32";
  assertFloatArray(op, out, "out", 0, true);
  const length = out.length;
  assertFloatArray(op, p, "p", length, true);
  assertFloatArray(op, u, "u", length, true);
  if (typeof factor !== "number") throw new ValueError(op, `factor is ${typeof factor}: use a number`);
  if (length < WASM_MINIMUM_LENGTH) return scaledAddLoop(out, p, u, factor, 0);
  const vectorLength = length & ~3;
  // Arrays in the kernels' memory (see residentFloat32) are updated there; others through this module's copies.
  const finite =
    activeEngine()?.scaledAdd(out, p, u, vectorLength, factor) ??
    copiedScaledAdd(out, p, u, vectorLength, factor);
  if (finite === null) return scaledAddLoop(out, p, u, factor, 0);
  const tailFinite = vectorLength === length || scaledAddLoop(out, p, u, factor, vectorLength);
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
