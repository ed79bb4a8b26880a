import { MR, NR } from "./layout";

/**
 * Packs rows [i0, i0 + 2) × depth [p0, p0 + kc) of op(A) (op(A) is m × k) into `target` as kc pairs
 * (a[i0][p], a[i0 + 1][p]); a missing second row (m odd) is packed as zeros.
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
  const full = m - i0 >= MR;
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
 * Packs depth [p0, p0 + kc) × columns [j0, j0 + 16) of op(B) (op(B) is k × n) into `target` as kc rows of 16
 * floats; columns past n are packed as zeros. B holds op(B) row-major (`transposeB` false, element (p, j) at
 * p·n + j) or its transpose (at j·k + p).
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
  const columns = min(NR, n - j0);
  if (!transposeB) {
    let source = b + ((<usize>p0 * <usize>n + <usize>j0) << 2);
    const stride = (<usize>n) << 2;
    if (columns === NR) {
      for (let p = 0; p < kc; p++) {
        v128.store(target, v128.load(source));
        v128.store(target, v128.load(source, 16), 16);
        v128.store(target, v128.load(source, 32), 32);
        v128.store(target, v128.load(source, 48), 48);
        source += stride;
        target += NR * 4;
      }
      return;
    }
    for (let p = 0; p < kc; p++) {
      for (let j = 0; j < NR; j++) {
        store<f32>(target + ((<usize>j) << 2), j < columns ? load<f32>(source + ((<usize>j) << 2)) : 0);
      }
      source += stride;
      target += NR * 4;
    }
    return;
  }
  const start = b + ((<usize>j0 * <usize>k + <usize>p0) << 2);
  const stride = (<usize>k) << 2;
  let p = 0;
  if (columns === NR) {
    // 4×4 transposes: four columns' next four depths become four depth rows of those columns.
    for (; p + 4 <= kc; p += 4) {
      const rows = target + ((<usize>p * NR) << 2);
      for (let group = 0; group < 4; group++) {
        const source = start + <usize>(group * 4) * stride + ((<usize>p) << 2);
        const r0 = v128.load(source);
        const r1 = v128.load(source + stride);
        const r2 = v128.load(source + 2 * stride);
        const r3 = v128.load(source + 3 * stride);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        const column = rows + ((<usize>group) << 4);
        v128.store(column, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        v128.store(column, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), NR * 4);
        v128.store(column, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), NR * 8);
        v128.store(column, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), NR * 12);
      }
    }
  }
  for (; p < kc; p++) {
    const row = target + ((<usize>p * NR) << 2);
    for (let j = 0; j < NR; j++) {
      store<f32>(
        row + ((<usize>j) << 2),
        j < columns ? load<f32>(start + <usize>j * stride + ((<usize>p) << 2)) : 0,
      );
    }
  }
}
