import type { FloatDType } from "@descent/spec";
import { allocate, isPlainObject, isTensorLike, Tensor } from "@descent/tensor";
import type { ResidentPool } from "../resident-pool.js";
import { type FloatArray, FreeLists } from "./free-lists.js";

// Why this exists: an adaptive optimizer's step makes arrays the size of the parameters every step, its next
// moments (state) and its updates (Adam: three per parameter, 2.7 MB a step for the peers' CNN). New plain
// arrays each step cost their zeroing, and the WebAssembly kernels then copy all six of Adam's arrays in and
// out of their memory instead of working in place (and on both threads). `fit` hands the optimizer its own
// arrays (`FusedStepOptions.allocateState`, `allocateUpdates`), resident when it has a pool, and takes them
// back once the state holding them is replaced or the step that used the updates is over. The optimizer state
// `fit` hands out (callbacks, checkpoints, the result) holds plain copies, never these arrays.

/**
 * The optimizer-state arrays of one fused step: handed out for the next state, taken back for reuse once
 * the state holding them has been replaced by the next and nothing outside `fit` saw them.
 */
export class StateArrays {
  private readonly free = new FreeLists();
  /** Every array handed out (and not given up): the only ones taken back or copied on the way out. */
  private readonly made = new Set<FloatArray>();

  constructor(private readonly pool: ResidentPool | null) {}

  /** `FusedStepOptions.allocateState`: an array for the next state (contents arbitrary). */
  readonly allocate = (dtype: FloatDType, length: number): FloatArray => {
    const array = this.free.take(dtype, length) ?? this.pool?.take(dtype, length) ?? allocate(dtype, length);
    this.made.add(array);
    return array;
  };

  /** After a step: the arrays of `previous` that are this object's and not in `next` go back for reuse. */
  retire(previous: unknown, next: unknown): void {
    if (previous === next) return;
    const kept = new Set<FloatArray>();
    forEachArray(next, (array) => kept.add(array));
    forEachArray(previous, (array) => {
      if (this.made.has(array) && !kept.has(array)) this.free.give(array);
    });
  }

  /**
   * `state` with this object's arrays replaced by plain copies, for anything that leaves the loop (a
   * callback's `context.optimizerState`, a checkpoint, the result); the originals go back for reuse, since
   * the caller stores the copy in their place. The same object when it holds none.
   */
  expose(state: unknown): unknown {
    let holds = false;
    forEachArray(state, (array) => {
      holds ||= this.made.has(array);
    });
    if (!holds) return state;
    const copy = mapTensors(state, (tensor) => {
      const data = tensor.data as FloatArray;
      if (!this.made.has(data)) return tensor;
      this.free.give(data);
      return new Tensor(data.slice(), tensor.shape);
    });
    return copy;
  }
}

/** Calls `visit` with the data of every tensor in `value` (arrays and plain objects walked). */
function forEachArray(value: unknown, visit: (array: FloatArray) => void): void {
  if (isTensorLike(value)) {
    visit(value.data as FloatArray);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) forEachArray(item, visit);
    return;
  }
  if (isPlainObject(value)) for (const item of Object.values(value)) forEachArray(item, visit);
}

/** `value` with every tensor replaced by `replace(tensor)`; arrays and plain objects rebuilt, the rest kept. */
function mapTensors(value: unknown, replace: (tensor: Tensor) => Tensor): unknown {
  if (isTensorLike(value)) return replace(value as Tensor);
  if (Array.isArray(value)) return value.map((item) => mapTensors(item, replace));
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = mapTensors(item, replace);
    return copy;
  }
  return value;
}
