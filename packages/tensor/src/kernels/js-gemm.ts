import { assertGemmArguments } from "./arguments.js";
import type { Kernels } from "./kernels.js";

type NumericArray = Float32Array | Float64Array;

/** Cache block sizes of `createBlockedGemm`, in elements. */
export interface GemmBlocking {
  /** Rows of `op(A)` packed at once (the `MC` of GotoBLAS). Rounded up to a multiple of 4. */
  readonly rowBlock: number;
  /** Columns of `op(B)` packed at once (`NC`). Rounded up to a multiple of 4. */
  readonly columnBlock: number;
  /** Depth (shared dimension) packed at once (`KC`). */
  readonly depthBlock: number;
  /** Below this many multiply-adds (`m·n·k`) a direct loop runs instead: packing would cost more than it saves. */
  readonly smallProduct: number;
}

/** Block sizes measured best on the reference machine (PERFORMANCE.md); they matter less than the 4×4 tile. */
export const DEFAULT_GEMM_BLOCKING: GemmBlocking = {
  rowBlock: 128,
  columnBlock: 128,
  depthBlock: 256,
  smallProduct: 4096,
};

const TILE = 4;

/**
 * Builds a cache-blocked GEMM `C = α·op(A)·op(B) + β·C` in plain JavaScript.
 *
 * The loops follow GotoBLAS: a `depthBlock × columnBlock` block of `op(B)` and a `rowBlock × depthBlock`
 * block of `op(A)` are packed (transposes resolved there, so every transpose combination runs the same
 * inner loop) into float64 panels 4 wide; a 4×4 tile of `C` then lives in 16 local variables while the
 * kernel streams the shared dimension, doing one rank-1 (i-k-j) update of the tile per step. That turns
 * 8 loads into 16 multiply-adds, which is what lifts plain JS from ~0.8 to several GFLOP/s. Sums are
 * kept in float64 until the single final rounding to `C`'s type.
 *
 * @example
 * ```ts
 * const gemm = createBlockedGemm({ rowBlock: 8, columnBlock: 8, depthBlock: 8, smallProduct: 0 });
 * const c = new Float32Array(4);
 * gemm(false, false, 2, 2, 1, 1, new Float32Array([1, 2]), new Float32Array([3, 4]), 0, c); // c = [3, 4, 6, 8]
 * ```
 */
export function createBlockedGemm(blocking: GemmBlocking = DEFAULT_GEMM_BLOCKING): Kernels["gemm"] {
  const rowBlock = roundUpToTile(Math.max(1, blocking.rowBlock));
  const columnBlock = roundUpToTile(Math.max(1, blocking.columnBlock));
  const depthBlock = Math.max(1, Math.floor(blocking.depthBlock));
  const smallProduct = blocking.smallProduct;
  // Scratch grows on demand and is reused: a small matmul must not allocate hundreds of kilobytes.
  let packedA = new Float64Array(0);
  let packedB = new Float64Array(0);
  let accumulator = new Float64Array(0);

  return function gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c) {
    assertGemmArguments("gemm", m, n, k, alpha, a, b, beta, c);
    if (m === 0 || n === 0) return;
    if (m * n * k <= smallProduct) {
      directGemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c);
      return;
    }
    const rowsPerBlock = Math.min(rowBlock, roundUpToTile(m));
    const columnsPerBlock = Math.min(columnBlock, roundUpToTile(n));
    const depthPerBlock = Math.max(1, Math.min(depthBlock, k));
    if (packedA.length < rowsPerBlock * depthPerBlock)
      packedA = new Float64Array(rowsPerBlock * depthPerBlock);
    if (packedB.length < columnsPerBlock * depthPerBlock) {
      packedB = new Float64Array(columnsPerBlock * depthPerBlock);
    }
    if (accumulator.length < rowsPerBlock * columnsPerBlock) {
      accumulator = new Float64Array(rowsPerBlock * columnsPerBlock);
    }
    // Where row i / column j of op(A) / op(B) starts, and the step along the shared dimension.
    const aRowStride = transposeA ? 1 : k;
    const aDepthStride = transposeA ? m : 1;
    const bColumnStride = transposeB ? k : 1;
    const bDepthStride = transposeB ? 1 : n;

    for (let column0 = 0; column0 < n; column0 += columnsPerBlock) {
      const columns = Math.min(columnsPerBlock, n - column0);
      const paddedColumns = roundUpToTile(columns);
      for (let row0 = 0; row0 < m; row0 += rowsPerBlock) {
        const rows = Math.min(rowsPerBlock, m - row0);
        const paddedRows = roundUpToTile(rows);
        accumulator.fill(0, 0, paddedRows * paddedColumns);
        for (let depth0 = 0; depth0 < k; depth0 += depthPerBlock) {
          const depth = Math.min(depthPerBlock, k - depth0);
          packPanels(b, bColumnStride, bDepthStride, column0, columns, paddedColumns, depth0, depth, packedB);
          packPanels(a, aRowStride, aDepthStride, row0, rows, paddedRows, depth0, depth, packedA);
          multiplyPacked(paddedRows, paddedColumns, depth, packedA, packedB, accumulator);
        }
        storeBlock(n, alpha, beta, accumulator, paddedColumns, row0, rows, column0, columns, c);
      }
    }
  };
}

/**
 * Packs a `lines × depth` block of an operand into panels of 4 lines, a line being a row of `op(A)` or a
 * column of `op(B)` (the strides resolve the transpose, so A and B pack alike): element `(l, p)` is
 * `source[(line0 + l)·lineStride + (depth0 + p)·depthStride]` and goes to
 * `packed[(l - l mod 4)·depth + 4p + l mod 4]`, zero-padded to `paddedLines`.
 */
function packPanels(
  source: NumericArray,
  lineStride: number,
  depthStride: number,
  line0: number,
  lines: number,
  paddedLines: number,
  depth0: number,
  depth: number,
  packed: Float64Array,
): void {
  for (let panel = 0; panel < paddedLines; panel += TILE) {
    const base = panel * depth;
    for (let lane = 0; lane < TILE; lane++) {
      const line = panel + lane;
      if (line >= lines) {
        for (let p = 0; p < depth; p++) packed[base + p * TILE + lane] = 0;
      } else {
        const start = (line0 + line) * lineStride + depth0 * depthStride;
        for (let p = 0; p < depth; p++) packed[base + p * TILE + lane] = source[start + p * depthStride]!;
      }
    }
  }
}

/** `accumulator[paddedRows × paddedColumns] += packedA · packedB`, one 4×4 register tile at a time. */
// biome-ignore format: the 4×4 register tile reads best as a grid
function multiplyPacked(
  paddedRows: number,
  paddedColumns: number,
  depth: number,
  packedA: Float64Array,
  packedB: Float64Array,
  accumulator: Float64Array,
): void {
  for (let rowPanel = 0; rowPanel < paddedRows; rowPanel += TILE) {
    const aBase = rowPanel * depth;
    for (let columnPanel = 0; columnPanel < paddedColumns; columnPanel += TILE) {
      const bBase = columnPanel * depth;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < depth; p++) {
        const aIndex = aBase + p * TILE;
        const bIndex = bBase + p * TILE;
        const a0 = packedA[aIndex]!, a1 = packedA[aIndex + 1]!, a2 = packedA[aIndex + 2]!, a3 = packedA[aIndex + 3]!;
        const b0 = packedB[bIndex]!, b1 = packedB[bIndex + 1]!, b2 = packedB[bIndex + 2]!, b3 = packedB[bIndex + 3]!;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      let out = rowPanel * paddedColumns + columnPanel;
      accumulator[out]! += c00; accumulator[out + 1]! += c01; accumulator[out + 2]! += c02; accumulator[out + 3]! += c03;
      out += paddedColumns;
      accumulator[out]! += c10; accumulator[out + 1]! += c11; accumulator[out + 2]! += c12; accumulator[out + 3]! += c13;
      out += paddedColumns;
      accumulator[out]! += c20; accumulator[out + 1]! += c21; accumulator[out + 2]! += c22; accumulator[out + 3]! += c23;
      out += paddedColumns;
      accumulator[out]! += c30; accumulator[out + 1]! += c31; accumulator[out + 2]! += c32; accumulator[out + 3]! += c33;
    }
  }
}

/** `C[block] = α·accumulator + β·C[block]`; with β = 0 the old `C` is never read (NaN there is overwritten). */
function storeBlock(
  n: number,
  alpha: number,
  beta: number,
  accumulator: Float64Array,
  paddedColumns: number,
  row0: number,
  rows: number,
  column0: number,
  columns: number,
  c: NumericArray,
): void {
  for (let row = 0; row < rows; row++) {
    const target = (row0 + row) * n + column0;
    const source = row * paddedColumns;
    if (beta === 0) {
      for (let column = 0; column < columns; column++)
        c[target + column] = alpha * accumulator[source + column]!;
    } else {
      for (let column = 0; column < columns; column++) {
        c[target + column] = alpha * accumulator[source + column]! + beta * c[target + column]!;
      }
    }
  }
}

/** The textbook triple loop (a dot product per element of `C`), for products too small to pack. */
function directGemm(
  transposeA: boolean,
  transposeB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: NumericArray,
  b: NumericArray,
  beta: number,
  c: NumericArray,
): void {
  const aRowStride = transposeA ? 1 : k;
  const aDepthStride = transposeA ? m : 1;
  const bColumnStride = transposeB ? k : 1;
  const bDepthStride = transposeB ? 1 : n;
  for (let row = 0; row < m; row++) {
    for (let column = 0; column < n; column++) {
      let total = 0;
      let aIndex = row * aRowStride;
      let bIndex = column * bColumnStride;
      for (let p = 0; p < k; p++) {
        total += a[aIndex]! * b[bIndex]!;
        aIndex += aDepthStride;
        bIndex += bDepthStride;
      }
      const index = row * n + column;
      c[index] = beta === 0 ? alpha * total : alpha * total + beta * c[index]!;
    }
  }
}

function roundUpToTile(size: number): number {
  return Math.ceil(size / TILE) * TILE;
}
