import type { Tensor, TreeOf, TreePath, TreeStructure } from "@descent/spec";
import { formatShape, ShapeError } from "../core/errors.js";
import { shapesEqual } from "../core/shape.js";
import { assertTensorLike } from "../core/tensor-like.js";
import type { FlatTree, TreeOptions } from "./flatten.js";
import { isTensorLike } from "./leaf.js";
import { describeNode, formatPath } from "./path.js";

/** {@link TreeOptions} for an operation on two trees, with the names of both trees for errors. */
export interface TreePairOptions extends TreeOptions {
  /** How errors call the two trees, e.g. `["gradients", "params"]`. Default `["first tree", "second tree"]`. */
  readonly names?: readonly [string, string];
}

/**
 * The tensor leaves of `tree` in the order of `reference` (a flattened tree), after checking that `tree` has the
 * same keys and, at every path, a consistent tensor of the reference leaf's shape.
 *
 * @throws `ShapeError` naming both trees and the first path where they differ, e.g.
 *   `train: gradients.layer1.bias has shape [1,10] but params.layer1.bias has shape [10]: …`.
 * @example
 * ```ts
 * const flat = treeFlatten(params, { name: "params" });
 * const gradientLeaves = treeLeavesLike(flat, gradients, { op: "sgd", names: ["params", "gradients"] });
 * ```
 */
export function treeLeavesLike(
  reference: FlatTree<Tensor>,
  tree: TreeOf<Tensor> | Tensor,
  options: TreePairOptions = {},
): Tensor[] {
  const op = options.op ?? "treeLeavesLike";
  const [referenceName, treeName] = options.names ?? ["first tree", "second tree"];
  const leaves: Tensor[] = [];
  collect(op, reference.structure, tree, [], leaves, referenceName, treeName);
  for (let k = 0; k < leaves.length; k++) {
    const a = reference.leaves[k]!.shape;
    const b = leaves[k]!.shape;
    if (!shapesEqual(a, b)) {
      const name = formatPath(reference.paths[k]!);
      throw new ShapeError(
        op,
        `${treeName}.${name} has shape ${formatShape(b)} but ${referenceName}.${name} has shape ${formatShape(a)}: both trees must hold tensors of the same shapes under the same names`,
      );
    }
  }
  return leaves;
}

function collect(
  op: string,
  structure: TreeStructure,
  node: unknown,
  path: TreePath,
  leaves: Tensor[],
  referenceName: string,
  treeName: string,
): void {
  const where = path.length ? `.${formatPath(path)}` : "";
  if (structure.kind === "leaf") {
    if (!isTensorLike(node)) {
      throw new ShapeError(
        op,
        `${treeName}${where} is ${describeNode(node)} but ${referenceName}${where} is a tensor: both trees need the same keys`,
      );
    }
    assertTensorLike(op, node, `${treeName}${where}`);
    leaves.push(node);
    return;
  }
  const array = structure.kind === "array";
  if (typeof node !== "object" || node === null || isTensorLike(node) || Array.isArray(node) !== array) {
    throw new ShapeError(
      op,
      `${treeName}${where} is ${isTensorLike(node) ? "a tensor" : describeNode(node)} but ${referenceName}${where} is ${array ? "an array" : "an object of named tensors"}: both trees need the same keys`,
    );
  }
  const record = node as Record<string, unknown>;
  const { keys, children } = structure;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (!Object.hasOwn(record, key) || record[key] === undefined) {
      throw new ShapeError(
        op,
        `${treeName} has no entry ${formatPath([...path, key])} but ${referenceName} has: both trees need the same keys`,
      );
    }
    collect(op, children[i]!, record[key], [...path, key], leaves, referenceName, treeName);
  }
  const own = Object.keys(record);
  if (own.length !== keys.length) {
    const extra = own.find((key) => !keys.includes(key)) ?? "?";
    throw new ShapeError(
      op,
      `${treeName} has an entry ${formatPath([...path, extra])} that ${referenceName} does not have: both trees need the same keys`,
    );
  }
}

/**
 * The value of `tree` at `path`, following own properties only, or `undefined` when the path does not exist
 * (so `["__proto__", "x"]` or `["toString"]` never reach a prototype).
 *
 * @example
 * ```ts
 * treeGet({ dense: { bias } }, ["dense", "bias"]); // bias
 * treeGet({ dense: { bias } }, ["dense", "toString"]); // undefined
 * ```
 */
export function treeGet(tree: unknown, path: TreePath): unknown {
  let node: unknown = tree;
  for (const key of path) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
