import type { GeometryArguments } from "./elementwise-exports.js";
import {
  A_ADDRESS,
  A_WINDOWS,
  ACTIVATION,
  ALPHA,
  B_ADDRESS,
  BETA,
  BIAS_ADDRESS,
  C_ADDRESS,
  CHUNK_COLUMN_PANELS,
  CHUNK_ROW_PANELS,
  COLUMN_BLOCKS,
  GATHER_ADDRESS,
  JOB_GEMM,
  JOB_KIND,
  K,
  KC,
  M,
  MAX_THREADS,
  N,
  PACK_A_CHUNKS,
  PACK_A_PANELS,
  PACK_B_CHUNKS,
  PACK_B_PANELS,
  PACK_FLAGS_ADDRESS,
  PACKED,
  PACKED_A_ADDRESS,
  PACKED_B_ADDRESS,
  TRANSPOSE_A,
  TRANSPOSE_B,
  WINDOW_GEOMETRY,
} from "./generated/layout.js";
import { align64, word } from "./kernel-memory.js";

/** Rows of op(A) packed per pack chunk (about 128 rows × KC floats ≈ 128 KiB), rounded up to whole panels. */
const PACK_A_ROWS_PER_CHUNK = 128;
/** Columns of op(B) packed per pack chunk (128 columns × KC floats), rounded up to whole panels. */
const PACK_B_COLUMNS_PER_CHUNK = 128;
/**
 * Rows of C per compute chunk, rounded up to whole panels: a ~128 × KC block of packed A (~128 KiB) stays in
 * L2 while B slivers stream.
 */
const COMPUTE_ROWS = 128;
/** Compute chunks aimed for (columns are split when rows alone give fewer): enough to balance 2–8 threads. */
const TARGET_COMPUTE_CHUNKS = 16;
/**
 * Least multiply-adds per compute chunk, and least floats per pack chunk of A: a shallow product (the CNN's first
 * convolution: n = 32, k = 9) made 128-row chunks of ~1–2 µs each, and claiming and counting them on contended
 * atomics took as long as the work, so its 2 threads ran slower than 1 (bench/webassembly-costs.bench.mjs:
 * 1.58 ms against 1.31; 1.19 ms with these minimums). Deep products already pass both: their chunks are as before.
 */
const COMPUTE_MINIMUM_WORK = 1 << 18;
const PACK_A_MINIMUM_FLOATS = 8192;

/** The sizes a GEMM job is cut by: C is m × n, the depth is k, and the module's micro-kernel tile. */
export interface GemmShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** Rows of op(A) per micro-kernel tile (2 for plain SIMD, 6 for relaxed SIMD). */
  readonly tileRows: number;
  /** Columns of op(B) per micro-kernel tile (16 for plain SIMD, 8 for relaxed SIMD). */
  readonly tileColumns: number;
}

/** How a GEMM job is cut into chunks: pack chunks of A, then of B, then compute chunks of C. */
export interface GemmChunks {
  /** Panels of op(A), `tileRows` rows each. */
  readonly rowPanels: number;
  /** Panels of op(B), `tileColumns` columns each. */
  readonly columnPanels: number;
  /** Panels of op(A) per pack chunk (within one depth block of KC). */
  readonly packAPanels: number;
  /** Panels of op(B) per pack chunk (within one depth block of KC). */
  readonly packBPanels: number;
  readonly packAChunks: number;
  readonly packBChunks: number;
  /** Row panels of C per compute chunk. */
  readonly rowPanelsPerChunk: number;
  /** Column panels of C per compute chunk. */
  readonly columnPanelsPerChunk: number;
  /** Compute chunks across C. */
  readonly columnBlocks: number;
  /** Pack chunks and compute chunks: the caller checks it against the claim word's index (`CHUNK_INDEX_MASK`). */
  readonly total: number;
}

/**
 * The chunk layout of a GEMM job of this shape.
 *
 * @example
 * gemmChunks({ m: 512, n: 512, k: 512, tileRows: 6, tileColumns: 8 }).total; // 32: 8 + 8 pack chunks, 4 × 4 compute chunks
 */
export function gemmChunks({ m, n, k, tileRows, tileColumns }: GemmShape): GemmChunks {
  const rowPanels = Math.ceil(m / tileRows);
  const columnPanels = Math.ceil(n / tileColumns);
  const depthBlocks = Math.ceil(k / KC);
  // Chunks grow for huge operands so that a job stays within the claim word's 16-bit index.
  const packAPanels = Math.max(
    Math.ceil(PACK_A_ROWS_PER_CHUNK / tileRows),
    Math.ceil(PACK_A_MINIMUM_FLOATS / (tileRows * Math.min(k, KC))),
    Math.ceil((rowPanels * depthBlocks) / 16384),
  );
  const packBPanels = Math.max(
    Math.ceil(PACK_B_COLUMNS_PER_CHUNK / tileColumns),
    Math.ceil((columnPanels * depthBlocks) / 16384),
  );
  const rowPanelsPerChunk = Math.max(
    Math.ceil(COMPUTE_ROWS / tileRows),
    Math.ceil(COMPUTE_MINIMUM_WORK / (tileRows * n * k)),
    Math.ceil(rowPanels / 16384),
  );
  const packAChunks = depthBlocks * Math.ceil(rowPanels / packAPanels);
  const packBChunks = depthBlocks * Math.ceil(columnPanels / packBPanels);
  const rowBlocks = Math.ceil(rowPanels / rowPanelsPerChunk);
  const wantedColumnBlocks = Math.min(columnPanels, Math.ceil(TARGET_COMPUTE_CHUNKS / rowBlocks));
  const columnPanelsPerChunk = Math.ceil(columnPanels / wantedColumnBlocks);
  const columnBlocks = Math.ceil(columnPanels / columnPanelsPerChunk);
  return {
    rowPanels,
    columnPanels,
    packAPanels,
    packBPanels,
    packAChunks,
    packBChunks,
    rowPanelsPerChunk,
    columnPanelsPerChunk,
    columnBlocks,
    total: packAChunks + packBChunks + rowBlocks * columnBlocks,
  };
}

/** Where a GEMM's operands are: byte addresses of those resident in the module's memory, -1 for the others. */
export interface GemmOperands {
  /** Floats of A: m·k, or the images' when op(A) is their im2col matrix. */
  readonly aLength: number;
  /** Whether op(A) is packed from images (window packing needs gather rows). */
  readonly windowed: boolean;
  readonly hasBias: boolean;
  readonly residentA: number;
  readonly residentB: number;
  readonly residentC: number;
  /** -1 also without a bias. */
  readonly residentBias: number;
}

/** Byte addresses of a GEMM job's operands and scratch in the module's memory. */
export interface GemmWorkspace {
  readonly aAddress: number;
  readonly bAddress: number;
  readonly cAddress: number;
  /** Whether C is computed in place in its resident array (else it is copied in when β ≠ 0, and out). */
  readonly cResident: boolean;
  /** Per-thread gather rows of window packing; 0 without windows. */
  readonly gatherAddress: number;
  readonly packedAAddress: number;
  readonly packedBAddress: number;
  /** One byte per pack chunk, set when it is packed. */
  readonly packFlagsAddress: number;
  /** 0 without a bias. */
  readonly biasAddress: number;
  /** The first byte past the workspace: the memory must reach it. */
  readonly end: number;
}

/** Whether two float ranges overlap (a negative address is no range). */
function overlaps(first: number, firstLength: number, second: number, secondLength: number): boolean {
  if (first < 0 || second < 0) return false;
  return first < second + secondLength * 4 && second < first + firstLength * 4;
}

/**
 * The workspace of a GEMM job past byte `start` (the end of the resident heap): resident operands are used
 * where they are; the others, the packed panels, the pack flags and a copied bias get cache-line-aligned
 * places from `start` on.
 *
 * @example
 * const workspace = gemmWorkspace(heap.end, shape, gemmChunks(shape), operands);
 * if (!reserve(workspace.end)) return false;
 */
export function gemmWorkspace(
  start: number,
  { m, n, k, tileRows, tileColumns }: GemmShape,
  { rowPanels, columnPanels, packAChunks, packBChunks }: GemmChunks,
  { aLength, windowed, hasBias, residentA, residentB, residentC, residentBias }: GemmOperands,
): GemmWorkspace {
  // Computing in place while C overlaps an input would read results as operands: copy C then.
  const cResident =
    residentC >= 0 &&
    !overlaps(residentC, m * n, residentA, aLength) &&
    !overlaps(residentC, m * n, residentB, k * n);
  let next = align64(start);
  const take = (bytes: number) => {
    const address = next;
    next = align64(next + bytes);
    return address;
  };
  const aAddress = residentA >= 0 ? residentA : take(aLength * 4);
  const bAddress = residentB >= 0 ? residentB : take(k * n * 4);
  const cAddress = cResident ? residentC : take(m * n * 4);
  // One gather area per possible thread index: a worker still in a previous job's loop may claim chunks.
  const gatherAddress = windowed ? take(MAX_THREADS * tileRows * KC * 4) : 0;
  const packedAAddress = take(rowPanels * tileRows * k * 4);
  const packedBAddress = next;
  const packFlagsAddress = packedBAddress + columnPanels * tileColumns * k * 4;
  const flagsEnd = packFlagsAddress + packAChunks + packBChunks;
  const biasAddress = !hasBias ? 0 : residentBias >= 0 ? residentBias : align64(flagsEnd);
  const end = !hasBias || residentBias >= 0 ? flagsEnd : biasAddress + n * 4;
  return {
    aAddress,
    bAddress,
    cAddress,
    cResident,
    gatherAddress,
    packedAAddress,
    packedBAddress,
    packFlagsAddress,
    biasAddress,
    end,
  };
}

/** A GEMM job: C ← α·op(A)·op(B) + β·C, then C ← act(C + bias) when the workspace has a bias. */
export interface GemmJob {
  readonly shape: GemmShape;
  readonly chunks: GemmChunks;
  readonly workspace: GemmWorkspace;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly alpha: number;
  readonly beta: number;
  /** ACTIVATION_NONE or ACTIVATION_RELU. */
  readonly activation: number;
  /** The geometry of the NHWC images in A when op(A) is their im2col matrix (or its transpose), else null. */
  readonly windows: GeometryArguments | null;
}

/**
 * Writes a GEMM job's parameters into the layout words the module's work loop reads and clears its pack flags;
 * `words`, `floats` and `bytes` view the module's memory. The engine calls it while the claim word is parked.
 *
 * @example
 * this.runJob(job.chunks.total, threads, skipped, () => writeGemmJob(words, floats, bytes, job));
 */
export function writeGemmJob(words: Int32Array, floats: Float32Array, bytes: Uint8Array, job: GemmJob): void {
  const { shape, chunks, workspace, windows } = job;
  words[word(JOB_KIND)] = JOB_GEMM;
  words[word(M)] = shape.m;
  words[word(N)] = shape.n;
  words[word(K)] = shape.k;
  words[word(TRANSPOSE_A)] = job.transposeA ? 1 : 0;
  words[word(TRANSPOSE_B)] = job.transposeB ? 1 : 0;
  floats[word(ALPHA)] = job.alpha;
  floats[word(BETA)] = job.beta;
  words[word(A_ADDRESS)] = workspace.aAddress;
  words[word(B_ADDRESS)] = workspace.bAddress;
  words[word(C_ADDRESS)] = workspace.cAddress;
  words[word(PACKED_A_ADDRESS)] = workspace.packedAAddress;
  words[word(PACKED_B_ADDRESS)] = workspace.packedBAddress;
  words[word(PACK_FLAGS_ADDRESS)] = workspace.packFlagsAddress;
  words[word(BIAS_ADDRESS)] = workspace.biasAddress;
  words[word(ACTIVATION)] = job.activation;
  words[word(A_WINDOWS)] = windows === null ? 0 : 1;
  if (windows !== null) words.set(windows, word(WINDOW_GEOMETRY));
  words[word(GATHER_ADDRESS)] = workspace.gatherAddress;
  const flags = workspace.packFlagsAddress;
  bytes.fill(0, flags, flags + chunks.packAChunks + chunks.packBChunks);
  words[word(PACK_A_PANELS)] = chunks.packAPanels;
  words[word(PACK_B_PANELS)] = chunks.packBPanels;
  words[word(CHUNK_ROW_PANELS)] = chunks.rowPanelsPerChunk;
  words[word(CHUNK_COLUMN_PANELS)] = chunks.columnPanelsPerChunk;
  words[word(COLUMN_BLOCKS)] = chunks.columnBlocks;
  words[word(PACK_A_CHUNKS)] = chunks.packAChunks;
  words[word(PACK_B_CHUNKS)] = chunks.packBChunks;
  Atomics.store(words, word(PACKED), 0);
}
