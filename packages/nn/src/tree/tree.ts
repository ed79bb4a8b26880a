import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { formatShape, Tensor, ValueError } from "@descent/tensor";

/** Separator between the names of nested entries of a {@link ParamTree} in flat keys (`"dense_1.weights"`). */
export const PATH_SEPARATOR = ".";

/** True when `value` has the structural shape of a tensor (no `instanceof` across packages). */
export function isTensorLike(value: unknown): value is TensorLike {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { shape?: unknown; data?: unknown; dtype?: unknown };
  return (
    Array.isArray(candidate.shape) &&
    (candidate.data instanceof Float32Array || candidate.data instanceof Float64Array) &&
    typeof candidate.dtype === "string"
  );
}

/** Keys a tree may not use: as a key of an ordinary object each reaches (or may reach) its prototype chain. */
const RESERVED_NAMES: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Deepest nesting of groups accepted: parameter trees are a few levels deep, so more is a bug or an attack. */
export const MAX_TREE_DEPTH = 100;

/**
 * Throws unless `key` can name a tree entry: non-empty, without `"."` (the path separator), and not
 * `__proto__`, `constructor` or `prototype` (names that would reach an object's prototype chain).
 *
 * @example checkTreeName("unflattenTree", "dense_1", "dense_1.bias") // ok
 */
export function checkTreeName(op: string, key: string, path: string): void {
  if (key.length === 0 || key.includes(PATH_SEPARATOR)) {
    throw new ValueError(
      op,
      `parameter name ${JSON.stringify(key)} (in "${path}") is empty or contains "${PATH_SEPARATOR}": rename it (use "_" instead)`,
    );
  }
  if (RESERVED_NAMES.has(key)) {
    throw new ValueError(
      op,
      `parameter name ${JSON.stringify(key)} (in "${path}") is reserved (__proto__, constructor and prototype would reach Object.prototype): rename it`,
    );
  }
}

/**
 * Visits the own entries of one group of a tree, in insertion order, with the checks every walk shares:
 * names (`checkTreeName`), depth (`MAX_TREE_DEPTH`), cycles, and leaves that are neither a
 * tensor nor a group. `ancestors` holds the groups on the current path.
 */
function visitGroup(
  op: string,
  tree: unknown,
  prefix: string,
  ancestors: Set<object>,
  visit: (key: string, value: TensorLike | ParamTree, path: string) => void,
): void {
  if (typeof tree !== "object" || tree === null || Array.isArray(tree) || ArrayBuffer.isView(tree)) {
    throw new ValueError(
      op,
      `${prefix ? `"${prefix}"` : "tree"} is ${describeNode(tree)}: expected a tensor or a nested object of tensors`,
    );
  }
  if (ancestors.has(tree)) {
    throw new ValueError(op, `the tree has a cycle: "${prefix}" contains itself`);
  }
  if (ancestors.size >= MAX_TREE_DEPTH) {
    throw new ValueError(
      op,
      `the tree is nested more than ${MAX_TREE_DEPTH} levels deep (at "${prefix.slice(0, 200)}…"): parameter trees are a few levels deep`,
    );
  }
  ancestors.add(tree);
  for (const key of Object.keys(tree)) {
    const path = prefix ? `${prefix}${PATH_SEPARATOR}${key}` : key;
    checkTreeName(op, key, path);
    const value = (tree as Record<string, TensorLike | ParamTree>)[key]!;
    if (isTensorLike(value)) checkLeaf(op, value, path);
    visit(key, value, path);
  }
  ancestors.delete(tree);
}

/** A home-made tensor must not lie: sizes are whole numbers ≥ 0 whose product is the data's length. */
function checkLeaf(op: string, tensor: TensorLike, path: string): void {
  let size = 1;
  for (const n of tensor.shape) {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new ValueError(
        op,
        `tensor "${path}" has shape ${JSON.stringify(tensor.shape)}: sizes must be whole numbers ≥ 0`,
      );
    }
    size *= n;
  }
  const dtype = tensor.data instanceof Float64Array ? "float64" : "float32";
  if (size !== tensor.data.length || tensor.dtype !== dtype) {
    throw new ValueError(
      op,
      `tensor "${path}" claims shape ${formatShape(tensor.shape)} and dtype ${JSON.stringify(tensor.dtype)} but holds ${tensor.data.length} ${dtype} values: build it with new Tensor(data, shape)`,
    );
  }
}

function describeNode(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} (wrap it in a Tensor)`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * The leaves of a tree as `[path, tensor]` pairs in depth-first insertion order, paths joined by `"."`.
 * Only own properties are followed; a name that is empty, holds `"."` or is reserved, a leaf that is not a
 * tensor, a cycle, or nesting deeper than `MAX_TREE_DEPTH` throws a `ValueError` naming the path.
 *
 * @example
 * flattenTree({ dense_1: { weights, bias } }) // [["dense_1.weights", weights], ["dense_1.bias", bias]]
 */
export function flattenTree(tree: ParamTree, prefix = ""): [string, TensorLike][] {
  const entries: [string, TensorLike][] = [];
  const ancestors = new Set<object>();
  const collect = (group: unknown, groupPrefix: string): void =>
    visitGroup("flattenTree", group, groupPrefix, ancestors, (_key, value, path) => {
      if (isTensorLike(value)) entries.push([path, value]);
      else collect(value, path);
    });
  collect(tree, typeof prefix === "string" ? prefix : "");
  return entries;
}

/**
 * Rebuilds a nested tree from `[path, tensor]` pairs (the inverse of {@link flattenTree}). Paths come
 * from files, so each part is checked with `checkTreeName` and looked up as an own property only:
 * `__proto__.polluted` or `toString.x` throw a `ValueError` instead of reaching `Object.prototype`.
 *
 * @example unflattenTree([["dense_1.bias", bias]]) // { dense_1: { bias } }
 */
export function unflattenTree(entries: Iterable<readonly [string, TensorLike]>): ParamTree {
  const op = "unflattenTree";
  const root: Record<string, unknown> = {};
  for (const entry of entries) {
    const [path, tensor] = Array.isArray(entry) ? entry : [];
    if (typeof path !== "string" || !isTensorLike(tensor)) {
      throw new ValueError(op, "expected [path, tensor] pairs, with a string path and a tensor");
    }
    const parts = path.split(PATH_SEPARATOR);
    if (parts.length > MAX_TREE_DEPTH) {
      throw new ValueError(
        op,
        `"${path.slice(0, 200)}…" is nested more than ${MAX_TREE_DEPTH} levels deep: parameter trees are a few levels deep`,
      );
    }
    for (const part of parts) checkTreeName(op, part, path);
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i]!;
      if (!Object.hasOwn(node, part)) node[part] = {};
      else if (isTensorLike(node[part])) {
        throw new ValueError(op, `"${parts.slice(0, i + 1).join(".")}" is both a tensor and a group`);
      }
      node = node[part] as Record<string, unknown>;
    }
    const leaf = parts[parts.length - 1]!;
    if (Object.hasOwn(node, leaf)) {
      throw new ValueError(
        op,
        isTensorLike(node[leaf]) ? `duplicate entry "${path}"` : `"${path}" is both a tensor and a group`,
      );
    }
    node[leaf] = tensor;
  }
  return root as ParamTree;
}

/**
 * Applies `fn` to every leaf, keeping the tree's structure and names (same checks as {@link flattenTree}).
 *
 * @example mapTree(params, (tensor) => zerosLike(tensor))
 */
export function mapTree(tree: ParamTree, fn: (tensor: TensorLike, path: string) => TensorLike): ParamTree {
  if (typeof fn !== "function")
    throw new ValueError("mapTree", "fn must be a function (tensor, path) => tensor");
  const ancestors = new Set<object>();
  const mapGroup = (group: unknown, prefix: string): ParamTree => {
    const result: Record<string, TensorLike | ParamTree> = {};
    visitGroup("mapTree", group, prefix, ancestors, (key, value, path) => {
      result[key] = isTensorLike(value) ? fn(value, path) : mapGroup(value, path);
    });
    return result;
  };
  return mapGroup(tree, "");
}

/** A deep copy of a tree: every leaf's data is copied into a new {@link Tensor}. */
export function cloneTree(tree: ParamTree): ParamTree {
  return mapTree(tree, (tensor) => new Tensor(tensor.data.slice(), tensor.shape));
}

/** Number of scalar entries over all leaves. */
export function countParameters(tree: ParamTree): number {
  let count = 0;
  for (const [, tensor] of flattenTree(tree)) count += tensor.data.length;
  return count;
}

/** Leaf-wise `a + b` (leaves of `b` missing from `a` are ignored; leaves of `a` without a match are kept). */
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

/** Every leaf multiplied by `factor`, as new tensors. */
export function scaleTree(tree: ParamTree, factor: number): ParamTree {
  if (typeof factor !== "number" || Number.isNaN(factor))
    throw new ValueError("scaleTree", `factor must be a number, got ${String(factor)}`);
  return mapTree(tree, (tensor) => {
    const data = tensor.data.slice();
    for (let i = 0; i < data.length; i++) data[i]! *= factor;
    return new Tensor(data, tensor.shape);
  });
}
