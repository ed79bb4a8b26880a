import type { TreeOf } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { leafAt } from "./tree.js";
import { show } from "./validate.js";

/**
 * Decides from a parameter's name whether a regularizer, transform or constraint touches it.
 * `name` is the path joined with dots (`"dense1.weights"`), `path` the keys (`["dense1", "weights"]`).
 */
export type ParameterFilter = (name: string, path: readonly string[]) => boolean;

/** A {@link ParameterFilter} or, optax-style, a tree of booleans keyed like the parameters. */
export type ParameterMask = ParameterFilter | TreeOf<boolean>;

/** Which parameters a regularizer, transform or constraint touches. */
export interface SelectionOptions {
  /**
   * The parameters to touch. Default {@link isWeightParameter}: weights and kernels, not biases
   * nor normalization parameters. Pass {@link allParameters} for PyTorch's `weight_decay`
   * behaviour, which decays every parameter of its group, biases included.
   */
  readonly include?: ParameterMask;
  /** Parameters to leave alone even if `include` selects them. */
  readonly exclude?: ParameterFilter;
}

/** The option names every selection takes. */
export const SELECTION_OPTIONS = ["include", "exclude"] as const;

const BIAS_LEAF = /^(b|.*bias(es)?)$/i;
const NORMALIZATION_SEGMENT = /norm/i;

/**
 * The default selection: a parameter looks like a weight unless
 * 1. its leaf name (the last key) is `b`, or ends with `bias` / `biases` (any case: `bias`,
 *    `hiddenBias`, `Biases`), or
 * 2. any key on its path contains `norm` (any case: `batchNorm`, `layerNorm`, `normalization`),
 *    so the scale and offset of normalization layers are left alone.
 *
 * Everything else is selected: `weights`, `kernel`, `w`, `embeddings`, `recurrentKernel`, ….
 *
 * @example
 * ```ts
 * isWeightParameter("dense1.weights", ["dense1", "weights"]); // true
 * isWeightParameter("dense1.bias", ["dense1", "bias"]);       // false
 * isWeightParameter("layerNorm.gamma", ["layerNorm", "gamma"]); // false
 * ```
 */
export function isWeightParameter(_name: string, path: readonly string[]): boolean {
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

/** Resolves selection options into one predicate over paths. */
export function resolveSelection(
  op: string,
  options: SelectionOptions | undefined,
): (path: readonly string[]) => boolean {
  const include = options?.include ?? isWeightParameter;
  const exclude = options?.exclude;
  if (
    include !== undefined &&
    typeof include !== "function" &&
    (typeof include !== "object" || include === null)
  ) {
    throw new ValueError(
      op,
      `include must be a function (name, path) => boolean or a tree of booleans, got ${show(include)}`,
    );
  }
  if (exclude !== undefined && typeof exclude !== "function") {
    throw new ValueError(op, `exclude must be a function (name, path) => boolean, got ${show(exclude)}`);
  }
  const included =
    typeof include === "function"
      ? (path: readonly string[]) => decided(op, "include", include(path.join("."), path), path)
      : (path: readonly string[]) => maskValue(op, include, path);
  if (exclude === undefined) return included;
  return (path) => included(path) && !decided(op, "exclude", exclude(path.join("."), path), path);
}

function decided(op: string, label: string, value: unknown, path: readonly string[]): boolean {
  if (typeof value !== "boolean") {
    throw new ValueError(
      op,
      `${label} returned ${show(value)} for "${path.join(".")}": a filter must return true or false`,
    );
  }
  return value;
}

function maskValue(op: string, mask: TreeOf<boolean>, path: readonly string[]): boolean {
  const value = leafAt(mask, path);
  if (typeof value !== "boolean") {
    throw new ValueError(
      op,
      `the mask has no boolean at "${path.join(".")}" (found ${value === undefined ? "nothing" : typeof value}): give every parameter true or false, or pass a function (name, path) => boolean`,
    );
  }
  return value;
}
