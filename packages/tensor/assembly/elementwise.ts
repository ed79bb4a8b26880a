// Element-wise float32 kernels, four lanes at a time. Each lane's result is the JavaScript reference's bit for
// bit (src/kernels/js-elementwise.ts): a float32 sum, difference, product, quotient or square root rounded
// once equals the float64 one rounded to float32 (float64 carries more than twice float32's precision);
// f32x4.max(x, +0) orders −0 below +0 and keeps NaN as Math.max does.
//
// Lengths are in bytes and whole vectors (multiples of 16): the driver runs any tail in JavaScript or pads
// into scratch it never copies out.

import { BINARY_ADD, BINARY_DIV, BINARY_MUL, BINARY_SUB, UNARY_ABS, UNARY_NEG, UNARY_RELU } from "./layout";

/** out = a ∘ b over `bytes` bytes at byte addresses out, a, b, for ∘ = BINARY_ADD … BINARY_DIV. */
export function binary(op: i32, out: usize, a: usize, b: usize, bytes: usize): void {
  if (op === BINARY_ADD) {
    for (let i: usize = 0; i < bytes; i += 16)
      v128.store(out + i, f32x4.add(v128.load(a + i), v128.load(b + i)));
  } else if (op === BINARY_SUB) {
    for (let i: usize = 0; i < bytes; i += 16)
      v128.store(out + i, f32x4.sub(v128.load(a + i), v128.load(b + i)));
  } else if (op === BINARY_MUL) {
    for (let i: usize = 0; i < bytes; i += 16)
      v128.store(out + i, f32x4.mul(v128.load(a + i), v128.load(b + i)));
  } else if (op === BINARY_DIV) {
    for (let i: usize = 0; i < bytes; i += 16)
      v128.store(out + i, f32x4.div(v128.load(a + i), v128.load(b + i)));
  }
}

/**
 * Sets `bytes` bytes at `address` to zero (every float +0): one memory.fill, where JavaScript's `fill(0)` on a
 * view of a shared memory runs ~6× slower (5.5 MB: 422 µs against 67 on a plain array and 70 here;
 * bench/webassembly-costs.bench.mjs).
 */
export function zero(address: usize, bytes: usize): void {
  memory.fill(address, 0, bytes);
}

/** out = f(x) over `bytes` bytes, for f = UNARY_RELU (max(x, +0)), UNARY_NEG, UNARY_ABS or UNARY_SQRT. */
export function unary(op: i32, out: usize, x: usize, bytes: usize): void {
  if (op === UNARY_RELU) {
    const zeros = f32x4.splat(0);
    for (let i: usize = 0; i < bytes; i += 16) v128.store(out + i, f32x4.max(v128.load(x + i), zeros));
  } else if (op === UNARY_NEG) {
    for (let i: usize = 0; i < bytes; i += 16) v128.store(out + i, f32x4.neg(v128.load(x + i)));
  } else if (op === UNARY_ABS) {
    for (let i: usize = 0; i < bytes; i += 16) v128.store(out + i, f32x4.abs(v128.load(x + i)));
  } else {
    for (let i: usize = 0; i < bytes; i += 16) v128.store(out + i, f32x4.sqrt(v128.load(x + i)));
  }
}

/**
 * The relu backward: out = g·[y > 0] (NaN where y is NaN) over `rows` rows of `rowBytes` bytes (a multiple
 * of 16), and bias[j] += out[r, j] row after row. The mask becomes 1.0 or +0.0 and multiplies g, so g·0 keeps
 * g's sign, as `g * Math.sign(y)` does in JavaScript; selecting without a branch is why this runs here (a
 * random half-on mask mispredicts a JavaScript branch on every other element).
 */
export function reluBackward(g: usize, y: usize, out: usize, bias: usize, rows: i32, rowBytes: usize): void {
  reluBackwardColumns(g, y, out, bias, rows, rowBytes, 0, rowBytes);
}

/**
 * reluBackward on the columns at bytes [first, last) of every row (multiples of 16), in blocks of 128 bytes
 * (reluBackwardPair) and then the rest. Each column's bias sum still runs over the rows in order, so a split by
 * columns (a range job's chunks) keeps every bit, and so does the block order: every cache line is read once.
 */
export function reluBackwardColumns(
  g: usize,
  y: usize,
  out: usize,
  bias: usize,
  rows: i32,
  rowBytes: usize,
  first: usize,
  last: usize,
): void {
  let block = first;
  for (; block + 128 <= last; block += 128)
    reluBackwardPair(g + block, y + block, out + block, bias + block, rows, rowBytes);
  if (block === last) return;
  const end = <usize>rows * rowBytes;
  for (let at: usize = 0; at < end; at += rowBytes) {
    for (let j = block; j < last; j += 16) {
      const value = reluBackwardVector(v128.load(g + at + j), v128.load(y + at + j));
      v128.store(out + at + j, value);
      v128.store(bias + j, f32x4.add(v128.load(bias + j), value));
    }
  }
}

/** One vector of the relu backward: g·[y > 0], NaN where y is NaN. */
function reluBackwardVector(g: v128, y: v128): v128 {
  const factor = f32x4.convert_i32x4_s(v128.and(f32x4.gt(y, f32x4.splat(0)), i32x4.splat(1)));
  return v128.bitselect(y, f32x4.mul(g, factor), f32x4.ne(y, y));
}

/**
 * The relu backward on one 128-byte column block of every row (a pair of cache lines, which the cores'
 * adjacent-line prefetch moves together, so it is also a range job's chunk): the eight bias vectors stay in
 * registers over the rows and are stored once. Adding into the bias row in memory every row cost a store and
 * a dependent load per vector: the CNN's first relu backward (43,264 rows of 32) ran 27 % faster on one thread
 * this way, and split over two threads by 64-byte lines with the bias in memory it ran 2–4× slower than one
 * (scratch measurements, 2026-12-07).
 */
function reluBackwardPair(g: usize, y: usize, out: usize, bias: usize, rows: i32, rowBytes: usize): void {
  let bias0 = v128.load(bias);
  let bias1 = v128.load(bias, 16);
  let bias2 = v128.load(bias, 32);
  let bias3 = v128.load(bias, 48);
  let bias4 = v128.load(bias, 64);
  let bias5 = v128.load(bias, 80);
  let bias6 = v128.load(bias, 96);
  let bias7 = v128.load(bias, 112);
  const end = <usize>rows * rowBytes;
  for (let at: usize = 0; at < end; at += rowBytes) {
    const value0 = reluBackwardVector(v128.load(g + at), v128.load(y + at));
    const value1 = reluBackwardVector(v128.load(g + at, 16), v128.load(y + at, 16));
    const value2 = reluBackwardVector(v128.load(g + at, 32), v128.load(y + at, 32));
    const value3 = reluBackwardVector(v128.load(g + at, 48), v128.load(y + at, 48));
    v128.store(out + at, value0);
    v128.store(out + at, value1, 16);
    v128.store(out + at, value2, 32);
    v128.store(out + at, value3, 48);
    bias0 = f32x4.add(bias0, value0);
    bias1 = f32x4.add(bias1, value1);
    bias2 = f32x4.add(bias2, value2);
    bias3 = f32x4.add(bias3, value3);
    const value4 = reluBackwardVector(v128.load(g + at, 64), v128.load(y + at, 64));
    const value5 = reluBackwardVector(v128.load(g + at, 80), v128.load(y + at, 80));
    const value6 = reluBackwardVector(v128.load(g + at, 96), v128.load(y + at, 96));
    const value7 = reluBackwardVector(v128.load(g + at, 112), v128.load(y + at, 112));
    v128.store(out + at, value4, 64);
    v128.store(out + at, value5, 80);
    v128.store(out + at, value6, 96);
    v128.store(out + at, value7, 112);
    bias4 = f32x4.add(bias4, value4);
    bias5 = f32x4.add(bias5, value5);
    bias6 = f32x4.add(bias6, value6);
    bias7 = f32x4.add(bias7, value7);
  }
  v128.store(bias, bias0);
  v128.store(bias, bias1, 16);
  v128.store(bias, bias2, 32);
  v128.store(bias, bias3, 48);
  v128.store(bias, bias4, 64);
  v128.store(bias, bias5, 80);
  v128.store(bias, bias6, 96);
  v128.store(bias, bias7, 112);
}
