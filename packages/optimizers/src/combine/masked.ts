import type { GradientTransformation, Mask, ParamTree } from "@descent/spec";
import { requireMask, resolveMask, treeFlatten, treeLeavesLike, treeUnflatten } from "@descent/tensor";
import { requireState, requireTransformation } from "../core/validate.js";
import { selectLeaves } from "./mask.js";

/** State of {@link masked}: the inner transformation's state, over the selected leaves only. */
export interface MaskedState<Inner> {
  /** The inner transformation's state, over the selected leaves only. */
  readonly inner: Inner;
}

/**
 * Applies `transform` only to the leaves `mask` selects; the other leaves' updates pass through unchanged:
 * `updates[p] = mask(p) ? T(g)[p] : g[p]`. The inner transformation sees (and keeps state for) the
 * selected subtree only, so masked-out parameters cost no memory.
 *
 * @param mask - a predicate `(path, tensor) => boolean` on the name path, or a tree of booleans.
 * @example
 * ```ts
 * // Weight decay everywhere except on biases:
 * const decay = masked(addDecayedWeights(1e-2), (path) => path.at(-1) !== "bias");
 * ```
 */
export function masked<Inner>(
  transform: GradientTransformation<Inner>,
  mask: Mask,
): GradientTransformation<MaskedState<Inner>> {
  const op = "masked";
  requireTransformation(op, "transform", transform);
  requireMask(op, "mask", mask);
  const selectedParams = (params: ParamTree) => {
    const flat = treeFlatten(params, { op, name: "params" });
    return selectLeaves(flat, resolveMask(op, mask, flat));
  };
  return {
    init: (params) => ({ inner: transform.init(selectedParams(params)) }),
    validateState: (state, params, path) => {
      transform.validateState?.((state as MaskedState<Inner>).inner, selectedParams(params), `${path}.inner`);
      return state as MaskedState<Inner>;
    },
    update: (gradients, state, params) => {
      requireState(op, state);
      const flat = treeFlatten(gradients, { op, name: "gradients" });
      const selected = resolveMask(op, mask, flat);
      const selectedGradients = selectLeaves(flat, selected);
      const paramLeaves = treeLeavesLike(flat, params, { op, names: ["gradients", "params"] });
      const selectedParams = selectLeaves({ ...flat, leaves: paramLeaves }, selected);
      const result = transform.update(selectedGradients, state.inner, selectedParams);
      const innerFlat = treeFlatten(selectedGradients, { op, name: "gradients" });
      const innerUpdates = treeLeavesLike(innerFlat, result.updates, {
        op,
        names: ["selected gradients", "inner updates"],
      });
      let next = 0;
      const leaves = flat.leaves.map((leaf, k) => (selected[k] ? innerUpdates[next++]! : leaf));
      return { updates: treeUnflatten(flat.structure, leaves), state: { inner: result.state } };
    },
  };
}
