import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { Tensor, treeFlatten, treeMap, ValueError } from "@descent/tensor";
import { fileTree, PATH_SEPARATOR } from "../io/parameter-names.js";

// Why this exists: the plain training step adds regularizer gradients to the model's and scales updates by
// the learning-rate factor of `reduceLearningRateOnPlateau`. Walks are `@descent/tensor`'s; the names follow
// the file rules of io/parameter-names.ts, as `flattenTree`'s, so a tree these accept can be saved.

/**
 * Leaf-wise `a + b`, matched by dotted name: `out[path] = a[path] + b[path]`; leaves of `b` missing from `a`
 * are ignored and leaves of `a` without a match are kept as they are.
 *
 * @throws `ValueError` naming the path when two matched leaves differ in size, and the errors of `flattenTree`.
 * @example gradients = addTrees(gradients, regularizer.gradient(params));
 */
export function addTrees(a: ParamTree, b: ParamTree): ParamTree {
  const op = "addTrees";
  const flat = treeFlatten(b, fileTree(op));
  const addends = new Map(flat.leaves.map((tensor, k) => [flat.paths[k]!.join(PATH_SEPARATOR), tensor]));
  return treeMap(
    a,
    (tensor, parts): TensorLike => {
      const path = parts.join(PATH_SEPARATOR);
      const other = addends.get(path);
      if (other === undefined) return tensor;
      if (other.data.length !== tensor.data.length) {
        throw new ValueError(
          op,
          `"${path}" has ${tensor.data.length} elements in a but ${other.data.length} in b: the trees must have the same shapes`,
        );
      }
      const data = tensor.data.slice();
      const addend = other.data;
      for (let i = 0; i < data.length; i++) data[i]! += addend[i]!;
      return new Tensor(data, tensor.shape);
    },
    fileTree(op),
  );
}

/**
 * Every leaf multiplied by `factor`, as new tensors: `out[path] = factor · tree[path]`.
 *
 * @throws `ValueError` when `factor` is not a number (or NaN), and the errors of `flattenTree`.
 * @example const halved = scaleTree(updates, 0.5);
 */
export function scaleTree(tree: ParamTree, factor: number): ParamTree {
  const op = "scaleTree";
  if (typeof factor !== "number" || Number.isNaN(factor))
    throw new ValueError(op, `factor must be a number, got ${String(factor)}`);
  return treeMap(
    tree,
    (tensor) => {
      const data = tensor.data.slice();
      for (let i = 0; i < data.length; i++) data[i]! *= factor;
      return new Tensor(data, tensor.shape);
    },
    fileTree(op),
  );
}
