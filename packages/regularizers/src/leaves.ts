import type { ParamTree, Tensor as TensorLike, TreePath } from "@descent/spec";
import { assertTensorLike, formatShape, isTensorLike, ShapeError, Tensor, treeGet } from "@descent/tensor";

/**
 * The parameter tensor at `path` of `params` (own properties only), checked to be a consistent tensor of
 * `shape`: the parameter a gradient or update at the same path belongs to.
 *
 * @throws `ShapeError` naming the path when `params` has no tensor there or its shape differs.
 * @example
 * ```ts
 * const weights = parameterAt("l2", params, ["dense", "weights"], gradient.shape);
 * ```
 */
export function parameterAt(
  op: string,
  params: ParamTree,
  path: TreePath,
  shape: readonly number[],
): TensorLike {
  const parameter = treeGet(params, path);
  if (!isTensorLike(parameter)) {
    throw new ShapeError(
      op,
      `the gradients have a tensor at "${path.join(".")}" but the parameters do not: pass gradients and parameters with the same keys`,
    );
  }
  assertTensorLike(op, parameter, `"${path.join(".")}"`);
  if (parameter.shape.length !== shape.length || parameter.shape.some((n, i) => n !== shape[i])) {
    throw new ShapeError(
      op,
      `"${path.join(".")}" has gradient shape ${formatShape(shape)} but parameter shape ${formatShape(parameter.shape)}: they must be equal`,
    );
  }
  return parameter;
}

/** A new array of the same type and length as `data`. */
export function allocateLike(data: Float32Array | Float64Array): Float32Array | Float64Array {
  return data instanceof Float64Array ? new Float64Array(data.length) : new Float32Array(data.length);
}

/** A zero tensor with the shape and dtype of `tensor`. */
export function zerosLikeTensor(tensor: TensorLike): Tensor {
  return new Tensor(allocateLike(tensor.data), tensor.shape);
}
