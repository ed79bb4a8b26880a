import type { ParamTree, Tensor as TensorLike, TreeOf, TreePath } from "@descent/spec";
import {
  allocate,
  DTypeError,
  Tensor,
  treeFlatten,
  treeLeavesLike,
  treeMap,
  treeUnflatten,
  treeZip,
  ValueError,
} from "@descent/tensor";
import { rejectUnknownOptions, requireFinite, requireFunction } from "../core/validate.js";

/**
 * The leaves of a parameter tree with their name paths, depth-first in the tree's key order.
 *
 * @example
 * ```ts
 * treeLeaves({ layer: { weights, bias } }).map(({ path }) => path.join(".")); // ["layer.weights", "layer.bias"]
 * ```
 */
export function treeLeaves(tree: ParamTree): { readonly path: TreePath; readonly tensor: TensorLike }[] {
  const { paths, leaves } = treeFlatten(tree, { op: "treeLeaves" });
  return leaves.map((tensor, k) => ({ path: paths[k]!, tensor }));
}

/**
 * Maps every tensor of a tree, by name path, keeping the tree's keys: `out[path] = fn(tree[path], path)`.
 *
 * @example
 * ```ts
 * const sizes = mapTree(params, (tensor) => tensor.data.length); // { layer: { weights: 6, bias: 3 } }
 * const halved = mapTree(params, (t) => new Tensor(t.data.map((x) => x / 2), t.shape));
 * ```
 */
export function mapTree<Leaf>(
  tree: ParamTree,
  fn: (tensor: TensorLike, path: TreePath) => Leaf,
): TreeOf<Leaf> {
  requireFunction("mapTree", "fn", fn, "(tensor, path) => value");
  return treeMap(tree, fn, { op: "mapTree" });
}

/**
 * Maps two trees of the same keys and shapes leaf by leaf: `out[path] = fn(a[path], b[path], path)`.
 *
 * @throws `ShapeError` naming the first path where the keys or shapes differ.
 * @example
 * ```ts
 * const dots = zipTrees(gradients, params, (g, p) => Array.from(g.data).reduce((s, x, i) => s + x * p.data[i], 0));
 * ```
 */
export function zipTrees<Leaf>(
  a: ParamTree,
  b: ParamTree,
  fn: (a: TensorLike, b: TensorLike, path: TreePath) => Leaf,
): TreeOf<Leaf> {
  requireFunction("zipTrees", "fn", fn, "(a, b, path) => value");
  return treeZip(a, b, fn, { op: "zipTrees" });
}

/**
 * Checks that two trees have the same keys and, at every name, tensors of the same shape.
 *
 * @throws `ShapeError` naming the op, both trees and the first path where they differ, e.g.
 *   `ShapeError: adam: gradients.layer1.bias has shape [1,10] but params.layer1.bias has shape [10]: …`.
 * @example
 * ```ts
 * assertSameStructure(gradients, params, { op: "train", names: ["gradients", "params"] });
 * ```
 */
export function assertSameStructure(
  a: ParamTree,
  b: ParamTree,
  options: { readonly op?: string; readonly names?: readonly [string, string] } = {},
): void {
  rejectUnknownOptions("assertSameStructure", options, ["op", "names"]);
  const op = options.op ?? "assertSameStructure";
  const names = options.names ?? ["first tree", "second tree"];
  if (
    typeof op !== "string" ||
    op === "" ||
    !Array.isArray(names) ||
    names.length !== 2 ||
    !names.every((name) => typeof name === "string")
  ) {
    throw new ValueError(
      "assertSameStructure",
      'options.op must be a non-empty string and options.names two strings, e.g. { op: "train", names: ["gradients", "params"] }',
    );
  }
  const [nameA, nameB] = names;
  treeLeavesLike(treeFlatten(a, { op, name: nameA }), b, { op, names: [nameA, nameB] });
}

/**
 * Applies updates to parameters: `newParams = params + updates` (updates are deltas, optax style;
 * a descent step's updates are already `−learningRate · direction`). Results keep the parameters' dtype,
 * and the result has the parameters' type (`{ slope, intercept }` in, `{ slope, intercept }` out).
 *
 * @throws `ShapeError` when the trees' keys or shapes differ.
 * @example
 * ```ts
 * const { updates, state: next } = optimizer.update(gradients, state, params);
 * params = applyUpdates(params, updates);
 * ```
 */
export function applyUpdates<Params extends ParamTree>(params: Params, updates: ParamTree): Params {
  const flat = treeFlatten(params, { op: "applyUpdates", name: "params" });
  const deltas = treeLeavesLike(flat, updates, { op: "applyUpdates", names: ["params", "updates"] });
  const result: Tensor[] = new Array(flat.leaves.length);
  for (let k = 0; k < flat.leaves.length; k++) {
    const p = flat.leaves[k]!;
    const u = deltas[k]!.data;
    const pData = p.data;
    const out = allocate(p.dtype, pData.length);
    for (let i = 0; i < out.length; i++) out[i] = pData[i]! + u[i]!;
    result[k] = new Tensor(out, p.shape);
  }
  // Same keys and shapes as `params` (flatten/unflatten keep the structure), so the same type.
  return treeUnflatten(flat.structure, result) as Params;
}

/**
 * The Euclidean norm of all the tree's elements taken together: `‖g‖ = √(Σ_leaves Σ_i g_i²)`, summed in float64.
 *
 * @example
 * ```ts
 * globalNorm({ a: new Tensor(new Float64Array([3]), [1]), b: new Tensor(new Float64Array([4]), [1]) }); // 5
 * ```
 */
export function globalNorm(tree: ParamTree): number {
  const { leaves } = treeFlatten(tree, { op: "globalNorm" });
  let sum = 0;
  for (const leaf of leaves) {
    const data = leaf.data;
    for (let i = 0; i < data.length; i++) sum += data[i]! * data[i]!;
  }
  return Math.sqrt(sum);
}

/**
 * A tree of zeros with the keys, shapes and dtypes of `tree` (or the given dtype).
 *
 * @example
 * ```ts
 * const momentum = zerosLikeTree(params);
 * ```
 */
export function zerosLikeTree(tree: ParamTree, dtype?: TensorLike["dtype"]): ParamTree {
  if (dtype !== undefined && dtype !== "float32" && dtype !== "float64") {
    throw new DTypeError("zerosLikeTree", `dtype ${JSON.stringify(dtype)}: use "float32" or "float64"`);
  }
  return mapTree(tree, (t) => new Tensor(allocate(dtype ?? t.dtype, t.data.length), t.shape));
}

/**
 * A tree filled with `value`, shaped like `tree`.
 *
 * @example
 * ```ts
 * const accumulator = fullLikeTree(params, 0.1);
 * ```
 */
export function fullLikeTree(tree: ParamTree, value: number): ParamTree {
  requireFinite("fullLikeTree", "value", value);
  return mapTree(tree, (t) => {
    const data = allocate(t.dtype, t.data.length);
    if (value !== 0) data.fill(value);
    return new Tensor(data, t.shape);
  });
}
