import type { GradientTransformation, ParamTree, Tensor as TensorLike, UpdateResult } from "@descent/spec";
import { allocate } from "@descent/tensor";

// Why this exists: transformations are pure (inputs and old state are never written), so every step
// allocates fresh arrays. Inside `chain`, the updates one built-in transform hands to the next are
// seen by nobody else, so the next element-wise transform may overwrite them instead of allocating:
// adamw = chain(scaleByAdam, addDecayedWeights, scaleByLearningRate) then allocates one update array
// per parameter per step instead of three. The hand-over is private to this module; transforms written
// by users are never handed anything to overwrite, and their outputs are never overwritten.

/** Transformations made by this package (only they honour the hand-over protocol). */
const builtins = new WeakSet<object>();
/** Update trees returned by a built-in transform, with the tick at which their arrays were allocated. */
const freshTrees = new WeakMap<object, number>();
/** Update trees a transform is currently allowed to overwrite. */
const consumableTrees = new WeakSet<object>();
let tick = 0;

/** Registers a transformation made by this package. */
export function builtin<State>(transform: GradientTransformation<State>): GradientTransformation<State> {
  builtins.add(transform);
  return transform;
}

/** Records that every array of `tree` was allocated (or overwritten from a consumable input) by the caller and no state holds it. */
export function markFresh<Tree extends ParamTree>(tree: Tree): Tree {
  freshTrees.set(tree, ++tick);
  return tree;
}

/** True when the transform receiving `gradients` may overwrite their arrays. */
export function canOverwrite(gradients: ParamTree): boolean {
  return consumableTrees.has(gradients);
}

/** The array to write an element-wise result of `input` into: `input`'s own when it may be overwritten. */
export function outputData(input: TensorLike, overwrite: boolean): Float32Array | Float64Array {
  return overwrite ? input.data : allocate(input.dtype, input.data.length);
}

/** Result of {@link runTransform}: the transform's result and whether its updates may be handed over. */
export interface RunResult<State> {
  readonly result: UpdateResult<State>;
  readonly fresh: boolean;
}

/**
 * Calls `transform.update`, letting it overwrite `gradients` when `overwrite` is true, and tells
 * whether the returned updates were allocated during this very call by a built-in transform (so the
 * caller may hand them to the next transform to overwrite).
 */
export function runTransform<State>(
  transform: GradientTransformation<State>,
  gradients: ParamTree,
  state: State,
  params: ParamTree,
  overwrite: boolean,
): RunResult<State> {
  const start = tick;
  const isBuiltin = builtins.has(transform);
  const handOver = overwrite && isBuiltin && !consumableTrees.has(gradients);
  if (handOver) consumableTrees.add(gradients);
  let result: UpdateResult<State>;
  try {
    result = transform.update(gradients, state, params);
  } finally {
    if (handOver) consumableTrees.delete(gradients);
  }
  const stamp = freshTrees.get(result.updates);
  return { result, fresh: isBuiltin && stamp !== undefined && stamp > start };
}
