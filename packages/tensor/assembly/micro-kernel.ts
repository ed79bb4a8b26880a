import { MR, NR } from "./layout";

/**
 * a·b + c on four lanes. With relaxed SIMD it is one fused multiply-add (one rounding), otherwise a multiply
 * then an add (two roundings): either way every output element sees the same instruction sequence, whatever
 * tile or thread computes it.
 */
function multiplyAdd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** c ← α·acc + β·c for one row of four vectors; β = 0 never reads c (so old NaNs vanish). */
function updateRow(c: usize, v0: v128, v1: v128, v2: v128, v3: v128, alpha: f32, beta: f32): void {
  const alphas = f32x4.splat(alpha);
  if (beta === 0) {
    v128.store(c, f32x4.mul(alphas, v0));
    v128.store(c, f32x4.mul(alphas, v1), 16);
    v128.store(c, f32x4.mul(alphas, v2), 32);
    v128.store(c, f32x4.mul(alphas, v3), 48);
    return;
  }
  const betas = f32x4.splat(beta);
  v128.store(c, f32x4.add(f32x4.mul(alphas, v0), f32x4.mul(betas, v128.load(c))));
  v128.store(c, f32x4.add(f32x4.mul(alphas, v1), f32x4.mul(betas, v128.load(c, 16))), 16);
  v128.store(c, f32x4.add(f32x4.mul(alphas, v2), f32x4.mul(betas, v128.load(c, 32))), 32);
  v128.store(c, f32x4.add(f32x4.mul(alphas, v3), f32x4.mul(betas, v128.load(c, 48))), 48);
}

/**
 * One MR×NR (2×16) tile: acc = Σ_p a[p]·b[p] over a packed A sliver (kc × 2, p-major) and a packed B sliver
 * (kc × 16, p-major), then C ← α·acc + β·C on the valid `rows` × `columns` corner of the tile.
 *
 * Kept a separate function called from two sites (full and edge tiles) so Binaryen does not inline it into
 * the chunk loop: inlined, TurboFan spills the accumulators to the stack and the speed halves.
 */
export function microKernel(
  kc: i32,
  a: usize,
  b: usize,
  c: usize,
  ldc: i32,
  alpha: f32,
  beta: f32,
  rows: i32,
  columns: i32,
  scratch: usize,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c02 = f32x4.splat(0);
  let c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c12 = f32x4.splat(0);
  let c13 = f32x4.splat(0);
  // The loop tests the B pointer instead of a step counter: one instruction fewer per step in a loop whose
  // plain-SIMD form is bound by instruction issue (measured +4 % single-threaded); unrolling does not help,
  // because TurboFan then hoists every load to the top and spills.
  const end = b + ((<usize>kc * NR) << 2);
  while (b < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const b2 = v128.load(b, 32);
    const b3 = v128.load(b, 48);
    const a0 = v128.load32_splat(a);
    c00 = multiplyAdd(a0, b0, c00);
    c01 = multiplyAdd(a0, b1, c01);
    c02 = multiplyAdd(a0, b2, c02);
    c03 = multiplyAdd(a0, b3, c03);
    const a1 = v128.load32_splat(a, 4);
    c10 = multiplyAdd(a1, b0, c10);
    c11 = multiplyAdd(a1, b1, c11);
    c12 = multiplyAdd(a1, b2, c12);
    c13 = multiplyAdd(a1, b3, c13);
    a += MR * 4;
    b += NR * 4;
  }
  if (rows === MR && columns === NR) {
    updateRow(c, c00, c01, c02, c03, alpha, beta);
    updateRow(c + ((<usize>ldc) << 2), c10, c11, c12, c13, alpha, beta);
    return;
  }
  // Edge tile: the same lane results, written element by element with the same f32 operations.
  v128.store(scratch, c00);
  v128.store(scratch, c01, 16);
  v128.store(scratch, c02, 32);
  v128.store(scratch, c03, 48);
  v128.store(scratch, c10, 64);
  v128.store(scratch, c11, 80);
  v128.store(scratch, c12, 96);
  v128.store(scratch, c13, 112);
  for (let row = 0; row < rows; row++) {
    const source = scratch + ((<usize>row * NR) << 2);
    const target = c + ((<usize>row * <usize>ldc) << 2);
    for (let column = 0; column < columns; column++) {
      const value = load<f32>(source + ((<usize>column) << 2));
      const at = target + ((<usize>column) << 2);
      if (beta === 0) store<f32>(at, alpha * value);
      else store<f32>(at, alpha * value + beta * load<f32>(at));
    }
  }
}
