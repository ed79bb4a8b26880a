import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import {
  isTensorLike,
  MAX_TREE_DEPTH,
  Tensor,
  type TreeOptions,
  treeFlatten,
  treeMap,
  treeUnflatten,
  ValueError,
} from "@descent/tensor";

// Why this exists: a weights file (safetensors) stores a parameter tree as flat names, `dense_1.weights`.
// Walking the tree is `@descent/tensor`'s tree module; what is nn's is the name format of its files — the
// "." separator, and names that must not reach a prototype when a file is read back — and the public walks
// that hand out those names (`flattenTree`, `mapTree`) or keep a tree saveable (`cloneTree`).

/** Separator between the names of nested entries of a {@link ParamTree} in flat keys (`"dense_1.weights"`). */
export const PATH_SEPARATOR = ".";

/** Keys a saved name may not use: as a key of an ordinary object each reaches (or may reach) its prototype chain. */
const RESERVED_NAMES: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Throws unless `key` can name a tree entry in a file: non-empty, without `"."` (the path separator), and
 * not `__proto__`, `constructor` or `prototype` (names that would reach an object's prototype chain).
 *
 * @throws `ValueError` naming the key and its full name.
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
 * The leaves of a tree as `[name, tensor]` pairs in depth-first insertion order, names joined by `"."`: the
 * names a weights file stores. The walk (own keys, cycles, depth, tensor checks) is `treeFlatten`'s; every
 * name must also pass `checkTreeName`, so what is flattened can be saved and read back.
 *
 * @throws `ValueError` naming the path for a name that is empty, holds `"."` or is reserved, a leaf that is
 *   not a tensor, a cycle or nesting deeper than `MAX_TREE_DEPTH`; `ShapeError`/`DTypeError` for a tensor
 *   whose shape or dtype lies about its data.
 * @example
 * flattenTree({ dense_1: { weights, bias } }) // [["dense_1.weights", weights], ["dense_1.bias", bias]]
 */
export function flattenTree(tree: ParamTree): [string, TensorLike][] {
  const { paths, leaves } = treeFlatten(tree, fileTree("flattenTree"));
  return leaves.map((tensor, k) => [paths[k]!.join(PATH_SEPARATOR), tensor]);
}

/**
 * Applies `fn` to every leaf, keeping the tree's structure and names; `path` is the dotted name
 * (`"dense_1.weights"`): `out[path] = fn(tree[path], path)`. The walk is `treeFlatten`'s; every name must also
 * pass `checkTreeName`, as in {@link flattenTree}, so the result can be saved. (`treeMap` from
 * `@descent/tensor` gives the path as keys.)
 *
 * @throws `ValueError` when `fn` is not a function, and the errors of {@link flattenTree}.
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
 * A deep copy of a tree under the names of {@link flattenTree}: `out[path] = new Tensor(copy of tree[path].data)`.
 *
 * @throws the errors of {@link flattenTree}, naming `cloneTree`.
 * @example const snapshot = cloneTree(params);
 */
export function cloneTree(tree: ParamTree): ParamTree {
  return treeMap(tree, (tensor) => new Tensor(tensor.data.slice(), tensor.shape), fileTree("cloneTree"));
}

/**
 * Tree options for a walk whose names must be storable in a weights file: every key passes
 * `checkTreeName` before its value is read (so `__proto__` is refused by name, as reserved).
 *
 * @example const { structure, leaves } = treeFlatten(params, fileTree("mapTree"));
 */
export function fileTree(op: string): TreeOptions {
  return {
    op,
    prototypeKey: "own",
    checkKey: (key, path) => checkTreeName(op, key, path.join(PATH_SEPARATOR)),
  };
}

/**
 * Rebuilds a nested tree from `[name, tensor]` pairs (the inverse of {@link flattenTree}). Names come from
 * files, so each part is checked with `checkTreeName` and looked up as an own property only:
 * `__proto__.polluted` or `toString.x` throw a `ValueError` instead of reaching `Object.prototype`.
 *
 * @throws `ValueError` for a bad name, a duplicate, a name that is both a tensor and a group, or more than
 *   `MAX_TREE_DEPTH` parts.
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
        `"${path.slice(0, 200)}…" is nested more than ${MAX_TREE_DEPTH} levels deep (MAX_TREE_DEPTH): parameter trees are a few levels deep`,
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
