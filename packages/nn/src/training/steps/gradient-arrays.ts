import type { FloatDType, ParamTree, TreeLayout } from "@descent/spec";
import { allocate } from "@descent/tensor";
import type { ResidentPool } from "../resident-pool.js";
import { type FloatArray, FreeLists, treeLeaves } from "./free-lists.js";

/**
 * The arrays a fused step hands the model for its parameter gradients (`ApplyOptions.allocateGradient`):
 * given back after a step whose optimizer released them, and resident once the optimizer has shown it
 * releases them. Gradients computed outside the step (a callback's own `valueAndGrad`) never come from here.
 */
export class GradientArrays {
  private readonly free = new FreeLists();
  /** Arrays handed out since the last {@link settle}: only these may be given back, once. */
  private readonly handedOut = new Set<FloatArray>();
  private resident = false;

  /** `layout`: of every tree given to this object (read by path); without it, each tree is flattened. */
  constructor(
    private readonly pool: ResidentPool | null,
    private readonly layout?: TreeLayout,
  ) {}

  /** An array for a parameter gradient (contents arbitrary: the layer fills every element). */
  readonly allocate = (dtype: FloatDType, length: number): FloatArray => {
    const array =
      (this.resident ? this.pool?.take(dtype, length) : null) ??
      this.free.take(dtype, length) ??
      allocate(dtype, length);
    this.handedOut.add(array);
    return array;
  };

  /**
   * Ends a step: when the optimizer `released` its gradients (kept none), their arrays handed out here go
   * back for reuse and later ones are resident. Otherwise they must outlive `fit`: never reused nor
   * released (resident ones are given up by the pool), and later gradients are plain.
   */
  settle(gradients: ParamTree, released: boolean): void {
    for (const tensor of treeLeaves(gradients, this.layout)) {
      const data = tensor.data;
      if (!this.handedOut.delete(data)) continue;
      if (!released) this.pool?.abandon(data);
      else if (!this.pool?.give(data)) this.free.give(data);
    }
    this.handedOut.clear();
    this.resident = released && this.pool !== null;
  }
}
