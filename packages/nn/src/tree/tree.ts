import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { Tensor, treeFlatten, treeUnflatten, ValueError } from "@descent/tensor";
import { fileTree, flattenTree, PATH_SEPARATOR } from "../io/parameter-names.js";

// Why this exists: nn's small tree helpers, written on `@descent/tensor`'s tree module (which does every walk
// and check). The file names of trees (`flattenTree`, `unflattenTree`) live in io/parameter-names.ts and are
// re-exported here for the call sites that import them from this path.
export { MAX_TREE_DEPTH } from "@descent/tensor";
export { checkTreeName, flattenTree, PATH_SEPARATOR, unflattenTree } from "../io/parameter-names.js";

/**
 * Applies `fn` to every leaf, keeping the tree's structure and names; `path` is the dotted name
 * (`"dense_1.weights"`). The walk is `treeFlatten`'s; every name must also pass `checkTreeName`, as in
 * `flattenTree`, so the result can be saved. (`treeMap` from `@descent/tensor` gives the path as keys.)
 *
 * @example mapTree(params, (tensor) => zerosLike(tensor))
 */
export function mapTree(tree: ParamTree, fn: (tensor: TensorLike, path: string) => TensorLike): ParamTree {
  if (typeof fn !== "function")
    throw new ValueError("mapTree", "fn must be a function (tensor, path) => tensor");
  const { structure, paths, leaves } = treeFlatten(tree, fileTree("mapTree"));
  return treeUnflatten(
    structure,
    leaves.map((tensor, k) => fn(tensor, paths[k]!.join(PATH_SEPARATOR))),
  );
}

/**
 * A deep copy of a tree: every leaf's data is copied into a new {@link Tensor}.
 *
 * @example const snapshot = cloneTree(params);
 */
export function cloneTree(tree: ParamTree): ParamTree {
  return mapTree(tree, (tensor) => new Tensor(tensor.data.slice(), tensor.shape));
}

/**
 * Number of scalar entries over all leaves of a model's parameters: `Σ_leaves size(leaf)`.
 *
 * @example countParameters(dense(784, 10).init(random)) // 7850
 */
export function countParameters(tree: ParamTree): number {
  let count = 0;
  for (const [, tensor] of flattenTree(tree)) count += tensor.data.length;
  return count;
}

/**
 * Leaf-wise `a + b` (leaves of `b` missing from `a` are ignored; leaves of `a` without a match are kept).
 *
 * @example gradients = addTrees(gradients, regularizer.gradient(params));
 */
export function addTrees(a: ParamTree, b: ParamTree): ParamTree {
  const addends = new Map(flattenTree(b));
  return mapTree(a, (tensor, path) => {
    const other = addends.get(path);
    if (other === undefined) return tensor;
    if (other.data.length !== tensor.data.length) {
      throw new ValueError(
        "addTrees",
        `"${path}" has ${tensor.data.length} elements in a but ${other.data.length} in b: the trees must have the same shapes`,
      );
    }
    const data = tensor.data.slice();
    const addend = other.data;
    for (let i = 0; i < data.length; i++) data[i]! += addend[i]!;
    return new Tensor(data, tensor.shape);
  });
}

/**
 * Every leaf multiplied by `factor`, as new tensors: `out[path] = factor · tree[path]`.
 *
 * @example const halved = scaleTree(updates, 0.5);
 */
export function scaleTree(tree: ParamTree, factor: number): ParamTree {
  if (typeof factor !== "number" || Number.isNaN(factor))
    throw new ValueError("scaleTree", `factor must be a number, got ${String(factor)}`);
  return mapTree(tree, (tensor) => {
    const data = tensor.data.slice();
    for (let i = 0; i < data.length; i++) data[i]! *= factor;
    return new Tensor(data, tensor.shape);
  });
}
