import type { Mask, Tensor, TreeOf, TreePath } from "@descent/spec";
import { ValueError } from "../core/errors.js";
import type { FlatTree } from "./flatten.js";
import { isTensorLike } from "./leaf.js";
import { describeNode, formatPath } from "./path.js";

/**
 * Throws unless `mask` is a {@link Mask}: a predicate `(path, tensor) => boolean` or a tree of booleans
 * (its entries are checked leaf by leaf when used, by {@link maskSelects}).
 *
 * @throws {@link ValueError} naming `op` and `label`.
 * @example
 * ```ts
 * requireMask("masked", "mask", { encoder: false, decoder: true }); // passes
 * requireMask("masked", "mask", "bias"); // ValueError: masked: mask = string "bias" is not a mask: …
 * ```
 */
export function requireMask(op: string, label: string, mask: unknown): asserts mask is Mask {
  if (typeof mask === "function") return;
  if (typeof mask !== "object" || mask === null || Array.isArray(mask) || isTensorLike(mask)) {
    throw new ValueError(
      op,
      `${label} = ${describeNode(mask)} is not a mask: pass a predicate (path, tensor) => boolean or a tree of booleans keyed like the parameters`,
    );
  }
}

/**
 * Whether `mask` selects the leaf `tensor` at `path`: the predicate's answer, or the boolean of the mask tree at
 * `path` or at the nearest enclosing subtree (`{ encoder: false }` leaves every `encoder.*` out).
 *
 * @throws {@link ValueError} naming `label` and the path when the predicate returns a non-boolean, or the mask
 *   tree has no entry for the path or holds something else than a boolean there.
 * @example
 * ```ts
 * maskSelects("l2", { dense: { weights: true, bias: false } }, ["dense", "bias"], bias); // false
 * maskSelects("l2", (path, t) => t.shape.length > 1, ["dense", "weights"], weights); // true for a matrix
 * ```
 */
export function maskSelects(
  op: string,
  mask: Mask,
  path: TreePath,
  tensor: Tensor,
  label = "the mask",
): boolean {
  if (typeof mask === "function") {
    const selected: unknown = mask(path, tensor);
    if (typeof selected !== "boolean") {
      throw new ValueError(
        op,
        `${label} returned ${describeNode(selected)} for ${formatPath(path)}: a mask predicate must return true or false`,
      );
    }
    return selected;
  }
  return lookUp(op, mask, path, label);
}

/**
 * One boolean per leaf of `flat`, in its order: {@link maskSelects} for each leaf.
 *
 * @example
 * ```ts
 * const flat = treeFlatten(params);
 * const selected = resolveMask("masked", { encoder: false, decoder: true }, flat);
 * ```
 */
export function resolveMask(op: string, mask: Mask, flat: FlatTree<Tensor>, label = "the mask"): boolean[] {
  return flat.leaves.map((leaf, k) => maskSelects(op, mask, flat.paths[k]!, leaf, label));
}

function lookUp(op: string, mask: TreeOf<boolean>, path: TreePath, label: string): boolean {
  let node: unknown = mask;
  for (let depth = 0; depth < path.length; depth++) {
    if (typeof node === "boolean") return node;
    if (typeof node !== "object" || node === null || isTensorLike(node)) break;
    if (!Object.hasOwn(node, path[depth]!)) {
      throw new ValueError(
        op,
        `${label} has no entry for ${formatPath(path.slice(0, depth + 1))}: give a boolean for every parameter (or for its subtree), or use a predicate (path, tensor) => boolean`,
      );
    }
    node = (node as Record<string, unknown>)[path[depth]!];
  }
  if (typeof node === "boolean") return node;
  throw new ValueError(
    op,
    `${label} holds ${describeNode(node)} at ${formatPath(path)}: expected true or false`,
  );
}
