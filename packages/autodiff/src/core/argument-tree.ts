import type { TreeOptions } from "@descent/tensor";
import { isTraced } from "./traced.js";

/**
 * How autodiff reads an argument tree with `@descent/tensor`'s tree functions: leaves are tensors or traced
 * values, nodes are plain objects and arrays, the argument may itself be a lone tensor, and a `"__proto__"` key
 * stays an own key of the gradients (never a prototype), since gradients mirror whatever the user passed.
 *
 * @example
 * ```ts
 * treeMap(params, (leaf) => new Traced(asTensor(leaf), "input", null, null, true), argumentTree("valueAndGrad", "the argument"));
 * ```
 */
export function argumentTree(op: string, name: string): TreeOptions {
  return {
    op,
    name,
    arrays: true,
    leafRoot: true,
    prototypeKey: "own",
    isLeaf: isTraced,
    hint: "differentiate with respect to tensors (wrap a number with scalar(...)), or pass it as an argument outside argnums",
  };
}
