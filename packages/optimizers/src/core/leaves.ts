import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import {
  allocate,
  type FlatTree,
  Tensor,
  treeFlatten,
  treeLeavesLike,
  treeUnflatten,
  ValueError,
} from "@descent/tensor";

/** The gradients of one update taken apart. */
export interface GradientLeaves {
  readonly flat: FlatTree;
}

/** Takes the gradients apart for an element-wise transform. */
export function gradientLeaves(op: string, gradients: ParamTree): GradientLeaves {
  return { flat: treeFlatten(gradients, { op, name: "gradients" }) };
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
export function updateData(gradients: GradientLeaves, k: number): Float32Array | Float64Array {
  const leaf = gradients.flat.leaves[k]!;
  return allocate(leaf.dtype, leaf.data.length);
}

/** A new array shaped and typed like the state leaf `leaf`, for its next value. */
export function nextStateData(leaf: TensorLike): Float32Array | Float64Array {
  return leaf.dtype === "float64" ? new Float64Array(leaf.data.length) : new Float32Array(leaf.data.length);
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
