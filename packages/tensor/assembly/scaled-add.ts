/**
 * The update of a learning-rate step: out[i] = p[i] + f32(factor·u[i]) for `count` elements (a multiple of 4)
 * at byte addresses out, p, u; returns 1 when every result is finite, else 0. The product is taken in f64
 * and rounded to f32, then an f32 sum: exactly `Math.fround(p + Math.fround(factor * u))` in JavaScript.
 */
export function scaledAdd(out: usize, p: usize, u: usize, count: i32, factor: f64): i32 {
  const factors = f64x2.splat(factor);
  const end = (<usize>count) << 2;
  // acc += value − value stays 0 while every value is finite, NaN for good after a NaN or ±∞.
  let acc = f32x4.splat(0);
  for (let i: usize = 0; i < end; i += 16) {
    const update = v128.load(u + i);
    const high = v128.shuffle<u8>(update, update, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    const lowScaled = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(update), factors));
    const highScaled = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(high), factors));
    const scaled = v128.shuffle<u8>(
      lowScaled,
      highScaled,
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      16,
      17,
      18,
      19,
      20,
      21,
      22,
      23,
    );
    const value = f32x4.add(v128.load(p + i), scaled);
    v128.store(out + i, value);
    acc = f32x4.add(acc, f32x4.sub(value, value));
  }
  return v128.all_true<i32>(f32x4.eq(acc, acc)) ? 1 : 0;
}
