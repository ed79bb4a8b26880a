import type { ArrayAllocator, ParamTree, Tensor as TensorLike, UpdateOptions } from "@descent/spec";
import {
  allocate,
  allocated,
  type FlatTree,
  Tensor,
  treeFlatten,
  treeLeavesLike,
  treeUnflatten,
  ValueError,
} from "@descent/tensor";
import { rejectUnknownOptions, requireFunction } from "./validate.js";

/** The gradients of one update taken apart. */
export interface GradientLeaves {
  readonly flat: FlatTree;
  /** The transform's name, for errors. */
  readonly op: string;
}

/** Takes the gradients apart for an element-wise transform. */
export function gradientLeaves(op: string, gradients: ParamTree): GradientLeaves {
  return { flat: treeFlatten(gradients, { op, name: "gradients" }), op };
}

/** The leaves of a state tree, checked against the gradients (same names, same shapes). */
export function stateLeaves(
  op: string,
  gradients: GradientLeaves,
  tree: ParamTree,
  name: string,
): TensorLike[] {
  return treeLeavesLike(gradients.flat, tree, { op, names: ["gradients", name] });
}

/**
 * A new array for the update of leaf `k`. Why always new: transformations never write their inputs, and
 * reusing the previous transform's arrays inside a chain saved nothing measurable in `fit` (issue 17).
 */
export function updateData(
  gradients: GradientLeaves,
  k: number,
  allocateUpdates?: ArrayAllocator,
): Float32Array | Float64Array {
  const leaf = gradients.flat.leaves[k]!;
  if (allocateUpdates !== undefined)
    return allocated(gradients.op, allocateUpdates, leaf.dtype, leaf.data.length, "options.allocateUpdates");
  return allocate(leaf.dtype, leaf.data.length);
}

/** A new array shaped and typed like the state leaf `leaf`, for its next value. */
export function nextStateData(leaf: TensorLike): Float32Array | Float64Array {
  return leaf.dtype === "float64" ? new Float64Array(leaf.data.length) : new Float32Array(leaf.data.length);
}

/**
 * {@link nextStateData} from the caller's `allocateState` when it gives one (`UpdateOptions.allocateState`):
 * an array shaped and typed like `leaf` for its next value.
 */
export function nextStateArray(
  op: string,
  leaf: TensorLike,
  allocateState: ArrayAllocator | undefined,
): Float32Array | Float64Array {
  if (allocateState === undefined) return nextStateData(leaf);
  const dtype = leaf.dtype === "float64" ? "float64" : "float32";
  return allocated(op, allocateState, dtype, leaf.data.length, "options.allocateState");
}

/** The checked {@link UpdateOptions} of `op`'s update (unknown keys and non-functions are errors). */
export function updateOptions(op: string, options: UpdateOptions | undefined): UpdateOptions {
  if (options === undefined) return {};
  rejectUnknownOptions(op, options, ["allocateState", "allocateUpdates"]);
  for (const key of ["allocateState", "allocateUpdates"] as const) {
    if (options[key] !== undefined)
      requireFunction(op, `options.${key}`, options[key], "(dtype, length) => Float32Array | Float64Array");
  }
  return options;
}

/** Rebuilds the updates tree; a leaf whose array is the gradient's own (passed through) keeps its tensor. */
export function updatesTree(
  gradients: GradientLeaves,
  data: readonly (Float32Array | Float64Array)[],
): ParamTree {
  const { flat } = gradients;
  return treeUnflatten(
    flat.structure,
    data.map((values, k) => wrap(values, flat.leaves[k]!)),
  );
}

/** Rebuilds a state tree with the gradients' structure. */
export function stateTree(
  gradients: GradientLeaves,
  data: readonly (Float32Array | Float64Array)[],
): ParamTree {
  const { flat } = gradients;
  return treeUnflatten(
    flat.structure,
    data.map((values, k) => new Tensor(values, flat.leaves[k]!.shape)),
  );
}

function wrap(values: Float32Array | Float64Array, leaf: TensorLike): TensorLike {
  return values === leaf.data ? leaf : new Tensor(values, leaf.shape);
}

/** A state tree an option requires (e.g. AMSGrad's maximum); `null` means the state was made with other options. */
export function requireStateTree(op: string, tree: ParamTree | null, name: string): ParamTree {
  if (tree === null) {
    throw new ValueError(
      op,
      `${name} is null but this transform's options need it: pass a state made by the same transform's init (or deserialized with it as template)`,
    );
  }
  return tree;
}
