import type { DType, ParamTree } from "@descent/spec";
import { flattenTree } from "../tree/tree.js";
import type { ResidentPool } from "./resident-pool.js";

// Why this exists: a training step of a dense network makes two arrays the size of its weights (the
// weight gradient and the new weights) that are dead one or two steps later. Fresh arrays of that size
// cost more than the arithmetic that fills them (the allocator zero-fills them and the first write of
// each page faults), so fit hands dead ones back for reuse. Only arrays that nothing else can see are
// reused: tensors are immutable through the public API, and this keeps it so.

type NumericArray = Float32Array | Float64Array;

/** Free arrays kept per (dtype, length): a few steps' worth, never an unbounded cache. */
const MAX_FREE_PER_SIZE = 4;

/** Arrays of one dtype and length, ready for reuse (any contents). */
class FreeLists {
  private readonly lists = new Map<string, NumericArray[]>();

  take(dtype: DType, length: number): NumericArray | undefined {
    return this.lists.get(key(dtype, length))?.pop();
  }

  give(array: NumericArray): void {
    const dtype: DType = array.BYTES_PER_ELEMENT === 8 ? "float64" : "float32";
    const name = key(dtype, array.length);
    let list = this.lists.get(name);
    if (list === undefined) {
      list = [];
      this.lists.set(name, list);
    }
    if (list.length < MAX_FREE_PER_SIZE && !list.includes(array)) list.push(array);
  }
}

function key(dtype: DType, length: number): string {
  return `${dtype}:${length}`;
}

function fresh(dtype: DType, length: number): NumericArray {
  return dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
}

const gradientFree = new FreeLists();
/** Gradient arrays handed out and not yet given back: only these may be given back (once). */
const gradientsOut = new WeakSet<NumericArray>();
/** Where gradient buffers come from first while `fit` computes a step's gradients (see {@link withGradientPool}). */
let gradientPool: ResidentPool | null = null;

/**
 * An array for a parameter gradient that a layer's backward fills completely (its contents are
 * arbitrary): a recycled one when `fit` gave one back, else one of `fit`'s resident pool while it
 * computes gradients with one, else a new one.
 */
export function gradientBuffer(dtype: DType, length: number): NumericArray {
  const array = gradientPool?.take(dtype, length) ?? gradientFree.take(dtype, length) ?? fresh(dtype, length);
  gradientsOut.add(array);
  return array;
}

/**
 * Runs `compute` with gradient buffers taken from `pool` (only there: a callback computing gradients
 * outside this call gets plain arrays, which it may keep).
 */
export function withGradientPool<Result>(pool: ResidentPool | null, compute: () => Result): Result {
  const outer = gradientPool;
  gradientPool = pool;
  try {
    return compute();
  } finally {
    gradientPool = outer;
  }
}

/**
 * Gives back the arrays of a gradient tree whose step is over and that nothing kept (the optimizer
 * said so): resident ones to `pool`, which made them, the others for any later use. Arrays not made
 * by {@link gradientBuffer}, or already given back, are ignored.
 */
export function recycleGradients(gradients: ParamTree, pool: ResidentPool | null = null): void {
  for (const [, tensor] of flattenTree(gradients)) {
    const data = tensor.data;
    if (gradientsOut.delete(data) && !pool?.give(data)) gradientFree.give(data);
  }
}

/**
 * The parameter arrays of one `fit` call: new parameters are written into arrays of parameters that
 * `fit` itself made and that nobody saw (neither a callback through `context.params` nor the
 * non-finite report, which keeps the previous step's), instead of new arrays. With a resident pool,
 * new arrays come from it (they must then never leave `fit`: see {@link ResidentPool.plain}).
 */
export class ParameterArrays {
  private readonly free = new FreeLists();
  private readonly made = new WeakSet<ParamTree>();
  private readonly seen = new WeakSet<ParamTree>();

  constructor(private readonly pool: ResidentPool | null = null) {}

  /** The allocator for a fused optimizer step. */
  readonly allocate = (dtype: DType, length: number): NumericArray =>
    this.free.take(dtype, length) ?? this.pool?.take(dtype, length) ?? fresh(dtype, length);

  /** Records a tree whose arrays all came from {@link allocate}. */
  adopt(params: ParamTree): void {
    this.made.add(params);
  }

  /**
   * The tree to hand out of `fit` (to a callback, or as the result) in place of `params`: `params`
   * itself, recorded as seen so its arrays are never reused; or, when it holds resident arrays, a
   * plain copy, and `params`'s arrays go back for reuse (nobody saw them).
   */
  expose(params: ParamTree): ParamTree {
    if (this.pool === null || !this.pool.holdsAny(params)) {
      this.seen.add(params);
      return params;
    }
    const copy = this.pool.plain(params);
    this.seen.add(copy);
    this.retire(params);
    return copy;
  }

  /** Takes back the arrays of parameters no longer referenced by fit, when fit made them and nobody saw them. */
  retire(params: ParamTree): void {
    if (!this.made.has(params) || this.seen.has(params)) return;
    this.made.delete(params);
    for (const [, tensor] of flattenTree(params)) this.free.give(tensor.data);
  }
}
