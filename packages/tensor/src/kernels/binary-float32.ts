// Why this exists: a JavaScript loop over float32 arrays runs at ~2–3 ns per element (V8 widens each
// element to float64 and back, one at a time), so `add(a, b)` on 256×1024 elements took ~0.8 ms, far from
// memory speed. WebAssembly SIMD does four lanes at a time, and copying the operands in and the result out
// runs at memcpy speed, so from a few hundred elements on the round trip costs less than the loop saves.
// The results are bit-identical: a float32 sum, difference, product or quotient rounded once equals the
// float64 one rounded to float32 (float64 carries more than twice float32's precision).

import { SIMD, tinyKernelLoader, vectorMapModule } from "./wasm-assembly.js";

/** An element-wise float32 operation that {@link binaryFloat32} runs in WebAssembly SIMD. */
export type BinaryFloat32Op = "add" | "sub" | "mul" | "div";

/** Below this many elements the JavaScript loop is faster than the copies into wasm memory. */
export const BINARY_WASM_MINIMUM_LENGTH = 512;
/** Elements per round trip: operands of 64 KiB each stay in cache between the copy in and the copy out. */
const CHUNK_LENGTH = 16384;

const instructions: Record<BinaryFloat32Op, number[]> = {
  add: [SIMD, 0xe4, 0x01], // f32x4.add
  sub: [SIMD, 0xe5, 0x01], // f32x4.sub
  mul: [SIMD, 0xe6, 0x01], // f32x4.mul
  div: [SIMD, 0xe7, 0x01], // f32x4.div
};

/** `(out, a, b: i32 byte addresses, bytes: i32 (multiple of 16))`: out = a ∘ b, four lanes at a time. */
function moduleBytes(op: BinaryFloat32Op): Uint8Array<ArrayBuffer> {
  return vectorMapModule(op, 2, instructions[op]);
}

type BinaryRun = (out: number, a: number, b: number, bytes: number) => void;

const load = tinyKernelLoader<BinaryFloat32Op, BinaryRun>(moduleBytes, 2 * CHUNK_LENGTH * 4);

/** Which implementation {@link binaryFloat32} runs for `op` on long arrays (tests check the fast one is used). */
export function binaryFloat32Implementation(op: BinaryFloat32Op): "wasm-simd" | "js" {
  return load(op) === null ? "js" : "wasm-simd";
}

/**
 * `out = a ∘ b` element-wise over float32 arrays of one length, for ∘ one of + − × ÷, in WebAssembly SIMD
 * (chunk by chunk through the module's memory) where the runtime has it and the arrays are long enough;
 * returns false, having written nothing, otherwise (the caller then runs its JavaScript loop). Results are
 * bit-identical to that loop's.
 *
 * `outᵢ = ⌊aᵢ ∘ bᵢ⌉₃₂` (⌊·⌉₃₂: rounding to float32)
 *
 * @example
 * if (!binaryFloat32("add", out, a, b)) for (let i = 0; i < out.length; i++) out[i] = a[i]! + b[i]!;
 */
export function binaryFloat32(
  op: BinaryFloat32Op,
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
): boolean {
  if (out.length < BINARY_WASM_MINIMUM_LENGTH) return false; // before allocating: tiny ops stay cheap
  // The arrays as one row each: the same-shape case of binaryFloat32Rows.
  const row = new Int32Array(1);
  return binaryFloat32Rows(
    op,
    out,
    out.length,
    { data: a, offsets: row, step: 1 },
    { data: b, offsets: row, step: 1 },
  );
}

/**
 * One operand of a row-wise broadcast (see {@link binaryFloat32Rows}): output row `r` reads `rowLength`
 * consecutive values of `data` from `offsets[r]` (`step` 1), or the one value `data[offsets[r]]` repeated
 * across the row (`step` 0).
 */
export interface RowOperand {
  readonly data: Float32Array;
  readonly offsets: Int32Array;
  readonly step: 0 | 1;
}

/**
 * Broadcasts go to WebAssembly only with output rows at least this long: staging costs one copy or fill
 * call per row segment, which shorter rows do not repay.
 */
export const BROADCAST_WASM_MINIMUM_ROW = 32;

/** Writes elements `start … start + count` of a broadcast operand, row segment by row segment, at `target`. */
function stage(
  floats: Float32Array,
  target: number,
  operand: RowOperand,
  rowLength: number,
  start: number,
  count: number,
): void {
  let row = Math.floor(start / rowLength);
  let column = start - row * rowLength;
  const { data, offsets, step } = operand;
  for (let written = 0; written < count; row++, column = 0) {
    let take = Math.min(rowLength - column, count - written);
    const offset = offsets[row]!;
    if (step === 1) {
      // Rows that follow each other in `data` (the operand that is not broadcast) go in one copy.
      while (written + take < count && offsets[row + 1] === offsets[row]! + rowLength) {
        row++;
        take += Math.min(rowLength, count - written - take);
      }
      floats.set(data.subarray(offset + column, offset + column + take), target + written);
    } else {
      floats.fill(data[offset]!, target + written, target + written + take);
    }
    written += take;
  }
}

/**
 * `out = a ∘ b` for a broadcast of two float32 operands laid out as rows of `rowLength` elements (a bias
 * added to every row of a batch, a column scaled per row, …), in WebAssembly SIMD through the same module
 * as {@link binaryFloat32}: each chunk of both operands is staged in its memory (row segments copied, or
 * filled with a broadcast value), then combined four lanes at a time. Returns false, having written
 * nothing, where WebAssembly SIMD is missing, the output is short, or its rows are shorter than
 * {@link BROADCAST_WASM_MINIMUM_ROW}; the caller then runs its JavaScript loop. Results are bit-identical
 * to that loop's.
 *
 * `out[r·n + j] = ⌊a_r[j] ∘ b_r[j]⌉₃₂` for row r and column j < n = `rowLength`, where an operand's row is
 * `data[offsets[r] + j]` (`step` 1) or `data[offsets[r]]` (`step` 0)
 *
 * @example
 * // x: 64 × 128 rows, bias: 128 values added to each row
 * const offsets = Int32Array.from({ length: 64 }, (_, r) => r * 128);
 * binaryFloat32Rows("add", out, 128, { data: x, offsets, step: 1 }, { data: bias, offsets: new Int32Array(64), step: 1 });
 */
export function binaryFloat32Rows(
  op: BinaryFloat32Op,
  out: Float32Array,
  rowLength: number,
  a: RowOperand,
  b: RowOperand,
): boolean {
  const length = out.length;
  if (length < BINARY_WASM_MINIMUM_LENGTH || rowLength < BROADCAST_WASM_MINIMUM_ROW) return false;
  const wasm = load(op);
  if (wasm === null) return false;
  const floats = wasm.floats;
  for (let start = 0; start < length; start += CHUNK_LENGTH) {
    const count = Math.min(CHUNK_LENGTH, length - start);
    stage(floats, 0, a, rowLength, start, count);
    stage(floats, CHUNK_LENGTH, b, rowLength, start, count);
    // Whole vectors only: up to three lanes past `count` hold stale values and are never copied out.
    wasm.run(0, 0, CHUNK_LENGTH * 4, Math.ceil(count / 4) * 16);
    out.set(floats.subarray(0, count), start);
  }
  return true;
}
