import type { ParamTree, Tensor as TensorLike, TreeOf } from "@descent/spec";
import { assertTensorLike, formatShape, ShapeError, Tensor, ValueError } from "@descent/tensor";
import { show } from "./validate.js";

/** Deepest nesting a parameter tree may have; deeper (or cyclic) trees are refused instead of overflowing the stack. */
export const MAX_TREE_DEPTH = 100;

/** True when `value` is a tensor leaf (structural check: `shape`, `dtype`, `data`), not a subtree. */
export function isTensorLeaf(value: unknown): value is TensorLike {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<TensorLike>;
  return (
    Array.isArray(candidate.shape) && typeof candidate.dtype === "string" && candidate.data !== undefined
  );
}

/**
 * Calls `visit(tensor, path)` for every tensor of `tree`, depth first, in key order. Only own keys are
 * followed; a leaf must be a float32/float64 tensor whose shape matches its data.
 *
 * @throws `ValueError` for a subtree that is not an object, a `__proto__` key or nesting deeper than
 *   {@link MAX_TREE_DEPTH}; `ShapeError` / `DTypeError` for a malformed tensor — all naming the path.
 */
export function forEachLeaf(
  op: string,
  tree: ParamTree,
  visit: (tensor: TensorLike, path: readonly string[]) => void,
  path: string[] = [],
): void {
  checkNode(op, tree, path);
  for (const key of Object.keys(tree)) {
    const value = tree[key]!;
    path.push(key);
    checkKey(op, key, path);
    if (isTensorLeaf(value)) {
      checkLeaf(op, value, path);
      visit(value, path);
    } else forEachLeaf(op, value, visit, path);
    path.pop();
  }
}

/** A tree with the keys of `tree` whose leaves are `map(tensor, path)` (same checks as {@link forEachLeaf}). */
export function mapLeaves(
  op: string,
  tree: ParamTree,
  map: (tensor: TensorLike, path: readonly string[]) => TensorLike,
  path: string[] = [],
): ParamTree {
  checkNode(op, tree, path);
  const result: { [name: string]: TensorLike | ParamTree } = {};
  for (const key of Object.keys(tree)) {
    const value = tree[key]!;
    path.push(key);
    checkKey(op, key, path);
    if (isTensorLeaf(value)) {
      checkLeaf(op, value, path);
      result[key] = map(value, path);
    } else result[key] = mapLeaves(op, value, map, path);
    path.pop();
  }
  return result;
}

function where(path: readonly string[]): string {
  return path.length === 0 ? "the tree" : `"${path.join(".")}"`;
}

function checkNode(op: string, node: unknown, path: readonly string[]): void {
  if (typeof node !== "object" || node === null || Array.isArray(node)) {
    throw new ValueError(
      op,
      `${where(path)} is ${show(node)}: expected a tensor or an object of named tensors`,
    );
  }
  if (path.length >= MAX_TREE_DEPTH) {
    throw new ValueError(
      op,
      `${where(path.slice(0, 6))}… nests deeper than ${MAX_TREE_DEPTH} levels (is it cyclic?)`,
    );
  }
}

function checkKey(op: string, key: string, path: readonly string[]): void {
  if (key === "__proto__") {
    throw new ValueError(
      op,
      `${where(path)}: "__proto__" cannot name a parameter (it would set an object's prototype): rename it`,
    );
  }
}

/** Checks one tensor argument: float32/float64 data of its dtype, a shape of whole sizes matching the data. */
export function checkTensor(op: string, label: string, tensor: unknown): asserts tensor is TensorLike {
  if (!isTensorLeaf(tensor))
    throw new ValueError(op, `${label} ${show(tensor)} is not a tensor { shape, dtype, data }`);
  checkLeaf(op, tensor, [label]);
}

/** A leaf must be a consistent float tensor (`@descent/tensor`'s structural check), or it would be read out of bounds. */
function checkLeaf(op: string, leaf: TensorLike, path: readonly string[]): void {
  assertTensorLike(op, leaf, where(path));
}

/** The value of `tree` at `path`, or `undefined` when the path does not exist. */
export function leafAt<Leaf>(tree: TreeOf<Leaf> | ParamTree, path: readonly string[]): unknown {
  let node: unknown = tree;
  for (const key of path) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The parameter tensor at `path` of `params`, checked to have `shape`. */
export function parameterAt(
  op: string,
  params: ParamTree,
  path: readonly string[],
  shape: readonly number[],
): TensorLike {
  const parameter = leafAt(params, path);
  if (!isTensorLeaf(parameter)) {
    throw new ShapeError(
      op,
      `the gradients have a tensor at "${path.join(".")}" but the parameters do not: pass gradients and parameters with the same keys`,
    );
  }
  checkLeaf(op, parameter, path);
  if (!sameShape(parameter.shape, shape)) {
    throw new ShapeError(
      op,
      `"${path.join(".")}" has gradient shape ${formatShape(shape)} but parameter shape ${formatShape(parameter.shape)}: they must be equal`,
    );
  }
  return parameter;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A new array of the same type and length as `data`. */
export function allocateLike(data: Float32Array | Float64Array): Float32Array | Float64Array {
  return data instanceof Float64Array ? new Float64Array(data.length) : new Float32Array(data.length);
}

/** A zero tensor with the shape and dtype of `tensor`. */
export function zerosLikeTensor(tensor: TensorLike): Tensor {
  return new Tensor(allocateLike(tensor.data), tensor.shape);
}
