import type { Tensor, TreeOf, TreePath } from "@descent/spec";
import { ValueError } from "../core/errors.js";
import { type TreeOptions, treeFlatten, treeUnflatten } from "./flatten.js";
import { type TreePairOptions, treeLeavesLike } from "./match.js";

/**
 * Rebuilds `tree` with `fn(leaf, path)` at each leaf, visiting leaves depth-first in own-key order
 * (`jax.tree_util.tree_map` with paths): `out[path] = fn(tree[path], path)`.
 *
 * @throws {@link ValueError} when `fn` is not a function; the errors of {@link treeFlatten}, naming the path.
 * @example
 * ```ts
 * const sizes = treeMap(params, (tensor) => tensor.data.length); // { layer: { weights: 6, bias: 3 } }
 * const named = treeMap(params, (_tensor, path) => path.join(".")); // { layer: { weights: "layer.weights", … } }
 * ```
 */
export function treeMap<Result, Leaf = Tensor>(
  tree: TreeOf<NoInfer<Leaf>> | NoInfer<Leaf>,
  fn: (leaf: Leaf, path: TreePath) => Result,
  options: TreeOptions = {},
): TreeOf<Result> {
  const flat = treeFlatten<Leaf>(tree, { ...options, op: options.op ?? "treeMap" });
  requireFunction(options.op ?? "treeMap", fn, "(leaf, path) => value");
  return treeUnflatten(
    flat.structure,
    flat.leaves.map((leaf, k) => fn(leaf, flat.paths[k]!)),
  );
}

/**
 * Maps two trees of the same keys and shapes leaf by leaf: `out[path] = fn(a[path], b[path], path)`.
 *
 * @throws `ShapeError` naming the first path where the keys or shapes differ, e.g.
 *   `adam: gradients.layer.bias has shape [2] but params.layer.bias has shape [3]: …` (with `names`).
 * @example
 * ```ts
 * const sums = treeZip(params, updates, (p, u) => add(p, u), { op: "applyUpdates", names: ["params", "updates"] });
 * ```
 */
export function treeZip<Result>(
  a: TreeOf<Tensor> | Tensor,
  b: TreeOf<Tensor> | Tensor,
  fn: (a: Tensor, b: Tensor, path: TreePath) => Result,
  options: TreePairOptions = {},
): TreeOf<Result> {
  const op = options.op ?? "treeZip";
  const names = options.names ?? ["first tree", "second tree"];
  const flat = treeFlatten<Tensor>(a, { ...options, op, name: names[0] });
  requireFunction(op, fn, "(a, b, path) => value");
  const other = treeLeavesLike(flat, b, { ...options, op, names });
  return treeUnflatten(
    flat.structure,
    flat.leaves.map((leaf, k) => fn(leaf, other[k]!, flat.paths[k]!)),
  );
}

function requireFunction(op: string, fn: unknown, signature: string): void {
  if (typeof fn !== "function") {
    throw new ValueError(op, `fn must be a function ${signature}, got ${typeof fn}`);
  }
}
