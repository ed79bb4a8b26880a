import type { ParamTree, Tensor as TensorLike, TreeOf } from "@descent/spec";
import { formatShape, ShapeError, Tensor } from "@descent/tensor";

/** True when `value` is a tensor leaf (structural check: `shape`, `dtype`, `data`), not a subtree. */
export function isTensorLeaf(value: unknown): value is TensorLike {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<TensorLike>;
  return (
    Array.isArray(candidate.shape) && typeof candidate.dtype === "string" && candidate.data !== undefined
  );
}

/** Calls `visit(tensor, path)` for every tensor of `tree`, depth first, in key order. */
export function forEachLeaf(
  tree: ParamTree,
  visit: (tensor: TensorLike, path: readonly string[]) => void,
  path: string[] = [],
): void {
  for (const key of Object.keys(tree)) {
    const value = tree[key]!;
    path.push(key);
    if (isTensorLeaf(value)) visit(value, path);
    else forEachLeaf(value, visit, path);
    path.pop();
  }
}

/** A tree with the keys of `tree` whose leaves are `map(tensor, path)`. */
export function mapLeaves(
  tree: ParamTree,
  map: (tensor: TensorLike, path: readonly string[]) => TensorLike,
  path: string[] = [],
): ParamTree {
  const result: { [name: string]: TensorLike | ParamTree } = {};
  for (const key of Object.keys(tree)) {
    const value = tree[key]!;
    path.push(key);
    result[key] = isTensorLeaf(value) ? map(value, path) : mapLeaves(value, map, path);
    path.pop();
  }
  return result;
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
