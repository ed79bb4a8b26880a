import { TILE_COLUMNS, TILE_ROWS } from "./tile";

/**
 * Stores the transpose of the 4×4 block whose rows are r0…r3: its column j (r0[j], r1[j], r2[j], r3[j]) goes
 * to `target + j·stride` bytes.
 */
function storeTransposed4x4(r0: v128, r1: v128, r2: v128, r3: v128, target: usize, stride: usize): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(target, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(target + stride, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(target + 2 * stride, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(target + 3 * stride, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/**
 * Packs rows [i0, i0 + TILE_ROWS) × depth [p0, p0 + kc) of op(A) (op(A) is m × k) into `target` as kc groups
 * (a[i0][p], …, a[i0 + TILE_ROWS − 1][p]); rows past m are packed as zeros.
 * A holds op(A) row-major (`transposeA` false, element (i, p) at i·k + p) or its transpose (at p·m + i).
 */
export function packAPanel(
  a: usize,
  m: i32,
  k: i32,
  transposeA: bool,
  i0: i32,
  p0: i32,
  kc: i32,
  target: usize,
): void {
  if (TILE_ROWS === 2) packAPair(a, m, k, transposeA, i0, p0, kc, target);
  else packASix(a, m, k, transposeA, i0, p0, kc, target);
}

/** packAPanel for 2-row tiles. */
function packAPair(
  a: usize,
  m: i32,
  k: i32,
  transposeA: bool,
  i0: i32,
  p0: i32,
  kc: i32,
  target: usize,
): void {
  const full = m - i0 >= 2;
  if (!transposeA) {
    const row0 = a + ((<usize>i0 * <usize>k + <usize>p0) << 2);
    const row1 = row0 + ((<usize>k) << 2);
    let p = 0;
    if (full) {
      for (; p + 4 <= kc; p += 4) {
        const x = v128.load(row0 + ((<usize>p) << 2));
        const y = v128.load(row1 + ((<usize>p) << 2));
        v128.store(target, v128.shuffle<f32>(x, y, 0, 4, 1, 5));
        v128.store(target, v128.shuffle<f32>(x, y, 2, 6, 3, 7), 16);
        target += 32;
      }
    }
    for (; p < kc; p++) {
      store<f32>(target, load<f32>(row0 + ((<usize>p) << 2)));
      store<f32>(target, full ? load<f32>(row1 + ((<usize>p) << 2)) : 0, 4);
      target += 8;
    }
    return;
  }
  let source = a + ((<usize>p0 * <usize>m + <usize>i0) << 2);
  const stride = (<usize>m) << 2;
  if (full) {
    for (let p = 0; p < kc; p++) {
      store<u64>(target, load<u64>(source));
      source += stride;
      target += 8;
    }
    return;
  }
  for (let p = 0; p < kc; p++) {
    store<f32>(target, load<f32>(source));
    store<f32>(target, 0, 4);
    source += stride;
    target += 8;
  }
}

/**
 * packAPanel for 6-row tiles. Row-major A, full panels: per four depths, a 4×4 transpose of rows 0–3 gives
 * four (a0, a1, a2, a3) groups and an interleave of rows 4–5 the four (a4, a5) pairs.
 */
function packASix(
  a: usize,
  m: i32,
  k: i32,
  transposeA: bool,
  i0: i32,
  p0: i32,
  kc: i32,
  target: usize,
): void {
  const rows = min(6, m - i0);
  if (!transposeA) {
    const row0 = a + ((<usize>i0 * <usize>k + <usize>p0) << 2);
    const stride = (<usize>k) << 2;
    let p = 0;
    if (rows === 6) {
      for (; p + 4 <= kc; p += 4) {
        const source = row0 + ((<usize>p) << 2);
        const r0 = v128.load(source);
        const r1 = v128.load(source + stride);
        const r2 = v128.load(source + 2 * stride);
        const r3 = v128.load(source + 3 * stride);
        const r4 = v128.load(source + 4 * stride);
        const r5 = v128.load(source + 5 * stride);
        // Each depth's group is 24 bytes: rows 0–3 (16 bytes, the transpose), then rows 4–5 (8 bytes).
        storeTransposed4x4(r0, r1, r2, r3, target, 24);
        const low = v128.shuffle<f32>(r4, r5, 0, 4, 1, 5);
        const high = v128.shuffle<f32>(r4, r5, 2, 6, 3, 7);
        store<u64>(target, i64x2.extract_lane(low, 0), 16);
        store<u64>(target, i64x2.extract_lane(low, 1), 40);
        store<u64>(target, i64x2.extract_lane(high, 0), 64);
        store<u64>(target, i64x2.extract_lane(high, 1), 88);
        target += 96;
      }
    }
    for (; p < kc; p++) {
      const source = row0 + ((<usize>p) << 2);
      for (let row = 0; row < 6; row++) {
        store<f32>(target + ((<usize>row) << 2), row < rows ? load<f32>(source + <usize>row * stride) : 0);
      }
      target += 24;
    }
    return;
  }
  let source = a + ((<usize>p0 * <usize>m + <usize>i0) << 2);
  const stride = (<usize>m) << 2;
  for (let p = 0; p < kc; p++) {
    if (rows === 6) {
      v128.store(target, v128.load(source));
      store<u64>(target, load<u64>(source, 16), 16);
    } else {
      for (let row = 0; row < 6; row++) {
        store<f32>(target + ((<usize>row) << 2), row < rows ? load<f32>(source + ((<usize>row) << 2)) : 0);
      }
    }
    source += stride;
    target += 24;
  }
}

/**
 * Packs depth [p0, p0 + kc) × columns [j0, j0 + TILE_COLUMNS) of op(B) (op(B) is k × n) into `target` as kc
 * rows of TILE_COLUMNS floats; columns past n are packed as zeros. B holds op(B) row-major (`transposeB`
 * false, element (p, j) at p·n + j) or its transpose (at j·k + p).
 */
export function packBPanel(
  b: usize,
  n: i32,
  k: i32,
  transposeB: bool,
  j0: i32,
  p0: i32,
  kc: i32,
  target: usize,
): void {
  const columns = min(TILE_COLUMNS, n - j0);
  if (!transposeB) {
    let source = b + ((<usize>p0 * <usize>n + <usize>j0) << 2);
    const stride = (<usize>n) << 2;
    if (columns === TILE_COLUMNS) {
      for (let p = 0; p < kc; p++) {
        v128.store(target, v128.load(source));
        v128.store(target, v128.load(source, 16), 16);
        if (TILE_COLUMNS === 16) {
          v128.store(target, v128.load(source, 32), 32);
          v128.store(target, v128.load(source, 48), 48);
        }
        source += stride;
        target += TILE_COLUMNS * 4;
      }
      return;
    }
    for (let p = 0; p < kc; p++) {
      for (let j = 0; j < TILE_COLUMNS; j++) {
        store<f32>(target + ((<usize>j) << 2), j < columns ? load<f32>(source + ((<usize>j) << 2)) : 0);
      }
      source += stride;
      target += TILE_COLUMNS * 4;
    }
    return;
  }
  const start = b + ((<usize>j0 * <usize>k + <usize>p0) << 2);
  const stride = (<usize>k) << 2;
  let p = 0;
  if (columns === TILE_COLUMNS) {
    // 4×4 transposes: four columns' next four depths become four depth rows of those columns.
    for (; p + 4 <= kc; p += 4) {
      const rows = target + ((<usize>p * TILE_COLUMNS) << 2);
      for (let group = 0; group < TILE_COLUMNS / 4; group++) {
        const source = start + <usize>(group * 4) * stride + ((<usize>p) << 2);
        const r0 = v128.load(source);
        const r1 = v128.load(source + stride);
        const r2 = v128.load(source + 2 * stride);
        const r3 = v128.load(source + 3 * stride);
        storeTransposed4x4(r0, r1, r2, r3, rows + ((<usize>group) << 4), TILE_COLUMNS * 4);
      }
    }
  }
  for (; p < kc; p++) {
    const row = target + ((<usize>p * TILE_COLUMNS) << 2);
    for (let j = 0; j < TILE_COLUMNS; j++) {
      store<f32>(
        row + ((<usize>j) << 2),
        j < columns ? load<f32>(start + <usize>j * stride + ((<usize>p) << 2)) : 0,
      );
    }
  }
}
