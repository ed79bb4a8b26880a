import { DescentError } from "../../core/errors.js";
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
  CHUNK_INDEX_MASK,
  CHUNK_ROW_PANELS,
  CHUNKS_BY_THREAD,
  COLUMN_BLOCKS,
  DONE,
  FAILED,
  GATHER_ADDRESS,
  GENERATION_MASK,
  JOB_GEMM,
  JOB_KIND,
  JOB_RANGE,
  K,
  KC,
  M,
  MAX_THREADS,
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
  RANGE_ALL_FINITE,
  RANGE_ARGUMENTS,
  RANGE_FLOAT_ARGUMENTS,
  RANGE_KERNEL,
  RANGE_UNITS,
  RANGE_UNITS_PER_CHUNK,
  READY,
  SEQUENCE,
  SLEEPERS,
  THREADS,
  TOTAL,
  TRANSPOSE_A,
  TRANSPOSE_B,
  WINDOW_GEOMETRY,
  WORKSPACE_START,
} from "./generated/layout.js";
import { ResidentHeap } from "./resident-heap.js";
import { createKernelMemory, type WasmVariant } from "./support.js";
import { gemmOnThreads } from "./thresholds.js";
import { WorkerPool } from "./worker-pool.js";

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
const PAGE_BYTES = 65536;

const word = (byteOffset: number) => byteOffset >> 2;

function align64(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/** Whether two float ranges overlap (a negative address is no range). */
function overlaps(first: number, firstLength: number, second: number, secondLength: number): boolean {
  if (first < 0 || second < 0) return false;
  return first < second + secondLength * 4 && second < first + firstLength * 4;
}

function probeCanBlock(words: Int32Array): boolean {
  try {
    Atomics.wait(words, word(FAILED), -1, 0);
    return true;
  } catch {
    return false;
  }
}

/** The element-wise functions the kernel module exports (byte addresses and byte lengths; see assembly/). */
export interface ElementwiseExports {
  binary(op: number, out: number, a: number, b: number, bytes: number): void;
  unary(op: number, out: number, x: number, bytes: number): void;
  /** Sets `bytes` bytes at `address` to zero (assembly/elementwise.ts). */
  zero(address: number, bytes: number): void;
  reluBackward(g: number, y: number, out: number, bias: number, rows: number, rowBytes: number): void;
  /** Returns 1 when every result is finite, else 0. */
  scaledAdd(out: number, p: number, u: number, count: number, factor: number): number;
  /** Adam's step (assembly/adam.ts): g, m, v, mOut, vOut, out addresses, an even count, then the coefficients. */
  adamUpdate(
    g: number,
    m: number,
    v: number,
    mOut: number,
    vOut: number,
    out: number,
    count: number,
    beta1: number,
    beta2: number,
    inverseCorrection1: number,
    inverseCorrection2: number,
    epsilonRoot: number,
    epsilon: number,
  ): void;
  /** Max pooling forward over NHWC (assembly/windows.ts): input, output, argmax addresses, then the geometry. */
  maxPoolForward(input: number, output: number, argmax: number, ...geometry: GeometryArguments): void;
  /**
   * Max pooling backward, accumulating (assembly/windows.ts): cotangent, argmax, gradient addresses, outputs,
   * inputs; 1 when every winner was inside the gradient, else 0.
   */
  maxPoolBackward(cotangent: number, argmax: number, gradient: number, count: number, length: number): number;
  /** col2im, accumulating (assembly/windows.ts): columns and image addresses, then the geometry. */
  columnsToImage(columns: number, image: number, ...geometry: GeometryArguments): void;
  /** Average pooling forward over NHWC (assembly/average-pool.ts): input, output addresses, then the geometry. */
  averagePoolForward(input: number, output: number, ...geometry: GeometryArguments): void;
  /** Average pooling backward, accumulating (assembly/average-pool.ts): cotangent, gradient, the geometry. */
  averagePoolBackward(cotangent: number, gradient: number, ...geometry: GeometryArguments): void;
}

/**
 * A window geometry as the window kernels of the module take it, in this order: batch, height, width, channels,
 * kernelHeight, kernelWidth, strideHeight, strideWidth, padTop, padLeft, outHeight, outWidth.
 */
export type GeometryArguments = [
  batch: number,
  height: number,
  width: number,
  channels: number,
  kernelHeight: number,
  kernelWidth: number,
  strideHeight: number,
  strideWidth: number,
  padTop: number,
  padLeft: number,
  outHeight: number,
  outWidth: number,
];

function elementwiseExports(instance: WebAssembly.Instance): ElementwiseExports {
  const exports = instance.exports as unknown as ElementwiseExports;
  const { binary, unary, zero, reluBackward, scaledAdd, maxPoolForward, maxPoolBackward, columnsToImage } =
    exports;
  const { averagePoolForward, averagePoolBackward, adamUpdate } = exports;
  return {
    binary,
    unary,
    zero,
    reluBackward,
    scaledAdd,
    adamUpdate,
    maxPoolForward,
    maxPoolBackward,
    columnsToImage,
    averagePoolForward,
    averagePoolBackward,
  };
}

/**
 * One instantiated kernel module with its memory and (when the memory is shared) its worker threads. Runs
 * float32 GEMMs: copies A, B (and C when β ≠ 0) into wasm memory, posts a job of pack and compute chunks that
 * the calling thread and the workers claim, waits for the last chunk and copies C out. The element-wise
 * kernels of the same module run on the calling thread through {@link WasmEngine.elementwise} and
 * {@link WasmEngine.scratch} (see elementwise.ts).
 */
export class WasmEngine {
  /** Threads a large GEMM may use (the calling thread included). */
  threads = 1;
  /**
   * For tests: publish jobs with the pack chunks already claimed, so compute chunks must pack everything
   * themselves (the path taken when a pack chunk's owner is preempted).
   */
  skipPackClaims = false;
  /** Rows of op(A) per micro-kernel tile of this module (2 for plain SIMD, 6 for relaxed SIMD). */
  readonly tileRows: number;
  /** Columns of op(B) per micro-kernel tile of this module (16 for plain SIMD, 8 for relaxed SIMD). */
  readonly tileColumns: number;
  private readonly memory: WebAssembly.Memory;
  private readonly work: (thread: number) => void;
  /**
   * The element-wise entry points (assembly/elementwise.ts, assembly/scaled-add.ts) working on copies in
   * {@link scratch}: an instance of the unshared build on a private memory when the main memory is shared,
   * because V8 copies into and fills a shared buffer 2–4× slower than a plain one (16384 floats: 8.8 µs
   * against 2.4 to copy in, 13.4 against 2.5 to fill, Node 20), which would cost element-wise ops more than
   * their SIMD saves.
   */
  readonly elementwise: ElementwiseExports;
  /** The same entry points on the main memory, for arrays resident in it (used in place, no copies). */
  readonly residentElementwise: ElementwiseExports;
  private readonly scratchMemory: WebAssembly.Memory;
  private scratchFloats: Float32Array;
  private words: Int32Array;
  private floats: Float32Array;
  /** The range jobs' float64 arguments (8 at RANGE_FLOAT_ARGUMENTS), renewed with the other views. */
  private realArguments: Float64Array;
  private bytes: Uint8Array;
  private pool: WorkerPool | undefined;
  private readonly canBlock: boolean;
  private generation = 0;
  private readonly heap = new ResidentHeap(WORKSPACE_START);
  /**
   * Every `memory.buffer` object resident arrays were made on (a grow of a shared memory returns a new
   * object over the same memory, and old views stay valid): an array over one of them is in this memory.
   */
  private readonly residentBuffers = new WeakSet<ArrayBufferLike>();

  /**
   * @param module - the build for `shared` memory; `unsharedModule` - the unshared build of the same variant,
   * for the element-wise scratch when `shared` (see {@link elementwise}).
   */
  constructor(
    readonly variant: WasmVariant,
    private readonly module: WebAssembly.Module,
    readonly shared: boolean,
    unsharedModule: WebAssembly.Module = module,
  ) {
    this.memory = createKernelMemory(shared, 64);
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.work = instance.exports.work as (thread: number) => void;
    this.residentElementwise = elementwiseExports(instance);
    if (shared) {
      this.scratchMemory = createKernelMemory(false, 2);
      this.elementwise = elementwiseExports(
        new WebAssembly.Instance(unsharedModule, { env: { memory: this.scratchMemory } }),
      );
    } else {
      this.scratchMemory = this.memory;
      this.elementwise = this.residentElementwise;
    }
    this.scratchFloats = new Float32Array(this.scratchMemory.buffer);
    this.tileRows = (instance.exports.tileRows as () => number)();
    this.tileColumns = (instance.exports.tileColumns as () => number)();
    this.words = new Int32Array(this.memory.buffer);
    this.floats = new Float32Array(this.memory.buffer);
    this.realArguments = new Float64Array(this.memory.buffer, RANGE_FLOAT_ARGUMENTS, 8);
    this.bytes = new Uint8Array(this.memory.buffer);
    this.canBlock = shared && probeCanBlock(this.words);
  }

  /** Threads this runtime can actually use now: 1 without shared memory or workers. */
  get effectiveThreads(): number {
    if (!this.shared || this.threads <= 1) return 1;
    if (this.pool?.failed) return 1;
    return this.threads;
  }

  /** Starts the workers for `threads` now and resolves when they run (otherwise they start on first need). */
  async startWorkers(): Promise<void> {
    const workers = this.effectiveThreads - 1;
    if (workers <= 0) return;
    if (this.ensurePool(workers)) await this.pool!.ready(workers);
  }

  /** Bytes of this engine's memory (it never shrinks: the high-water mark of heap and GEMM scratch). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Workers that have entered their loop. */
  get readyWorkers(): number {
    return Atomics.load(this.words, word(READY));
  }

  /** Compute chunks each thread ran since the engine started (index 0 = calling thread). */
  chunksByThread(): number[] {
    const counts: number[] = [];
    for (let thread = 0; thread < MAX_THREADS; thread++) {
      counts.push(Atomics.load(this.words, word(CHUNKS_BY_THREAD) + thread));
    }
    return counts;
  }

  /** Stops the workers (the engine keeps working on the calling thread). */
  terminate(): void {
    this.pool?.terminate();
    this.pool = undefined;
  }

  /**
   * A Float32Array of `length` elements (contents unspecified) whose storage is this engine's memory, so
   * {@link gemm} reads and writes it in place; null when the memory is not shared (an unshared memory's
   * buffer detaches when it grows) or cannot grow enough. Give it back with {@link releaseResident}.
   */
  residentFloat32(length: number): Float32Array | null {
    if (!this.shared || !Number.isInteger(length) || length < 1) return null;
    if (!this.reserve(this.heap.endAfterGrowth(length))) return null;
    const address = this.heap.allocate(length);
    const buffer = this.memory.buffer;
    this.residentBuffers.add(buffer);
    return new Float32Array(buffer, address, length);
  }

  /** Returns a block from {@link residentFloat32} for reuse; anything else (or a second release) is ignored. */
  releaseResident(array: Float32Array): void {
    if (this.residentBuffers.has(array.buffer)) this.heap.release(array.byteOffset, array.length);
  }

  /**
   * Byte address of `length` 4-byte elements of `array` (floats, or int32 indices laid over a resident float
   * array) when they lie in this engine's resident heap, else -1.
   */
  residentAddress(array: Float32Array | Int32Array, length: number): number {
    if (!this.residentBuffers.has(array.buffer) || !this.heap.contains(array.byteOffset, length * 4))
      return -1;
    return array.byteOffset;
  }

  /**
   * Byte address of `bytes` of scratch just past the resident heap (64-byte aligned), valid until the next
   * kernel call; -1 when the memory cannot grow that far. Take {@link memoryFloats} after it: growing an
   * unshared memory replaces its buffer.
   */
  scratch(bytes: number): number {
    if (this.scratchMemory === this.memory) {
      const address = align64(this.heap.end);
      if (!this.reserve(address + bytes)) return -1;
      this.scratchFloats = this.floats;
      return address;
    }
    const end = WORKSPACE_START + bytes;
    const current = this.scratchMemory.buffer.byteLength;
    if (end > current) {
      try {
        this.scratchMemory.grow(Math.ceil((end - current) / PAGE_BYTES));
      } catch {
        return -1;
      }
      this.scratchFloats = new Float32Array(this.scratchMemory.buffer);
    }
    return WORKSPACE_START;
  }

  /** A float32 view of the memory {@link elementwise} works on, current as of the last {@link scratch}. */
  get memoryFloats(): Float32Array {
    return this.scratchFloats;
  }

  /**
   * C ← α·op(A)·op(B) + β·C in float32 (see `Kernels.gemm`), then, when given, C ← act(C + bias) with
   * `bias` over every row and `activation` ACTIVATION_NONE or ACTIVATION_RELU. Returns false, having touched
   * nothing, when the operands do not fit in the wasm memory this runtime allows. Resident operands (see
   * {@link residentFloat32}) are used in place; the others are copied into a scratch workspace past the heap.
   * With `windows`, `a` holds NHWC images of that geometry and op(A) is their im2col matrix (or its transpose):
   * the panels are packed from the images (assembly/windows-pack.ts), the matrix is never made.
   */
  gemm(
    transposeA: boolean,
    transposeB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    b: Float32Array,
    beta: number,
    c: Float32Array,
    bias: Float32Array | null = null,
    activation = 0,
    windows: GeometryArguments | null = null,
  ): boolean {
    const { tileRows, tileColumns } = this;
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
    const total = packAChunks + packBChunks + rowBlocks * columnBlocks;
    if (total >= CHUNK_INDEX_MASK) return false;

    const aLength = windows === null ? m * k : windows[0] * windows[1] * windows[2] * windows[3];
    const residentA = this.residentAddress(a, aLength);
    const residentB = this.residentAddress(b, k * n);
    const residentBias = bias === null ? -1 : this.residentAddress(bias, n);
    let residentC = this.residentAddress(c, m * n);
    // Computing in place while C overlaps an input would read results as operands: copy C then.
    if (
      residentC >= 0 &&
      (overlaps(residentC, m * n, residentA, aLength) || overlaps(residentC, m * n, residentB, k * n))
    )
      residentC = -1;
    let next = align64(this.heap.end);
    const take = (bytes: number) => {
      const address = next;
      next = align64(next + bytes);
      return address;
    };
    const aAddress = residentA >= 0 ? residentA : take(aLength * 4);
    const bAddress = residentB >= 0 ? residentB : take(k * n * 4);
    const cAddress = residentC >= 0 ? residentC : take(m * n * 4);
    // One gather area per possible thread index: a worker still in a previous job's loop may claim chunks.
    const gatherAddress = windows === null ? 0 : take(MAX_THREADS * tileRows * KC * 4);
    const packedAAddress = take(rowPanels * tileRows * k * 4);
    const packedBAddress = next;
    const packFlagsAddress = packedBAddress + columnPanels * tileColumns * k * 4;
    const flagsEnd = packFlagsAddress + packAChunks + packBChunks;
    const biasAddress = bias === null ? 0 : residentBias >= 0 ? residentBias : align64(flagsEnd);
    const workspaceEnd = bias === null || residentBias >= 0 ? flagsEnd : biasAddress + n * 4;
    if (!this.reserve(workspaceEnd)) return false;

    const floats = this.floats;
    const words = this.words;
    if (residentA < 0) this.copyIn(a, aLength, aAddress);
    if (residentB < 0) this.copyIn(b, k * n, bAddress);
    if (beta !== 0 && residentC < 0) this.copyIn(c, m * n, cAddress);
    if (bias !== null && residentBias < 0) this.copyIn(bias, n, biasAddress);

    const threads = this.threadsFor(gemmOnThreads(m * n * k));
    const skipped = this.skipPackClaims ? packAChunks + packBChunks : 0;
    this.runJob(total, threads, skipped, () => {
      words[word(JOB_KIND)] = JOB_GEMM;
      words[word(M)] = m;
      words[word(N)] = n;
      words[word(K)] = k;
      words[word(TRANSPOSE_A)] = transposeA ? 1 : 0;
      words[word(TRANSPOSE_B)] = transposeB ? 1 : 0;
      floats[word(ALPHA)] = alpha;
      floats[word(BETA)] = beta;
      words[word(A_ADDRESS)] = aAddress;
      words[word(B_ADDRESS)] = bAddress;
      words[word(C_ADDRESS)] = cAddress;
      words[word(PACKED_A_ADDRESS)] = packedAAddress;
      words[word(PACKED_B_ADDRESS)] = packedBAddress;
      words[word(PACK_FLAGS_ADDRESS)] = packFlagsAddress;
      words[word(BIAS_ADDRESS)] = biasAddress;
      words[word(ACTIVATION)] = activation;
      words[word(A_WINDOWS)] = windows === null ? 0 : 1;
      if (windows !== null) words.set(windows, word(WINDOW_GEOMETRY));
      words[word(GATHER_ADDRESS)] = gatherAddress;
      this.bytes.fill(0, packFlagsAddress, packFlagsAddress + packAChunks + packBChunks);
      words[word(PACK_A_PANELS)] = packAPanels;
      words[word(PACK_B_PANELS)] = packBPanels;
      words[word(CHUNK_ROW_PANELS)] = rowPanelsPerChunk;
      words[word(CHUNK_COLUMN_PANELS)] = columnPanelsPerChunk;
      words[word(COLUMN_BLOCKS)] = columnBlocks;
      words[word(PACK_A_CHUNKS)] = packAChunks;
      words[word(PACK_B_CHUNKS)] = packBChunks;
      Atomics.store(words, word(PACKED), 0);
    });
    if (residentC < 0) c.set(floats.subarray(cAddress >> 2, (cAddress >> 2) + m * n));
    return true;
  }

  /**
   * Runs a memory-bound kernel of the module (`kernel`, one of layout.ts's RANGE_ codes) over `units` units of
   * work split into chunks of `unitsPerChunk`, on `threads` threads (the calling thread included) when the
   * pool can give them: each chunk is the kernel on its own sub-range (assembly/range.ts). `integers` (at
   * most 16) and `reals` (at most 8) are its arguments, addresses of resident arrays among them. Returns
   * false when a chunk met a non-finite result (only the scaled add reports one), else true.
   */
  runRange(
    kernel: number,
    units: number,
    unitsPerChunk: number,
    integers: readonly number[],
    reals: readonly number[] = [],
    threads = this.effectiveThreads,
  ): boolean {
    const words = this.words;
    const total = Math.ceil(units / unitsPerChunk);
    if (total >= CHUNK_INDEX_MASK)
      throw new RangeError(`runRange: ${total} chunks, at most ${CHUNK_INDEX_MASK - 1}`);
    this.runJob(total, this.threadsFor(threads > 1), 0, () => {
      words[word(JOB_KIND)] = JOB_RANGE;
      words[word(RANGE_KERNEL)] = kernel;
      words[word(RANGE_UNITS)] = units;
      words[word(RANGE_UNITS_PER_CHUNK)] = unitsPerChunk;
      words[word(RANGE_ALL_FINITE)] = 1;
      words.set(integers, word(RANGE_ARGUMENTS));
      this.realArguments.set(reals);
    });
    return Atomics.load(words, word(RANGE_ALL_FINITE)) === 1;
  }

  /**
   * Publishes a job of `total` chunks (the first `skipped` already counted as claimed and done) whose
   * parameters `describe` writes, runs the calling thread's share and waits for every chunk. The claim word is
   * parked (index bits all ones) while the parameters change: a worker still looping on the previous job then
   * finds nothing to claim, and one that claims a chunk of this job reads parameters complete.
   */
  private runJob(total: number, threads: number, skipped: number, describe: () => void): void {
    const words = this.words;
    const pooled = this.pool !== undefined;
    Atomics.store(words, word(NEXT), Atomics.load(words, word(NEXT)) | CHUNK_INDEX_MASK);
    describe();
    Atomics.store(words, word(TOTAL), total);
    Atomics.store(words, word(DONE), skipped);
    Atomics.store(words, word(THREADS), threads);
    this.generation = (this.generation + 1) & GENERATION_MASK;
    Atomics.store(words, word(NEXT), (this.generation << 16) | skipped);
    if (threads > 1) {
      Atomics.add(words, word(SEQUENCE), 1);
      if (Atomics.load(words, word(SLEEPERS)) > 0) Atomics.notify(words, word(SEQUENCE));
    }
    this.work(0);
    // A worker may hold a chunk even of a job it was not woken for: always wait when workers exist.
    if (pooled) this.waitForChunks(total);
  }

  /** Copies the first `length` floats of `array` to byte `address` of the workspace. */
  private copyIn(array: Float32Array, length: number, address: number): void {
    this.floats.set(array.length === length ? array : array.subarray(0, length), address >> 2);
  }

  /** The engine's threads when `wanted` and the pool can give them, else 1. */
  private threadsFor(wanted: boolean): number {
    const threads = this.effectiveThreads;
    if (threads <= 1 || !wanted) return 1;
    return this.ensurePool(threads - 1) ? threads : 1;
  }

  private ensurePool(workers: number): boolean {
    this.pool ??= new WorkerPool(this.module, this.memory);
    return this.pool.grow(workers);
  }

  private waitForChunks(total: number): void {
    const words = this.words;
    let spins = 0;
    for (;;) {
      const done = Atomics.load(words, word(DONE));
      if (done >= total) return;
      if (Atomics.load(words, word(FAILED)) !== 0) {
        throw new DescentError(
          "gemm",
          "a WebAssembly kernel worker crashed; call useKernels('js') to continue",
        );
      }
      if (this.canBlock && ++spins > 2048) Atomics.wait(words, word(DONE), done, 5);
    }
  }

  private reserve(bytes: number): boolean {
    const current = this.memory.buffer.byteLength;
    if (bytes <= current) return true;
    const pages = Math.max(Math.ceil((bytes - current) / PAGE_BYTES), Math.ceil(current / PAGE_BYTES / 4));
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(Math.ceil((bytes - current) / PAGE_BYTES));
      } catch {
        return false;
      }
    }
    this.words = new Int32Array(this.memory.buffer);
    this.floats = new Float32Array(this.memory.buffer);
    this.realArguments = new Float64Array(this.memory.buffer, RANGE_FLOAT_ARGUMENTS, 8);
    this.bytes = new Uint8Array(this.memory.buffer);
    return true;
  }
}
