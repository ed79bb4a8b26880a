import type { Tensor as TensorLike } from "@descent/spec";
import { assertTensorLike, ValueError } from "@descent/tensor";
import { isTensorLike, isTraced, type Traced } from "./traced.js";

/** A tensor or traced value at a leaf of an argument tree. */
export type TreeLeaf = TensorLike | Traced;

/**
 * The deepest nesting of objects and arrays an argument tree may have. Parameter trees are a few levels
 * deep; a limit turns a runaway (or hostile) structure into a {@link ValueError} instead of a stack overflow.
 */
export const MAX_TREE_DEPTH = 64;

/**
 * Rebuilds `tree` (a tensor, a traced value, or plain objects and arrays of them) with
 * `visit(leaf, path)` at each leaf, visiting leaves in a fixed order (own keys in insertion order).
 * Paths read like property accesses: `layer1.weights`, `[0].bias` (`""` for a lone tensor).
 *
 * Only own enumerable keys are read, and a key such as `"__proto__"` becomes an own key of the result,
 * never its prototype.
 *
 * @throws {@link ValueError} naming the path of a leaf that is not a tensor, of a cycle, or of nesting deeper
 *   than {@link MAX_TREE_DEPTH}; the tensor errors of `assertTensorLike` for an inconsistent tensor.
 */
export function mapTree<Result>(
  op: string,
  tree: unknown,
  visit: (leaf: TreeLeaf, path: string) => Result,
  path = "",
): unknown {
  return mapNode(op, tree, visit, path, new Set());
}

function mapNode<Result>(
  op: string,
  tree: unknown,
  visit: (leaf: TreeLeaf, path: string) => Result,
  path: string,
  ancestors: Set<object>,
): unknown {
  if (isTraced(tree)) return visit(tree, path);
  if (isTensorLike(tree)) {
    assertTensorLike(op, tree, path === "" ? "the argument" : `"${path}"`);
    return visit(tree, path);
  }
  const array = Array.isArray(tree);
  if (!array && !isPlainObject(tree)) {
    throw new ValueError(
      op,
      `${path === "" ? "the argument" : `"${path}"`} is ${describe(tree)}, not a tensor: differentiate with respect to tensors (wrap a number with scalar(...)), or pass it as an argument outside argnums`,
    );
  }
  const node = tree as object;
  if (ancestors.has(node)) {
    throw new ValueError(
      op,
      `"${path}" refers back to an enclosing object: a tree of tensors must not contain cycles`,
    );
  }
  if (ancestors.size >= MAX_TREE_DEPTH) {
    throw new ValueError(
      op,
      `"${path}" is nested more than ${MAX_TREE_DEPTH} levels deep (MAX_TREE_DEPTH): flatten the tree of tensors`,
    );
  }
  ancestors.add(node);
  try {
    if (array) {
      const items = tree as readonly unknown[];
      const result = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i++) {
        result[i] = mapNode(op, items[i], visit, `${path}[${i}]`, ancestors);
      }
      return result;
    }
    const result: Record<string, unknown> = {};
    const record = tree as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const value = mapNode(op, record[key], visit, path === "" ? key : `${path}.${key}`, ancestors);
      if (key === "__proto__") {
        Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        result[key] = value;
      }
    }
    return result;
  } finally {
    ancestors.delete(node);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor
      ?.name;
    return `an object (${typeof name === "string" ? name : "no prototype"})`;
  }
  if (typeof value === "symbol") return "a symbol";
  return `${typeof value} ${String(value)}`;
}
