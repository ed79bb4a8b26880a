import type { FloatDType, ParamTree, Tensor, TreeLayout } from "@descent/spec";
import { layoutLeaves, treeFlatten } from "@descent/tensor";

// Why this exists: a training step of a dense network makes two arrays the size of its weights (the
// weight gradient and the new weights) that are dead one or two steps later. Fresh arrays of that size
// cost more than the arithmetic that fills them (the allocator zero-fills them and the first write of
// each page faults), so a step hands dead ones back for reuse. Only arrays that nothing else can see are
// reused: tensors are immutable through the public API, and this keeps it so.

/** A float array of either precision. */
export type FloatArray = Float32Array | Float64Array;

/**
 * The tensors of `tree`: read by path when its `layout` is known (checked once, when the run started),
 * flattened (and checked) otherwise.
 *
 * @example for (const tensor of treeLeaves(gradients, layout)) free.give(tensor.data);
 */
export function treeLeaves(tree: ParamTree, layout: TreeLayout | undefined): readonly Tensor[] {
  return layout === undefined ? treeFlatten(tree).leaves : layoutLeaves(layout, tree);
}

/**
 * Arrays by dtype and length, ready for reuse (any contents). Unbounded on purpose: only arrays handed out
 * earlier come back, and an array is made only when none is free, so a list never holds more than the
 * arrays of that size a step has in flight. (A cap dropped the surplus of models with more same-sized
 * parameters than the cap: fresh arrays every step, and for resident ones memory held until `fit` ended.)
 */
export class FreeLists {
  private readonly lists = new Map<string, FloatArray[]>();

  /** A free array of `dtype` and `length`, or undefined when none is free. */
  take(dtype: FloatDType, length: number): FloatArray | undefined {
    return this.lists.get(`${dtype}:${length}`)?.pop();
  }

  /** Keeps `array` for a later {@link take} (giving one twice keeps it once). */
  give(array: FloatArray): void {
    const name = `${array.BYTES_PER_ELEMENT === 8 ? "float64" : "float32"}:${array.length}`;
    let list = this.lists.get(name);
    if (list === undefined) {
      list = [];
      this.lists.set(name, list);
    }
    if (!list.includes(array)) list.push(array);
  }

  /** Forgets every free array. */
  clear(): void {
    this.lists.clear();
  }
}
