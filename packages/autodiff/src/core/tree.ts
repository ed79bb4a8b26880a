import type { Tensor as TensorLike } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { isTensorLike, isTraced, type Traced } from "./traced.js";

/** A tensor or traced value at a leaf of an argument tree. */
export type TreeLeaf = TensorLike | Traced;

/**
 * Rebuilds `tree` (a tensor, a traced value, or plain objects and arrays of them) with
 * `visit(leaf, path)` at each leaf, visiting leaves in a fixed order (keys in insertion order).
 * Paths read like property accesses: `layer1.weights`, `[0].bias` (`""` for a lone tensor).
 *
 * @throws {@link ValueError} naming the path of a leaf that is not a tensor.
 */
export function mapTree<Result>(
  op: string,
  tree: unknown,
  visit: (leaf: TreeLeaf, path: string) => Result,
  path = "",
): unknown {
  if (isTraced(tree) || isTensorLike(tree)) return visit(tree, path);
  if (Array.isArray(tree)) return tree.map((item, i) => mapTree(op, item, visit, `${path}[${i}]`));
  if (isPlainObject(tree)) {
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(tree)) {
      result[key] = mapTree(op, tree[key], visit, path === "" ? key : `${path}.${key}`);
    }
    return result;
  }
  throw new ValueError(
    op,
    `${path === "" ? "the argument" : `"${path}"`} is ${describe(tree)}, not a tensor: differentiate with respect to tensors (wrap a number with scalar(...)), or pass it as an argument outside argnums`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "no prototype"})`;
  return `${typeof value} ${String(value)}`;
}
