import type { DType, ParamTree } from "@descent/spec";
import { Tensor, treeFlatten, treeMap } from "@descent/tensor";
import { releaseResident, residentFloat32 } from "@descent/tensor/kernels";
import { FreeLists } from "./steps/free-lists.js";

// Why this exists: the WebAssembly GEMMs copy every plain operand into their memory and the result out
// (≈13% of a dense network's training step). Arrays that live in that memory ("resident", from
// @descent/tensor) are used in place. `fit` takes its batch buffer, gradients and new parameters from one
// pool per call and releases the pool when it ends: the rule is that no resident array leaves `fit`
// (callbacks, the result and errors get plain copies), so releasing them all at the end is safe.

type NumericArray = Float32Array | Float64Array;

/** The resident arrays of one `fit` call, with free lists by length for arrays it gives back. */
export class ResidentPool {
  private readonly owned = new Set<Float32Array>();
  private readonly free = new FreeLists();

  /** A float32 array of this pool (contents unspecified), or null for float64 or without resident storage. */
  take(dtype: DType, length: number): Float32Array | null {
    if (dtype !== "float32") return null;
    const reused = this.free.take(dtype, length);
    if (reused !== undefined) return reused as Float32Array;
    const array = residentFloat32(length);
    if (array !== null) this.owned.add(array);
    return array;
  }

  /** Whether `array` is one of this pool's live arrays. */
  owns(array: NumericArray): array is Float32Array {
    return this.owned.has(array as Float32Array);
  }

  /** Takes back an array of this pool for reuse by {@link take}; false (nothing done) for other arrays. */
  give(array: NumericArray): boolean {
    if (!this.owns(array)) return false;
    this.free.give(array);
    return true;
  }

  /**
   * Gives up an array that something outside `fit` may keep: it is never released (so never reused), at the
   * cost of its memory.
   */
  abandon(array: NumericArray): void {
    this.owned.delete(array as Float32Array);
  }

  /** Whether any leaf of `tree` is an array of this pool. */
  holdsAny(tree: ParamTree): boolean {
    return treeFlatten(tree).leaves.some((tensor) => this.owns(tensor.data));
  }

  /** `tree` with the leaves stored in this pool replaced by plain copies (the same tree when there are none). */
  plain(tree: ParamTree): ParamTree {
    if (!this.holdsAny(tree)) return tree;
    return treeMap(tree, (tensor) =>
      this.owns(tensor.data) ? new Tensor(tensor.data.slice(), tensor.shape) : tensor,
    );
  }

  /** Releases every array of the pool: call when `fit` ends, once nothing refers to them. */
  releaseAll(): void {
    for (const array of this.owned) releaseResident(array);
    this.owned.clear();
    this.free.clear();
  }
}
