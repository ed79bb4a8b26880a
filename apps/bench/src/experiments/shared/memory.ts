import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collector: (() => void) | null | undefined;

/**
 * V8's full garbage collection, obtained at run time (`--expose-gc` set through `v8.setFlagsFromString`
 * and picked up by a fresh context), or `null` where the runtime refuses.
 *
 * @example collectGarbage()?.()
 */
export function collectGarbage(): (() => void) | null {
  if (collector === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      collector = runInNewContext("gc") as () => void;
    } catch {
      collector = null;
    }
  }
  return collector;
}

/**
 * Bytes the process holds in JavaScript: V8's used heap plus external memory (every ArrayBuffer, so
 * every tensor). Costs well under a microsecond, so it can be sampled at every training step.
 *
 * `bytes = usedHeapSize + externalMemory`
 *
 * @example const before = heapBytes();
 */
export function heapBytes(): number {
  const statistics = getHeapStatistics() as ReturnType<typeof getHeapStatistics> & {
    external_memory?: number;
  };
  return statistics.used_heap_size + (statistics.external_memory ?? 0);
}

/**
 * Bytes held in ArrayBuffers and other off-heap allocations V8 tracks (every tensor's data lives there).
 * ArrayBuffers are released only after a collection and a turn of the event loop, so inside one
 * synchronous computation this only grows: its growth is the tensor bytes that computation allocated.
 *
 * @example const tensorBytes = externalBytes() - before;
 */
export function externalBytes(): number {
  const statistics = getHeapStatistics() as ReturnType<typeof getHeapStatistics> & {
    external_memory?: number;
  };
  return statistics.external_memory ?? process.memoryUsage().arrayBuffers;
}

/** {@link externalBytes} after full collections (see {@link settledHeapBytes}). */
export async function settledExternalBytes(): Promise<number> {
  await settledHeapBytes();
  return externalBytes();
}

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * {@link heapBytes} after full collections: ArrayBuffers are released after the collection, once the
 * event loop turns, so this collects, waits a turn, and collects again.
 *
 * @example const baseline = await settledHeapBytes();
 */
export async function settledHeapBytes(): Promise<number> {
  const gc = collectGarbage();
  for (let round = 0; round < 2; round++) {
    gc?.();
    await nextMacrotask();
  }
  return heapBytes();
}

/**
 * Tracks the largest {@link heapBytes} seen by `sample()` above a baseline (garbage not yet collected
 * counts: it is memory the process really holds at that moment).
 *
 * @example
 * const peak = new PeakMemory(await settledHeapBytes());
 * peak.sample(); // after every step
 * peak.megabytes; // peak − baseline, in MB (10⁶ bytes)
 */
export class PeakMemory {
  private peak: number;

  constructor(private readonly baseline: number) {
    this.peak = baseline;
  }

  sample(): void {
    const bytes = heapBytes();
    if (bytes > this.peak) this.peak = bytes;
  }

  get megabytes(): number {
    return Math.max(0, this.peak - this.baseline) / 1e6;
  }
}
