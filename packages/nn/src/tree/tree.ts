import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";

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

/**
 * The leaves of a tree as `[path, tensor]` pairs in depth-first insertion order, paths joined by `"."`.
 *
 * @example
 * flattenTree({ dense_1: { weights, bias } }) // [["dense_1.weights", weights], ["dense_1.bias", bias]]
 */
export function flattenTree(tree: ParamTree, prefix = ""): [string, TensorLike][] {
  const entries: [string, TensorLike][] = [];
  collect(tree, prefix, entries);
  return entries;
}

function collect(tree: ParamTree, prefix: string, entries: [string, TensorLike][]): void {
  for (const key of Object.keys(tree)) {
    if (key.includes(PATH_SEPARATOR) || key.length === 0) {
      throw new ValueError(
        "flattenTree",
        `parameter name ${JSON.stringify(key)} is empty or contains "${PATH_SEPARATOR}": rename it (use "_" instead)`,
      );
    }
    const value = tree[key]!;
    const path = prefix ? `${prefix}${PATH_SEPARATOR}${key}` : key;
    if (isTensorLike(value)) entries.push([path, value]);
    else collect(value as ParamTree, path, entries);
  }
}

/**
 * Rebuilds a nested tree from `[path, tensor]` pairs (the inverse of {@link flattenTree}).
 *
 * @example unflattenTree([["dense_1.bias", bias]]) // { dense_1: { bias } }
 */
export function unflattenTree(entries: Iterable<readonly [string, TensorLike]>): ParamTree {
  const root: Record<string, unknown> = {};
  for (const [path, tensor] of entries) {
    const parts = path.split(PATH_SEPARATOR);
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i]!;
      const next = node[part];
      if (next === undefined) node[part] = {};
      else if (isTensorLike(next)) {
        throw new ValueError(
          "unflattenTree",
          `"${parts.slice(0, i + 1).join(".")}" is both a tensor and a group`,
        );
      }
      node = node[part] as Record<string, unknown>;
    }
    const leaf = parts[parts.length - 1]!;
    if (node[leaf] !== undefined) throw new ValueError("unflattenTree", `duplicate entry "${path}"`);
    node[leaf] = tensor;
  }
  return root as ParamTree;
}

/** Applies `fn` to every leaf, keeping the tree's structure and names. */
export function mapTree(tree: ParamTree, fn: (tensor: TensorLike, path: string) => TensorLike): ParamTree {
  return mapNode(tree, "", fn);
}

function mapNode(
  tree: ParamTree,
  prefix: string,
  fn: (tensor: TensorLike, path: string) => TensorLike,
): ParamTree {
  const result: Record<string, TensorLike | ParamTree> = {};
  for (const key of Object.keys(tree)) {
    const value = tree[key]!;
    const path = prefix ? `${prefix}${PATH_SEPARATOR}${key}` : key;
    result[key] = isTensorLike(value) ? fn(value, path) : mapNode(value as ParamTree, path, fn);
  }
  return result;
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
    const data = tensor.data.slice();
    const addend = other.data;
    for (let i = 0; i < data.length; i++) data[i]! += addend[i]!;
    return new Tensor(data, tensor.shape);
  });
}

/** Every leaf multiplied by `factor`, as new tensors. */
export function scaleTree(tree: ParamTree, factor: number): ParamTree {
  return mapTree(tree, (tensor) => {
    const data = tensor.data.slice();
    for (let i = 0; i < data.length; i++) data[i]! *= factor;
    return new Tensor(data, tensor.shape);
  });
}
