export type { Mask, TreeLayout, TreeOf, TreePath, TreeStructure } from "@descent/spec";
export {
  type FlatTree,
  type TreeOptions,
  treeFlatten,
  treeUnflatten,
} from "./flatten.js";
export { layoutLeaves, structuresEqual, treeLayout } from "./layout.js";
export { isPlainObject, isTensorLike } from "./leaf.js";
export { treeMap, treeZip } from "./map.js";
export { maskSelects, requireMask, resolveMask } from "./mask.js";
export { type TreePairOptions, treeGet, treeLeavesLike } from "./match.js";
export { formatPath, MAX_TREE_DEPTH, setOwnProperty } from "./path.js";
