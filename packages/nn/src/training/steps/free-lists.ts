import type { FloatDType } from "@descent/spec";

// Why this exists: a training step of a dense network makes two arrays the size of its weights (the
// weight gradient and the new weights) that are dead one or two steps later. Fresh arrays of that size
// cost more than the arithmetic that fills them (the allocator zero-fills them and the first write of
// each page faults), so a step hands dead ones back for reuse. Only arrays that nothing else can see are
// reused: tensors are immutable through the public API, and this keeps it so.

/** A float array of either precision. */
export type FloatArray = Float32Array | Float64Array;

/** Free arrays kept per (dtype, length): a few steps' worth, never an unbounded cache. */
const MAX_FREE_PER_SIZE = 4;

/** A new zero-filled array of `dtype`. */
export function fresh(dtype: FloatDType, length: number): FloatArray {
  return dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
}

/** Arrays of one dtype and length, ready for reuse (any contents). One per training step, never shared. */
export class FreeLists {
  private readonly lists = new Map<string, FloatArray[]>();

  /** A free array of `dtype` and `length`, or undefined when none is free. */
  take(dtype: FloatDType, length: number): FloatArray | undefined {
    return this.lists.get(`${dtype}:${length}`)?.pop();
  }

  /** Keeps `array` for a later {@link take} (at most a few per size; giving one twice keeps it once). */
  give(array: FloatArray): void {
    const name = `${array.BYTES_PER_ELEMENT === 8 ? "float64" : "float32"}:${array.length}`;
    let list = this.lists.get(name);
    if (list === undefined) {
      list = [];
      this.lists.set(name, list);
    }
    if (list.length < MAX_FREE_PER_SIZE && !list.includes(array)) list.push(array);
  }
}
