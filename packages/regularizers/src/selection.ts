import type { Mask, Tensor as TensorLike, TreePath } from "@descent/spec";
import { maskSelects, requireMask, ValueError } from "@descent/tensor";
import { show } from "./validate.js";

/** Which parameters a regularizer, transform or constraint touches. */
export interface SelectionOptions {
  /**
   * The parameters to touch: a {@link Mask}, i.e. a predicate `(path, tensor) => boolean` or a tree of
   * booleans keyed like the parameters (a boolean may cover a subtree). Default {@link isWeightParameter}:
   * weights and kernels, not biases nor normalization parameters. Pass {@link allParameters} for PyTorch's
   * `weight_decay` behaviour, which decays every parameter of its group, biases included.
   */
  readonly include?: Mask;
  /** Parameters to leave alone even if `include` selects them (a {@link Mask} too). */
  readonly exclude?: Mask;
}

/** Whether the parameter `tensor` at `path` is selected: `include(path, tensor) ∧ ¬exclude(path, tensor)`. */
export type Selection = (path: TreePath, tensor: TensorLike) => boolean;

/** The option names every selection takes. */
export const SELECTION_OPTIONS = ["include", "exclude"] as const;

const BIAS_LEAF = /^(b|.*bias(es)?)$/i;
const NORMALIZATION_SEGMENT = /norm/i;

/**
 * The default selection, a {@link Mask} on names: a parameter looks like a weight unless
 * 1. its leaf name (the last key) is `b`, or ends with `bias` / `biases` (any case: `bias`,
 *    `hiddenBias`, `Biases`), or
 * 2. any key on its path contains `norm` (any case: `batchNorm`, `layerNorm`, `normalization`),
 *    so the scale and offset of normalization layers are left alone.
 *
 * Everything else is selected: `weights`, `kernel`, `w`, `embeddings`, `recurrentKernel`, …. The tensor is
 * not looked at.
 *
 * @example
 * ```ts
 * isWeightParameter(["dense1", "weights"]); // true
 * isWeightParameter(["dense1", "bias"]);    // false
 * isWeightParameter(["layerNorm", "gamma"]); // false
 * l2(1e-4, { include: (path, tensor) => isWeightParameter(path) && tensor.shape.length > 1 });
 * ```
 */
export function isWeightParameter(path: TreePath, _tensor?: TensorLike): boolean {
  if (!Array.isArray(path) || !path.every((key) => typeof key === "string")) {
    throw new ValueError(
      "isWeightParameter",
      `path ${show(path)} must be an array of names, e.g. ["dense1", "weights"]`,
    );
  }
  const leaf = path[path.length - 1] ?? "";
  if (BIAS_LEAF.test(leaf)) return false;
  for (const key of path) if (NORMALIZATION_SEGMENT.test(key)) return false;
  return true;
}

/**
 * Selects every parameter (PyTorch's `weight_decay` semantics).
 *
 * @example
 * ```ts
 * l2(1e-4, { include: allParameters }); // biases are penalized too
 * ```
 */
export function allParameters(): boolean {
  return true;
}

/**
 * Resolves selection options into one {@link Selection}, checking `include` and `exclude` now and each
 * answer when asked (`@descent/tensor`'s `maskSelects`: errors name `include`/`exclude` and the path).
 */
export function resolveSelection(op: string, options: SelectionOptions | undefined): Selection {
  const include = options?.include ?? isWeightParameter;
  const exclude = options?.exclude;
  requireMask(op, "include", include);
  if (exclude !== undefined) requireMask(op, "exclude", exclude);
  const included: Selection = (path, tensor) => maskSelects(op, include, path, tensor, "include");
  if (exclude === undefined) return included;
  return (path, tensor) => included(path, tensor) && !maskSelects(op, exclude, path, tensor, "exclude");
}
