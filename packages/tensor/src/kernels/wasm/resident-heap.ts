/** Resident blocks start on cache-line boundaries (the wasm loads do not need it; the caches like it). */
const BLOCK_ALIGNMENT = 64;

function alignUp(bytes: number): number {
  return Math.ceil(bytes / BLOCK_ALIGNMENT) * BLOCK_ALIGNMENT;
}

/**
 * Address bookkeeping of the resident float32 blocks in a kernel memory: a bump region from `start` that
 * only grows, with one free list per exact length. Blocks are never given back to the system: a training
 * run asks again and again for the same few sizes, which the free lists serve.
 */
export class ResidentHeap {
  private top: number;
  private readonly free = new Map<number, number[]>();
  /** Live blocks: byte address → length in floats (guards against double and foreign releases). */
  private readonly live = new Map<number, number>();

  constructor(readonly start: number) {
    this.top = start;
  }

  /** First byte after the heap (where per-call scratch may begin). */
  get end(): number {
    return this.top;
  }

  /** Bytes the heap would end at if {@link allocate} needed a new block of `length` floats. */
  endAfterGrowth(length: number): number {
    return this.free.get(length)?.length ? this.top : this.top + alignUp(length * 4);
  }

  /** Byte address of a block of `length` floats: a freed one of that length, else new at the top. */
  allocate(length: number): number {
    const address = this.free.get(length)?.pop() ?? this.bump(length);
    this.live.set(address, length);
    return address;
  }

  /** Returns a live block to its free list; false (nothing done) when it is not a live block of that length. */
  release(address: number, length: number): boolean {
    if (this.live.get(address) !== length) return false;
    this.live.delete(address);
    let list = this.free.get(length);
    if (list === undefined) {
      list = [];
      this.free.set(length, list);
    }
    list.push(address);
    return true;
  }

  /** Whether `[address, address + bytes)` lies inside the heap. */
  contains(address: number, bytes: number): boolean {
    return address >= this.start && address + bytes <= this.top;
  }

  private bump(length: number): number {
    const address = this.top;
    this.top += alignUp(length * 4);
    return address;
  }
}
