/** Resident blocks start on cache-line boundaries (the wasm loads do not need it; the caches like it). */
const BLOCK_ALIGNMENT = 64;

function alignUp(bytes: number): number {
  return Math.ceil(bytes / BLOCK_ALIGNMENT) * BLOCK_ALIGNMENT;
}

/** A live block: its length in floats (guards against double and foreign releases) and its aligned bytes. */
interface LiveBlock {
  readonly length: number;
  readonly bytes: number;
}

/**
 * Address bookkeeping of the resident float32 blocks in a kernel memory: an address-ordered first-fit heap
 * from `start` with coalescing. A request takes the lowest free gap it fits in (the rest of the gap stays
 * free), else the top moves up; a released block merges with free neighbours, and free space at the top
 * lowers the top again.
 *
 * WebAssembly memory cannot shrink, so the rule that matters is that space is reused for any size that fits:
 * the top moves up only when no free gap holds the request, and when every block is released the top is back
 * at `start`. A `fit` releasing its pool at the end therefore leaves the next one an empty heap, whatever its
 * sizes: the memory's high-water mark is the largest single working set, not the sum of all of them.
 */
export class ResidentHeap {
  private top: number;
  /** Free gaps below the top, sorted by address, never adjacent to each other or to the top. */
  private readonly gaps: { address: number; bytes: number }[] = [];
  /** Live blocks by byte address. */
  private readonly live = new Map<number, LiveBlock>();
  private liveTotal = 0;

  constructor(readonly start: number) {
    this.top = start;
  }

  /** First byte after the heap (where per-call scratch may begin). */
  get end(): number {
    return this.top;
  }

  /** Bytes held by live blocks (each rounded up to the block alignment). */
  get liveBytes(): number {
    return this.liveTotal;
  }

  /** Bytes the heap would end at if {@link allocate} were asked for a block of `length` floats now. */
  endAfterGrowth(length: number): number {
    const bytes = alignUp(length * 4);
    return this.gapFor(bytes) >= 0 ? this.top : this.top + bytes;
  }

  /** Byte address of a block of `length` floats: the lowest free gap that holds it, else new at the top. */
  allocate(length: number): number {
    const bytes = alignUp(length * 4);
    const index = this.gapFor(bytes);
    let address: number;
    if (index < 0) {
      address = this.top;
      this.top += bytes;
    } else {
      const gap = this.gaps[index]!;
      address = gap.address;
      if (gap.bytes === bytes) this.gaps.splice(index, 1);
      else {
        gap.address += bytes;
        gap.bytes -= bytes;
      }
    }
    this.live.set(address, { length, bytes });
    this.liveTotal += bytes;
    return address;
  }

  /** Frees a live block for reuse; false (nothing done) when it is not a live block of that length. */
  release(address: number, length: number): boolean {
    const block = this.live.get(address);
    if (block === undefined || block.length !== length) return false;
    this.live.delete(address);
    this.liveTotal -= block.bytes;
    this.free(address, block.bytes);
    return true;
  }

  /** Whether `[address, address + bytes)` lies inside the heap. */
  contains(address: number, bytes: number): boolean {
    return address >= this.start && address + bytes <= this.top;
  }

  /** Index of the first (lowest) gap of at least `bytes`, or -1. */
  private gapFor(bytes: number): number {
    const gaps = this.gaps;
    for (let i = 0; i < gaps.length; i++) if (gaps[i]!.bytes >= bytes) return i;
    return -1;
  }

  private free(address: number, bytes: number): void {
    const gaps = this.gaps;
    let index = 0;
    while (index < gaps.length && gaps[index]!.address < address) index++;
    let from = address;
    let to = address + bytes;
    const before = gaps[index - 1];
    const after = gaps[index];
    let removeFrom = index;
    let removeCount = 0;
    if (before !== undefined && before.address + before.bytes === from) {
      from = before.address;
      removeFrom = index - 1;
      removeCount++;
    }
    if (after !== undefined && after.address === to) {
      to = after.address + after.bytes;
      removeCount++;
    }
    if (to === this.top) {
      // Free space at the top is no gap: the top comes down, so the GEMM scratch past it reuses the space too.
      gaps.splice(removeFrom, removeCount);
      this.top = from;
      return;
    }
    gaps.splice(removeFrom, removeCount, { address: from, bytes: to - from });
  }
}
