import type { DType, ParamTree } from "@descent/spec";
import { flattenTree } from "../tree/tree.js";

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

/**
 * An array for a parameter gradient that a layer's backward fills completely (its contents are
 * arbitrary): a recycled one when `fit` gave one back, else a new one.
 */
export function gradientBuffer(dtype: DType, length: number): NumericArray {
  const array = gradientFree.take(dtype, length) ?? fresh(dtype, length);
  gradientsOut.add(array);
  return array;
}

/**
 * Gives back the arrays of a gradient tree whose step is over and that nothing kept (the optimizer
 * said so). Arrays not made by {@link gradientBuffer}, or already given back, are ignored.
 */
export function recycleGradients(gradients: ParamTree): void {
  for (const [, tensor] of flattenTree(gradients)) {
    const data = tensor.data;
    if (gradientsOut.delete(data)) gradientFree.give(data);
  }
}

/**
 * The parameter arrays of one `fit` call: new parameters are written into arrays of parameters that
 * `fit` itself made and that nobody saw (neither a callback through `context.params` nor the
 * non-finite report, which keeps the previous step's), instead of new arrays.
 */
export class ParameterArrays {
  private readonly free = new FreeLists();
  private readonly made = new WeakSet<ParamTree>();
  private readonly seen = new WeakSet<ParamTree>();

  /** The allocator for a fused optimizer step. */
  readonly allocate = (dtype: DType, length: number): NumericArray =>
    this.free.take(dtype, length) ?? fresh(dtype, length);

  /** Records a tree whose arrays all came from {@link allocate}. */
  adopt(params: ParamTree): void {
    this.made.add(params);
  }

  /** Records that `params` left fit's hands (a callback read it): its arrays are never reused. */
  expose(params: ParamTree): void {
    this.seen.add(params);
  }

  /** Takes back the arrays of parameters no longer referenced by fit, when fit made them and nobody saw them. */
  retire(params: ParamTree): void {
    if (!this.made.has(params) || this.seen.has(params)) return;
    this.made.delete(params);
    for (const [, tensor] of flattenTree(params)) this.free.give(tensor.data);
  }
}
