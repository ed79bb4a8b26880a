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
  const ones = i32x4.splat(1);
  const zeros = f32x4.splat(0);
  const end = <usize>rows * rowBytes;
  for (let at: usize = 0; at < end; at += rowBytes) {
    for (let j: usize = 0; j < rowBytes; j += 16) {
      const yv = v128.load(y + at + j);
      const factor = f32x4.convert_i32x4_s(v128.and(f32x4.gt(yv, zeros), ones));
      const value = v128.bitselect(yv, f32x4.mul(v128.load(g + at + j), factor), f32x4.ne(yv, yv));
      v128.store(out + at + j, value);
      v128.store(bias + j, f32x4.add(v128.load(bias + j), value));
    }
  }
}
