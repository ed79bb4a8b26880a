import type { ParamTree } from "@descent/spec";
import { type FlatTree, setOwnProperty } from "@descent/tensor";

/**
 * The subtree of `flat` holding only the selected leaves (empty branches dropped): what `masked` hands
 * its inner transformation. `selected` has one boolean per leaf, in `flat`'s order (see `resolveMask`).
 */
export function selectLeaves(flat: FlatTree, selected: readonly boolean[]): ParamTree {
  const root: Record<string, unknown> = {};
  flat.leaves.forEach((leaf, k) => {
    if (!selected[k]) return;
    const path = flat.paths[k]!;
    let node = root;
    for (let depth = 0; depth < path.length - 1; depth++) {
      const key = path[depth]!;
      if (!Object.hasOwn(node, key)) setOwnProperty(node, key, {});
      node = node[key] as Record<string, unknown>;
    }
    setOwnProperty(node, path[path.length - 1]!, leaf);
  });
  return root as ParamTree;
}
