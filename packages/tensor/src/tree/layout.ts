import type { Tensor, TreeLayout, TreeOf, TreeStructure } from "@descent/spec";
import { ShapeError } from "../core/errors.js";
import { type TreeOptions, treeFlatten } from "./flatten.js";
import { isTensorLike } from "./leaf.js";
import { describeNode, formatPath } from "./path.js";

// Why this exists: a training step walks the same parameter tree (and gradients keyed like it) several
// times, and `treeFlatten` checks every node and leaf on each walk: for a small dense network that was a
// third of the JavaScript heap a step allocated. The tree is checked once, here; later walks read by path.

/**
 * Checks `tree` as {@link treeFlatten} does and keeps its layout: the structure and each leaf's path, without
 * the leaves. Read trees of that layout with {@link layoutLeaves}; rebuild one with `treeUnflatten`.
 *
 * @throws the errors of {@link treeFlatten}.
 * @example
 * ```ts
 * const layout = treeLayout(params, { op: "fit" });
 * layout.paths; // [["dense1", "weights"], ["dense1", "bias"]]
 * ```
 */
export function treeLayout(tree: TreeOf<Tensor>, options: TreeOptions = {}): TreeLayout {
  const { structure, paths } = treeFlatten(tree, { ...options, op: options.op ?? "treeLayout" });
  return { structure, paths };
}

/**
 * The leaves of `tree` at the paths of `layout`, in its order, read without walking the rest of the tree: for
 * trees known to have that layout (made by `treeUnflatten` from its structure, or keyed like a tree it was
 * compiled from). Only that each path leads through own keys to a tensor is checked; keys that `tree` has
 * beyond the layout are not read, and the tensors are not checked against their data (`treeFlatten` does both).
 *
 * @throws `ShapeError` naming `options.op` and the path that does not lead to a tensor.
 * @example
 * ```ts
 * const [weights, bias] = layoutLeaves(layout, gradients, { op: "sgd", name: "gradients" });
 * ```
 */
export function layoutLeaves(
  layout: TreeLayout,
  tree: TreeOf<Tensor> | Tensor,
  options: Pick<TreeOptions, "op" | "name"> = {},
): Tensor[] {
  const { paths } = layout;
  const leaves = new Array<Tensor>(paths.length);
  for (let k = 0; k < paths.length; k++) {
    const path = paths[k]!;
    let node: unknown = tree;
    for (let depth = 0; depth < path.length; depth++) {
      const key = path[depth]!;
      node =
        typeof node === "object" && node !== null && Object.hasOwn(node, key)
          ? (node as Record<string, unknown>)[key]
          : undefined;
    }
    if (!isTensorLike(node)) {
      throw new ShapeError(
        options.op ?? "layoutLeaves",
        `${options.name ?? "the tree"}.${formatPath(path)} is ${describeNode(node)} but the layout has a tensor there: pass a tree with the keys of the tree the layout was compiled from`,
      );
    }
    leaves[k] = node as Tensor;
  }
  return leaves;
}

/**
 * Whether two structures are the same tree without its leaves: the same kinds and keys in the same order at
 * every node. A tree can be read by a layout whose structure equals its own.
 *
 * @example
 * ```ts
 * structuresEqual(treeLayout(replacement).structure, layout.structure); // false when a key was added
 * ```
 */
export function structuresEqual(a: TreeStructure, b: TreeStructure): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.keys.length !== b.keys.length) return false;
  for (let i = 0; i < a.keys.length; i++) {
    if (a.keys[i] !== b.keys[i] || !structuresEqual(a.children[i]!, b.children[i]!)) return false;
  }
  return true;
}
