import type { ParamTree, Tensor as TensorLike, TreeOf } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { describeArgument } from "../core/validate.js";
import { type FlatTree, isTensor, pathName, setOwn, type TreePath } from "../tree/flat.js";

/**
 * Which leaves a transformation applies to: a predicate on the name path (and the tensor), or a tree of
 * booleans keyed like the parameters. A boolean may stand for a whole subtree (`{ encoder: false }`).
 */
export type Mask = ((path: TreePath, tensor: TensorLike) => boolean) | TreeOf<boolean>;

/** `mask` must be a predicate or a tree of booleans (checked leaf by leaf when used). */
export function requireMask(op: string, name: string, mask: unknown): void {
  if (typeof mask === "function") return;
  if (typeof mask !== "object" || mask === null || Array.isArray(mask) || isTensor(mask)) {
    throw new ValueError(
      op,
      `${name} = ${describeArgument(mask)} is not a mask: pass a predicate (path, tensor) => boolean or a tree of booleans keyed like the parameters`,
    );
  }
}

/** One boolean per leaf of `flat`, in its order. */
export function resolveMask(op: string, mask: Mask, flat: FlatTree): boolean[] {
  if (typeof mask === "function") {
    return flat.leaves.map((leaf, k) => {
      const selected = mask(flat.paths[k]!, leaf);
      if (typeof selected !== "boolean") {
        throw new ValueError(
          op,
          `the mask returned ${String(selected)} for ${pathName(flat.paths[k]!)}: a mask predicate must return true or false`,
        );
      }
      return selected;
    });
  }
  return flat.paths.map((path) => lookUp(op, mask, path));
}

function lookUp(op: string, mask: TreeOf<boolean>, path: TreePath): boolean {
  let node: unknown = mask;
  for (let depth = 0; depth < path.length; depth++) {
    if (typeof node === "boolean") return node;
    if (typeof node !== "object" || node === null || isTensor(node)) break;
    const record = node as Record<string, unknown>;
    if (!Object.hasOwn(record, path[depth]!)) {
      throw new ValueError(
        op,
        `the mask has no entry for ${pathName(path.slice(0, depth + 1))}: give a boolean for every parameter (or for its subtree), or use a predicate`,
      );
    }
    node = record[path[depth]!];
  }
  if (typeof node === "boolean") return node;
  throw new ValueError(
    op,
    `the mask holds ${node === null ? "null" : typeof node} at ${pathName(path)}: expected true or false`,
  );
}

/** The subtree of `flat` holding only the selected leaves (empty branches dropped). */
export function selectLeaves(flat: FlatTree, selected: readonly boolean[]): ParamTree {
  const root: Record<string, unknown> = {};
  flat.leaves.forEach((leaf, k) => {
    if (!selected[k]) return;
    const path = flat.paths[k]!;
    let node = root;
    for (let depth = 0; depth < path.length - 1; depth++) {
      const key = path[depth]!;
      if (!Object.hasOwn(node, key)) setOwn(node, key, {});
      node = node[key] as Record<string, unknown>;
    }
    setOwn(node, path[path.length - 1]!, leaf);
  });
  return root as ParamTree;
}
