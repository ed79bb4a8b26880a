import type { FloatDType, ParamTree, TreeLayout } from "@descent/spec";
import { allocate } from "@descent/tensor";
import type { ResidentPool } from "../resident-pool.js";
import { type FloatArray, FreeLists, treeLeaves } from "./free-lists.js";

/**
 * The parameter arrays of one fused step: new parameters are written into arrays of parameters the step
 * itself made and that nobody saw (neither a callback through `context.params` nor an error, which keep
 * what {@link expose} gave them), instead of new arrays. With a resident pool, new arrays come from it
 * (they must then never leave `fit`: {@link expose} hands out plain copies).
 */
export class ParameterArrays {
  private readonly free = new FreeLists();
  /** Trees whose arrays all came from {@link allocate}: the only ones {@link retire} takes back. */
  private readonly made = new WeakSet<ParamTree>();
  /** Trees handed out: never taken back. */
  private readonly seen = new WeakSet<ParamTree>();

  /** `layout`: of every tree given to this object (read by path); without it, each tree is flattened. */
  constructor(
    private readonly pool: ResidentPool | null,
    private readonly layout?: TreeLayout,
  ) {}

  /** The allocator for the optimizer's fused step (`FusedStepOptions.allocate`). */
  readonly allocate = (dtype: FloatDType, length: number): FloatArray =>
    this.free.take(dtype, length) ?? this.pool?.take(dtype, length) ?? allocate(dtype, length);

  /** Records a tree whose arrays all came from {@link allocate}. */
  adopt(params: ParamTree): void {
    this.made.add(params);
  }

  /**
   * The tree to hand out in place of `params`: `params` itself, recorded as seen so its arrays are never
   * reused; or, when it holds resident arrays, a plain copy, and `params`'s arrays go back for reuse.
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

  /** Takes back the arrays of parameters the loop no longer refers to, when the step made them and nobody saw them. */
  retire(params: ParamTree): void {
    if (!this.made.has(params) || this.seen.has(params)) return;
    this.made.delete(params);
    for (const tensor of treeLeaves(params, this.layout)) this.free.give(tensor.data);
  }
}
