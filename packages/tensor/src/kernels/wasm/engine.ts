import { DescentError } from "../../core/errors.js";
import {
  type ElementwiseExports,
  elementwiseExports,
  type GeometryArguments,
} from "./elementwise-exports.js";
import { gemmChunks, gemmWorkspace, writeGemmJob } from "./gemm-job.js";
import {
  CHUNK_INDEX_MASK,
  CHUNKS_BY_THREAD,
  DONE,
  FAILED,
  GENERATION_MASK,
  JOB_KIND,
  JOB_RANGE,
  MAX_THREADS,
  NEXT,
  RANGE_ALL_FINITE,
  RANGE_ARGUMENTS,
  RANGE_KERNEL,
  RANGE_UNITS,
  RANGE_UNITS_PER_CHUNK,
  READY,
  SEQUENCE,
  SLEEPERS,
  THREADS,
  TOTAL,
} from "./generated/layout.js";
import { KernelMemory, word } from "./kernel-memory.js";
import type { WasmVariant } from "./support.js";
import { gemmOnThreads } from "./thresholds.js";
import { WorkerPool } from "./worker-pool.js";

/**
 * One instantiated kernel module with its memory and (when the memory is shared) its worker threads. Runs
 * float32 GEMMs: copies A, B (and C when β ≠ 0) into wasm memory, posts a job of pack and compute chunks that
 * the calling thread and the workers claim (cut and laid out by gemm-job.ts), waits for the last chunk and
 * copies C out. The element-wise kernels of the same module run on the calling thread through
 * {@link WasmEngine.elementwise} and {@link WasmEngine.scratch} (see elementwise.ts).
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
  private readonly memory: KernelMemory;
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
  private pool: WorkerPool | undefined;
  private generation = 0;

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
    this.memory = new KernelMemory(shared);
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory.main } });
    this.work = instance.exports.work as (thread: number) => void;
    this.residentElementwise = elementwiseExports(instance);
    this.elementwise = shared
      ? elementwiseExports(
          new WebAssembly.Instance(unsharedModule, { env: { memory: this.memory.scratchMemory } }),
        )
      : this.residentElementwise;
    this.tileRows = (instance.exports.tileRows as () => number)();
    this.tileColumns = (instance.exports.tileColumns as () => number)();
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
    return this.memory.memoryBytes;
  }

  /** Workers that have entered their loop. */
  get readyWorkers(): number {
    return Atomics.load(this.memory.words, word(READY));
  }

  /** Compute chunks each thread ran since the engine started (index 0 = calling thread). */
  chunksByThread(): number[] {
    const counts: number[] = [];
    for (let thread = 0; thread < MAX_THREADS; thread++) {
      counts.push(Atomics.load(this.memory.words, word(CHUNKS_BY_THREAD) + thread));
    }
    return counts;
  }

  /** Stops the workers (the engine keeps working on the calling thread). */
  terminate(): void {
    this.pool?.terminate();
    this.pool = undefined;
  }

  /** `length` floats in this engine's memory, used in place by the kernels, or null (see {@link KernelMemory}). */
  residentFloat32(length: number): Float32Array | null {
    return this.memory.residentFloat32(length);
  }

  /** Returns a block from {@link residentFloat32} for reuse; anything else (or a second release) is ignored. */
  releaseResident(array: Float32Array): void {
    this.memory.releaseResident(array);
  }

  /** Byte address of `length` 4-byte elements of `array` when they lie in the resident heap, else -1. */
  residentAddress(array: Float32Array | Int32Array, length: number): number {
    return this.memory.residentAddress(array, length);
  }

  /** Byte address of `bytes` of scratch for {@link elementwise}, or -1 (see {@link KernelMemory.scratch}). */
  scratch(bytes: number): number {
    return this.memory.scratch(bytes);
  }

  /** A float32 view of the memory {@link elementwise} works on, current as of the last {@link scratch}. */
  get memoryFloats(): Float32Array {
    return this.memory.memoryFloats;
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
    const shape = { m, n, k, tileRows: this.tileRows, tileColumns: this.tileColumns };
    const chunks = gemmChunks(shape);
    const { packAChunks, packBChunks, total } = chunks;
    if (total >= CHUNK_INDEX_MASK) return false;

    const aLength = windows === null ? m * k : windows[0] * windows[1] * windows[2] * windows[3];
    const residentA = this.residentAddress(a, aLength);
    const residentB = this.residentAddress(b, k * n);
    const residentBias = bias === null ? -1 : this.residentAddress(bias, n);
    const residentC = this.residentAddress(c, m * n);
    const workspace = gemmWorkspace(this.memory.heapEnd, shape, chunks, {
      aLength,
      windowed: windows !== null,
      hasBias: bias !== null,
      residentA,
      residentB,
      residentC,
      residentBias,
    });
    const { aAddress, bAddress, cAddress, cResident, biasAddress } = workspace;
    const memory = this.memory;
    if (!memory.reserve(workspace.end)) return false;

    const floats = memory.floats;
    const words = memory.words;
    if (residentA < 0) memory.copyIn(a, aLength, aAddress);
    if (residentB < 0) memory.copyIn(b, k * n, bAddress);
    if (beta !== 0 && !cResident) memory.copyIn(c, m * n, cAddress);
    if (bias !== null && residentBias < 0) memory.copyIn(bias, n, biasAddress);

    const threads = this.threadsFor(gemmOnThreads(m * n * k));
    const skipped = this.skipPackClaims ? packAChunks + packBChunks : 0;
    const job = { shape, chunks, workspace, transposeA, transposeB, alpha, beta, activation, windows };
    this.runJob(total, threads, skipped, () => writeGemmJob(words, floats, memory.bytes, job));
    if (!cResident) c.set(floats.subarray(cAddress >> 2, (cAddress >> 2) + m * n));
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
    const words = this.memory.words;
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
      this.memory.realArguments.set(reals);
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
    const words = this.memory.words;
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

  /** The engine's threads when `wanted` and the pool can give them, else 1. */
  private threadsFor(wanted: boolean): number {
    const threads = this.effectiveThreads;
    if (threads <= 1 || !wanted) return 1;
    return this.ensurePool(threads - 1) ? threads : 1;
  }

  private ensurePool(workers: number): boolean {
    this.pool ??= new WorkerPool(this.module, this.memory.main);
    return this.pool.grow(workers);
  }

  private waitForChunks(total: number): void {
    const words = this.memory.words;
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
      if (this.memory.canBlock && ++spins > 2048) Atomics.wait(words, word(DONE), done, 5);
    }
  }
}
