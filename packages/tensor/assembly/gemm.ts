// Packed, register-blocked single-precision GEMM: C ← α·op(A)·op(B) + β·C, shared by every thread.
//
// A job (described by the driver in the control words of layout.ts) is a list of chunks that threads claim
// with an atomic counter: first the chunks that pack op(A) and op(B) into TILE_ROWS-row / TILE_COLUMNS-column
// slivers, then the compute chunks (a block of row panels × a block of column panels of C). Whoever claims a
// chunk, every element of C is computed by the same instruction sequence (the same micro-kernel over the same
// KC blocks in the same order), so results are bit-identical for any thread count.

import { applyEpilogue } from "./epilogue";
import {
  A_ADDRESS,
  A_WINDOWS,
  ACTIVATION,
  ACTIVATION_NONE,
  ALPHA,
  B_ADDRESS,
  BETA,
  BIAS_ADDRESS,
  C_ADDRESS,
  CHUNK_COLUMN_PANELS,
  CHUNK_INDEX_MASK,
  CHUNK_ROW_PANELS,
  CHUNKS_BY_THREAD,
  COLUMN_BLOCKS,
  DONE,
  JOB_KIND,
  JOB_RANGE,
  K,
  KC,
  M,
  N,
  NEXT,
  PACK_A_CHUNKS,
  PACK_A_PANELS,
  PACK_B_CHUNKS,
  PACK_B_PANELS,
  PACK_FLAGS_ADDRESS,
  PACKED,
  PACKED_A_ADDRESS,
  PACKED_B_ADDRESS,
  TILE_SCRATCH,
  TILE_SCRATCH_BYTES,
  TOTAL,
  TRANSPOSE_A,
  TRANSPOSE_B,
} from "./layout";
import { microKernel } from "./micro-kernel";
import { packAPanel, packBPanel } from "./pack";
import { rangeChunk } from "./range";
import { TILE_COLUMNS, TILE_ROWS } from "./tile";
import { packWindowsPanels } from "./windows-pack";

function ceilDivide(value: i32, divisor: i32): i32 {
  return (value + divisor - 1) / divisor;
}

/** Byte address of the packed sliver for depth block starting at p0 (size kc) and panel `panel`. */
function sliverAddress(base: usize, p0: i32, paddedWidth: i32, panel: i32, kc: i32, width: i32): usize {
  return base + ((<usize>p0 * <usize>paddedWidth + <usize>panel * <usize>kc * <usize>width) << 2);
}

function packAChunk(chunk: i32, thread: i32): void {
  const m = load<i32>(M);
  const k = load<i32>(K);
  const panels = ceilDivide(m, TILE_ROWS);
  const panelsPerChunk = load<i32>(PACK_A_PANELS);
  const groups = ceilDivide(panels, panelsPerChunk);
  const p0 = (chunk / groups) * KC;
  const kc = min(KC, k - p0);
  const first = (chunk % groups) * panelsPerChunk;
  const last = min(panels, first + panelsPerChunk);
  const a = load<usize>(A_ADDRESS);
  const transposeA = load<i32>(TRANSPOSE_A) !== 0;
  const packed = load<usize>(PACKED_A_ADDRESS);
  const windows = load<i32>(A_WINDOWS) !== 0;
  if (windows) {
    const target = sliverAddress(packed, p0, panels * TILE_ROWS, first, kc, TILE_ROWS);
    packWindowsPanels(a, m, transposeA, first, last, p0, kc, target, thread);
    return;
  }
  for (let panel = first; panel < last; panel++) {
    const target = sliverAddress(packed, p0, panels * TILE_ROWS, panel, kc, TILE_ROWS);
    packAPanel(a, m, k, transposeA, panel * TILE_ROWS, p0, kc, target);
  }
}

function packBChunk(chunk: i32): void {
  const n = load<i32>(N);
  const k = load<i32>(K);
  const panels = ceilDivide(n, TILE_COLUMNS);
  const panelsPerChunk = load<i32>(PACK_B_PANELS);
  const groups = ceilDivide(panels, panelsPerChunk);
  const p0 = (chunk / groups) * KC;
  const kc = min(KC, k - p0);
  const first = (chunk % groups) * panelsPerChunk;
  const last = min(panels, first + panelsPerChunk);
  const b = load<usize>(B_ADDRESS);
  const transposeB = load<i32>(TRANSPOSE_B) !== 0;
  const packed = load<usize>(PACKED_B_ADDRESS);
  for (let panel = first; panel < last; panel++) {
    const target = sliverAddress(packed, p0, panels * TILE_COLUMNS, panel, kc, TILE_COLUMNS);
    packBPanel(b, n, k, transposeB, panel * TILE_COLUMNS, p0, kc, target);
  }
}

function computeChunk(chunk: i32, thread: i32): void {
  const m = load<i32>(M);
  const n = load<i32>(N);
  const k = load<i32>(K);
  const alpha = load<f32>(ALPHA);
  const beta = load<f32>(BETA);
  const rowPanels = ceilDivide(m, TILE_ROWS);
  const columnPanels = ceilDivide(n, TILE_COLUMNS);
  const rowsPerChunk = load<i32>(CHUNK_ROW_PANELS);
  const columnsPerChunk = load<i32>(CHUNK_COLUMN_PANELS);
  const columnBlocks = load<i32>(COLUMN_BLOCKS);
  const firstRow = (chunk / columnBlocks) * rowsPerChunk;
  const lastRow = min(rowPanels, firstRow + rowsPerChunk);
  const firstColumn = (chunk % columnBlocks) * columnsPerChunk;
  const lastColumn = min(columnPanels, firstColumn + columnsPerChunk);
  const packedA = load<usize>(PACKED_A_ADDRESS);
  const packedB = load<usize>(PACKED_B_ADDRESS);
  const c = load<usize>(C_ADDRESS);
  const scratch = <usize>TILE_SCRATCH + <usize>thread * TILE_SCRATCH_BYTES;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    // The first depth block applies β; later blocks accumulate onto C (β = 1 is exact).
    const blockBeta: f32 = p0 === 0 ? beta : 1;
    for (let column = firstColumn; column < lastColumn; column++) {
      const b = sliverAddress(packedB, p0, columnPanels * TILE_COLUMNS, column, kc, TILE_COLUMNS);
      const j0 = column * TILE_COLUMNS;
      const columns = min(TILE_COLUMNS, n - j0);
      for (let row = firstRow; row < lastRow; row++) {
        const a = sliverAddress(packedA, p0, rowPanels * TILE_ROWS, row, kc, TILE_ROWS);
        const i0 = row * TILE_ROWS;
        const rows = min(TILE_ROWS, m - i0);
        const target = c + ((<usize>i0 * <usize>n + <usize>j0) << 2);
        if (rows === TILE_ROWS && columns === TILE_COLUMNS)
          microKernel(kc, a, b, target, n, alpha, blockBeta, TILE_ROWS, TILE_COLUMNS, scratch);
        else microKernel(kc, a, b, target, n, alpha, blockBeta, rows, columns, scratch);
      }
    }
  }
  const bias = load<usize>(BIAS_ADDRESS);
  const activation = load<i32>(ACTIVATION);
  if (bias !== 0 || activation !== ACTIVATION_NONE) {
    const i0 = firstRow * TILE_ROWS;
    const j0 = firstColumn * TILE_COLUMNS;
    applyEpilogue(
      c,
      n,
      i0,
      min(m, lastRow * TILE_ROWS),
      j0,
      min(n, lastColumn * TILE_COLUMNS),
      bias,
      activation,
    );
  }
}

// Built twice: with `threads` for shared memory (worker threads), and without for runtimes that cannot share
// memory (browsers without cross-origin isolation), where the same counters are plain loads and stores.
function fetchAdd(address: usize, delta: i32): i32 {
  if (ASC_FEATURE_THREADS) return atomic.add<i32>(address, delta);
  const value = load<i32>(address);
  store<i32>(address, value + delta);
  return value;
}

function loadCounter(address: usize): i32 {
  if (ASC_FEATURE_THREADS) return atomic.load<i32>(address);
  return load<i32>(address);
}

/**
 * Claims the next chunk of the published job, or returns -1 when none is left. While the driver rewrites a
 * job the index bits are all ones (≥ any total); the parameters are complete whenever a claim succeeds,
 * because the driver publishes the new claim word after writing them.
 */
function claim(): i32 {
  while (true) {
    const word = loadCounter(NEXT);
    const index = word & CHUNK_INDEX_MASK;
    if (index >= loadCounter(TOTAL)) return -1;
    if (!ASC_FEATURE_THREADS) {
      store<i32>(NEXT, word + 1);
      return index;
    }
    if (atomic.cmpxchg<i32>(NEXT, word, word + 1) === word) return index;
  }
}

function packChunk(chunk: i32, packAChunks: i32, thread: i32): void {
  if (chunk < packAChunks) packAChunk(chunk, thread);
  else packBChunk(chunk - packAChunks);
  const flag = load<usize>(PACK_FLAGS_ADDRESS) + <usize>chunk;
  if (ASC_FEATURE_THREADS) atomic.store<u8>(flag, 1);
  else store<u8>(flag, 1);
}

/**
 * Makes sure every pack chunk is done before computing. Packing is idempotent (it writes the same bytes from
 * read-only inputs), so instead of spinning on a chunk another thread holds (maybe preempted for a whole
 * time slice on a busy machine), this thread packs any chunk not yet flagged done itself.
 */
function finishPacking(packAChunks: i32, packChunks: i32, thread: i32): void {
  if (loadCounter(PACKED) >= packChunks) return;
  const flags = load<usize>(PACK_FLAGS_ADDRESS);
  for (let chunk = 0; chunk < packChunks; chunk++) {
    const done = ASC_FEATURE_THREADS ? atomic.load<u8>(flags + <usize>chunk) : load<u8>(flags + <usize>chunk);
    if (done === 0) packChunk(chunk, packAChunks, thread);
  }
}

/**
 * Claims and runs chunks of the current job until none is left; called by the driver on the calling thread
 * (thread 0) and by every worker (thread ≥ 1) when the job sequence changes.
 */
export function work(thread: i32): void {
  while (true) {
    const chunk = claim();
    if (chunk < 0) return;
    const total = loadCounter(TOTAL);
    if (load<i32>(JOB_KIND) === JOB_RANGE) {
      rangeChunk(chunk);
      fetchAdd(CHUNKS_BY_THREAD + thread * 4, 1);
      const finished = fetchAdd(DONE, 1) + 1;
      if (ASC_FEATURE_THREADS) {
        if (finished === total) atomic.notify(DONE);
      }
      continue;
    }
    const packAChunks = load<i32>(PACK_A_CHUNKS);
    const packChunks = packAChunks + load<i32>(PACK_B_CHUNKS);
    if (chunk < packChunks) {
      packChunk(chunk, packAChunks, thread);
      fetchAdd(PACKED, 1);
    } else {
      finishPacking(packAChunks, packChunks, thread);
      computeChunk(chunk - packChunks, thread);
      fetchAdd(CHUNKS_BY_THREAD + thread * 4, 1);
    }
    const done = fetchAdd(DONE, 1) + 1;
    if (ASC_FEATURE_THREADS) {
      if (done === total) atomic.notify(DONE);
    }
  }
}

export { adamUpdate } from "./adam";
export { averagePoolBackward, averagePoolForward } from "./average-pool";
export { binary, reluBackward, unary, zero } from "./elementwise";
export { scaledAdd } from "./scaled-add";
export { columnsToImage, maxPoolBackward, maxPoolForward } from "./windows";

/** Rows of op(A) per micro-kernel tile in this build, for the driver's panel counts and packed sizes. */
export function tileRows(): i32 {
  return TILE_ROWS;
}

/** Columns of op(B) per micro-kernel tile in this build. */
export function tileColumns(): i32 {
  return TILE_COLUMNS;
}
