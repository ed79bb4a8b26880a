import { TILE_COLUMNS, TILE_ROWS } from "./tile";

/**
 * a·b + c on four lanes. With relaxed SIMD it is one fused multiply-add (one rounding), otherwise a multiply
 * then an add (two roundings): either way every output element sees the same instruction sequence, whatever
 * tile or thread computes it.
 */
function multiplyAdd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** One vector of C: c ← α·acc + β·c; β = 0 never reads c (so old NaNs vanish). */
function updateVector(c: usize, accumulator: v128, alphas: v128, beta: f32): void {
  if (beta === 0) v128.store(c, f32x4.mul(alphas, accumulator));
  else v128.store(c, f32x4.add(f32x4.mul(alphas, accumulator), f32x4.mul(f32x4.splat(beta), v128.load(c))));
}

/**
 * Edge tile: the accumulators, already stored row-major in `scratch` (TILE_COLUMNS floats per row), written to
 * the valid `rows` × `columns` corner of C element by element with the same f32 operations as the vector path.
 */
function updateEdge(
  scratch: usize,
  c: usize,
  ldc: i32,
  alpha: f32,
  beta: f32,
  rows: i32,
  columns: i32,
): void {
  for (let row = 0; row < rows; row++) {
    const source = scratch + ((<usize>row * TILE_COLUMNS) << 2);
    const target = c + ((<usize>row * <usize>ldc) << 2);
    for (let column = 0; column < columns; column++) {
      const value = load<f32>(source + ((<usize>column) << 2));
      const at = target + ((<usize>column) << 2);
      if (beta === 0) store<f32>(at, alpha * value);
      else store<f32>(at, alpha * value + beta * load<f32>(at));
    }
  }
}

/**
 * One 2×16 tile (plain SIMD): acc = Σ_p a[p]·b[p] over a packed A sliver (kc × 2, p-major) and a packed B
 * sliver (kc × 16, p-major), then C ← α·acc + β·C on the valid `rows` × `columns` corner of the tile.
 */
function microKernel2x16(
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
  const end = b + ((<usize>kc * 16) << 2);
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
    a += 2 * 4;
    b += 16 * 4;
  }
  if (rows === 2 && columns === 16) {
    const alphas = f32x4.splat(alpha);
    const c1 = c + ((<usize>ldc) << 2);
    updateVector(c, c00, alphas, beta);
    updateVector(c + 16, c01, alphas, beta);
    updateVector(c + 32, c02, alphas, beta);
    updateVector(c + 48, c03, alphas, beta);
    updateVector(c1, c10, alphas, beta);
    updateVector(c1 + 16, c11, alphas, beta);
    updateVector(c1 + 32, c12, alphas, beta);
    updateVector(c1 + 48, c13, alphas, beta);
    return;
  }
  v128.store(scratch, c00);
  v128.store(scratch, c01, 16);
  v128.store(scratch, c02, 32);
  v128.store(scratch, c03, 48);
  v128.store(scratch, c10, 64);
  v128.store(scratch, c11, 80);
  v128.store(scratch, c12, 96);
  v128.store(scratch, c13, 112);
  updateEdge(scratch, c, ldc, alpha, beta, rows, columns);
}

/**
 * One 6×8 tile (relaxed SIMD): acc = Σ_p a[p]·b[p] over a packed A sliver (kc × 6, p-major) and a packed B
 * sliver (kc × 8, p-major), then C ← α·acc + β·C on the valid `rows` × `columns` corner of the tile.
 * 12 accumulators + 2 B vectors + 1 A broadcast fill 15 of V8's SIMD registers; only fused multiply-adds fit
 * (a plain multiply needs one register more for its product, and spills).
 */
function microKernel6x8(
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
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0);
  let c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0);
  let c51 = f32x4.splat(0);
  const end = b + ((<usize>kc * 8) << 2);
  while (b < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = multiplyAdd(x, b0, c00);
    c01 = multiplyAdd(x, b1, c01);
    x = v128.load32_splat(a, 4);
    c10 = multiplyAdd(x, b0, c10);
    c11 = multiplyAdd(x, b1, c11);
    x = v128.load32_splat(a, 8);
    c20 = multiplyAdd(x, b0, c20);
    c21 = multiplyAdd(x, b1, c21);
    x = v128.load32_splat(a, 12);
    c30 = multiplyAdd(x, b0, c30);
    c31 = multiplyAdd(x, b1, c31);
    x = v128.load32_splat(a, 16);
    c40 = multiplyAdd(x, b0, c40);
    c41 = multiplyAdd(x, b1, c41);
    x = v128.load32_splat(a, 20);
    c50 = multiplyAdd(x, b0, c50);
    c51 = multiplyAdd(x, b1, c51);
    a += 6 * 4;
    b += 8 * 4;
  }
  if (rows === 6 && columns === 8) {
    const alphas = f32x4.splat(alpha);
    const stride = (<usize>ldc) << 2;
    updateVector(c, c00, alphas, beta);
    updateVector(c + 16, c01, alphas, beta);
    c += stride;
    updateVector(c, c10, alphas, beta);
    updateVector(c + 16, c11, alphas, beta);
    c += stride;
    updateVector(c, c20, alphas, beta);
    updateVector(c + 16, c21, alphas, beta);
    c += stride;
    updateVector(c, c30, alphas, beta);
    updateVector(c + 16, c31, alphas, beta);
    c += stride;
    updateVector(c, c40, alphas, beta);
    updateVector(c + 16, c41, alphas, beta);
    c += stride;
    updateVector(c, c50, alphas, beta);
    updateVector(c + 16, c51, alphas, beta);
    return;
  }
  v128.store(scratch, c00);
  v128.store(scratch, c01, 16);
  v128.store(scratch, c10, 32);
  v128.store(scratch, c11, 48);
  v128.store(scratch, c20, 64);
  v128.store(scratch, c21, 80);
  v128.store(scratch, c30, 96);
  v128.store(scratch, c31, 112);
  v128.store(scratch, c40, 128);
  v128.store(scratch, c41, 144);
  v128.store(scratch, c50, 160);
  v128.store(scratch, c51, 176);
  updateEdge(scratch, c, ldc, alpha, beta, rows, columns);
}

/**
 * C ← α·Σ_p a[p]·b[p] + β·C for one TILE_ROWS × TILE_COLUMNS tile (its valid `rows` × `columns` corner), with
 * the tile of this build: 6×8 for relaxed SIMD, 2×16 for plain SIMD. `scratch` holds TILE_SCRATCH_BYTES.
 * Full tiles update C straight from the accumulators; partial ones go through `scratch` (measured: routing
 * full tiles through it too costs up to 9 % on the MLP's depth-64 product).
 *
 * gemm.ts calls it from two sites (full and edge tiles) so Binaryen does not inline it into the chunk loop:
 * inlined, TurboFan spills the accumulators to the stack and the speed halves.
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
  if (TILE_ROWS === 6 && TILE_COLUMNS === 8) {
    microKernel6x8(kc, a, b, c, ldc, alpha, beta, rows, columns, scratch);
  } else {
    microKernel2x16(kc, a, b, c, ldc, alpha, beta, rows, columns, scratch);
  }
}
