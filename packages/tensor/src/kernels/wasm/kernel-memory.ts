import { FAILED, RANGE_FLOAT_ARGUMENTS, WORKSPACE_START } from "./generated/layout.js";
import { ResidentHeap } from "./resident-heap.js";
import { createKernelMemory } from "./support.js";

const PAGE_BYTES = 65536;

/**
 * `bytes` rounded up to a cache line.
 *
 * @example
 * align64(65); // 128
 */
export function align64(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/**
 * Index of the 4-byte word at `byteOffset` in an Int32Array or Float32Array over the module's memory.
 *
 * @example
 * words[word(JOB_KIND)] = JOB_GEMM;
 */
export function word(byteOffset: number): number {
  return byteOffset >> 2;
}

function probeCanBlock(words: Int32Array): boolean {
  try {
    Atomics.wait(words, word(FAILED), -1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The memory of one kernel module (owned by its `WasmEngine`): the main memory (the job's layout words, then the
 * resident heap, then per-call workspace past it), the element-wise scratch memory, and the typed views over
 * the main memory, renewed whenever it grows. Hands out resident float32 arrays and scratch addresses.
 */
export class KernelMemory {
  /** The memory the module is instantiated on and the workers share. */
  readonly main: WebAssembly.Memory;
  /**
   * The memory the element-wise scratch lives in: `main` when it is not shared, else a private unshared
   * memory (see `WasmEngine.elementwise`).
   */
  readonly scratchMemory: WebAssembly.Memory;
  /** Whether the calling thread can `Atomics.wait` on the main memory (it is shared, off a browser main thread). */
  readonly canBlock: boolean;
  /** An int32 view of the main memory (the layout words), renewed when it grows. */
  words!: Int32Array;
  /** A float32 view of the main memory, renewed when it grows. */
  floats!: Float32Array;
  /** The range jobs' float64 arguments (8 at RANGE_FLOAT_ARGUMENTS), renewed with the other views. */
  realArguments!: Float64Array;
  /** A byte view of the main memory, renewed when it grows. */
  bytes!: Uint8Array;
  private scratchFloats: Float32Array;
  private readonly heap = new ResidentHeap(WORKSPACE_START);
  /**
   * Every `memory.buffer` object resident arrays were made on (a grow of a shared memory returns a new
   * object over the same memory, and old views stay valid): an array over one of them is in this memory.
   */
  private readonly residentBuffers = new WeakSet<ArrayBufferLike>();

  /** Creates the main memory (`shared` or not) and, when it is shared, the private scratch memory. */
  constructor(readonly shared: boolean) {
    this.main = createKernelMemory(shared, 64);
    this.scratchMemory = shared ? createKernelMemory(false, 2) : this.main;
    this.scratchFloats = new Float32Array(this.scratchMemory.buffer);
    this.renewViews();
    this.canBlock = shared && probeCanBlock(this.words);
  }

  /** Bytes of the main memory (it never shrinks: the high-water mark of heap and GEMM scratch). */
  get memoryBytes(): number {
    return this.main.buffer.byteLength;
  }

  /** First byte after the resident heap, where a GEMM's workspace may begin. */
  get heapEnd(): number {
    return this.heap.end;
  }

  /**
   * A Float32Array of `length` elements (contents unspecified) whose storage is the main memory, so kernels
   * read and write it in place; null when the memory is not shared (an unshared memory's buffer detaches when
   * it grows) or cannot grow enough. Give it back with {@link releaseResident}.
   */
  residentFloat32(length: number): Float32Array | null {
    if (!this.shared || !Number.isInteger(length) || length < 1) return null;
    if (!this.reserve(this.heap.endAfterGrowth(length))) return null;
    const address = this.heap.allocate(length);
    const buffer = this.main.buffer;
    this.residentBuffers.add(buffer);
    return new Float32Array(buffer, address, length);
  }

  /** Returns a block from {@link residentFloat32} for reuse; anything else (or a second release) is ignored. */
  releaseResident(array: Float32Array): void {
    if (this.residentBuffers.has(array.buffer)) this.heap.release(array.byteOffset, array.length);
  }

  /**
   * Byte address of `length` 4-byte elements of `array` (floats, or int32 indices laid over a resident float
   * array) when they lie in the resident heap, else -1.
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
    if (this.scratchMemory === this.main) {
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

  /** A float32 view of the scratch memory, current as of the last {@link scratch}. */
  get memoryFloats(): Float32Array {
    return this.scratchFloats;
  }

  /** Copies the first `length` floats of `array` to byte `address` of the main memory. */
  copyIn(array: Float32Array, length: number, address: number): void {
    this.floats.set(array.length === length ? array : array.subarray(0, length), address >> 2);
  }

  /**
   * Grows the main memory to at least `bytes` (by at least a quarter of its size, to grow rarely) and renews
   * the views; false when it cannot grow that far.
   */
  reserve(bytes: number): boolean {
    const current = this.main.buffer.byteLength;
    if (bytes <= current) return true;
    const pages = Math.max(Math.ceil((bytes - current) / PAGE_BYTES), Math.ceil(current / PAGE_BYTES / 4));
    try {
      this.main.grow(pages);
    } catch {
      try {
        this.main.grow(Math.ceil((bytes - current) / PAGE_BYTES));
      } catch {
        return false;
      }
    }
    this.renewViews();
    return true;
  }

  /** Makes the views over the main memory's current buffer (a grow replaces a shared memory's buffer object). */
  private renewViews(): void {
    const buffer = this.main.buffer;
    this.words = new Int32Array(buffer);
    this.floats = new Float32Array(buffer);
    this.realArguments = new Float64Array(buffer, RANGE_FLOAT_ARGUMENTS, 8);
    this.bytes = new Uint8Array(buffer);
  }
}
