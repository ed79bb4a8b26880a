import type { DType, Tensor as TensorLike } from "@descent/spec";

/**
 * True when `value` looks like a tensor: an object with a `shape` array and typed-array `data`. Structural,
 * never `instanceof`, so a tensor from a second installed copy of descent counts. It decides "leaf or
 * subtree" in a tree walk; whether the tensor is consistent is `assertTensorLike`'s job.
 *
 * @example
 * ```ts
 * isTensorLike(tensor([1, 2])); // true
 * isTensorLike({ weights: tensor([1]) }); // false: a subtree
 * ```
 */
export function isTensorLike(value: unknown): value is TensorLike<DType> {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { readonly shape?: unknown; readonly data?: unknown };
  return Array.isArray(candidate.shape) && ArrayBuffer.isView(candidate.data);
}

/**
 * True for an object made by `{}`, `JSON.parse` or `Object.create(null)`: no class instance, no array. A tree
 * node (besides arrays, where a walk allows them) and a JSON object are such objects.
 *
 * @example
 * ```ts
 * isPlainObject({ count: 1 }); // true
 * isPlainObject(tensor([1])); // false: a class instance
 * ```
 */
export function isPlainObject(value: unknown): value is object {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
