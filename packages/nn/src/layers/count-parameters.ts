import type { ParamTree } from "@descent/spec";
import { treeFlatten } from "@descent/tensor";
import { fileTree } from "../io/parameter-names.js";

/**
 * Number of scalar entries over all leaves of a model's parameters (the total of `model.summary`):
 * `Σ_leaves size(leaf)`. The names must follow the file rules of `flattenTree`, as a model's do.
 *
 * @throws the errors of `flattenTree`, naming `countParameters`.
 * @example countParameters(dense(784, 10).init(random)) // 7850
 */
export function countParameters(tree: ParamTree): number {
  let count = 0;
  for (const tensor of treeFlatten(tree, fileTree("countParameters")).leaves) count += tensor.data.length;
  return count;
}
