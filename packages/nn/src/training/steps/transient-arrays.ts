import type { FloatDType } from "@descent/spec";
import { allocate } from "@descent/tensor";
import type { ResidentPool } from "../resident-pool.js";
import { type FloatArray, FreeLists } from "./free-lists.js";

// Why this exists: a convolutional network's training step makes arrays the size of its feature maps (the
// CNN of the peers table: 5.5 MB for the first convolution's output, its relu-masked gradient and the pool's
// gradient, ~27 MB a step), all dead once the step ends. Fresh arrays that large cost more than the
// arithmetic that fills them: the allocator maps new pages and every first write faults (on the 2-vCPU
// reference VM, a new 5.5 MB array filled once took 3–8 ms against 0.1 ms for a reused one). Taken from the
// run's resident pool when there is one, the kernels read and write them in place: copying a feature map in
// and out of the kernels' shared memory runs at memcpy speed or below.

/**
 * The arrays of one training step that die with it (`ApplyOptions.allocateTransient`): layers' outputs
 * handed to the next layer and the intermediates of their backward, float32 ones from `pool` (resident)
 * when given. {@link recycle} takes every array handed out back for the next step, so nothing may keep one
 * past the step; the pool's owner releases the resident ones when the run ends.
 *
 * @example
 * const transient = new TransientArrays(null);
 * model.apply(params, x, { training: true, allocateTransient: transient.allocate }); // … backward, update
 * transient.recycle(); // the next step reuses the arrays
 */
export class TransientArrays {
  private readonly free = new FreeLists();
  private handedOut: FloatArray[] = [];

  constructor(private readonly pool: ResidentPool | null) {}

  /** An array of `dtype` and `length` for this step (contents arbitrary: its user writes every element). */
  readonly allocate = (dtype: FloatDType, length: number): FloatArray => {
    const array = this.free.take(dtype, length) ?? this.pool?.take(dtype, length) ?? allocate(dtype, length);
    this.handedOut.push(array);
    return array;
  };

  /** Ends a step: every array handed out since the last call is free for reuse. */
  recycle(): void {
    for (const array of this.handedOut) this.free.give(array);
    this.handedOut = [];
  }
}
