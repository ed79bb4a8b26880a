import type { ParamTree, Regularizer, Tensor as TensorLike, TreePath } from "@descent/spec";
import { Tensor, treeFlatten, treeMap, ValueError } from "@descent/tensor";
import { allocateLike, parameterAt, zerosLikeTensor } from "./leaves.js";
import { resolveSelection, type SelectionOptions } from "./selection.js";
import { assertFunction, show } from "./validate.js";

/**
 * A regularizer that is a sum over selected weights of an element-wise penalty. Besides the
 * {@link Regularizer} interface it can add its gradient into existing gradients without building
 * a separate gradient tree ({@link asTransform} uses that).
 */
export interface ElementwiseRegularizer extends Regularizer {
  /** Whether this regularizer touches the parameter `tensor` at `path` (its `include`/`exclude` masks). */
  selects(path: TreePath, tensor: TensorLike): boolean;
  /** `gradients + ∂R/∂θ`, keyed like `gradients` (unselected leaves are returned as they are). */
  addGradientTo(gradients: ParamTree, params: ParamTree): ParamTree;
}

/** The per-tensor kernels of an element-wise penalty: tight loops over one tensor's data. */
export interface ElementwiseKernels {
  /** `Σᵢ r(wᵢ)` accumulated in float64. */
  penalty(weights: Float32Array | Float64Array): number;
  /** `target[i] += r'(weights[i])` for every `i`. */
  accumulateGradient(weights: Float32Array | Float64Array, target: Float32Array | Float64Array): void;
}

/**
 * Builds an {@link ElementwiseRegularizer} `R(θ) = Σ_selected Σᵢ r(wᵢ)` from its per-tensor kernels
 * and selection: the way to add your own penalty with name-based selection and the fused
 * {@link asTransform} path.
 *
 * @example
 * ```ts
 * // R(w) = λ Σ w⁴ / 4, gradient λ w³
 * const quartic = createElementwiseRegularizer("quartic", {
 *   penalty(w) { let s = 0; for (let i = 0; i < w.length; i++) s += w[i] ** 4; return (0.01 * s) / 4; },
 *   accumulateGradient(w, target) { for (let i = 0; i < w.length; i++) target[i] += 0.01 * w[i] ** 3; },
 * }, {});
 * ```
 */
export function createElementwiseRegularizer(
  name: string,
  kernels: ElementwiseKernels,
  options: SelectionOptions | undefined,
): ElementwiseRegularizer {
  if (typeof name !== "string" || name === "") {
    throw new ValueError("createElementwiseRegularizer", `name ${show(name)} must be a non-empty string`);
  }
  if (typeof kernels !== "object" || kernels === null) {
    throw new ValueError(name, `kernels ${show(kernels)} must be an object { penalty, accumulateGradient }`);
  }
  assertFunction(name, "kernels.penalty", kernels.penalty, "(weights) => number");
  assertFunction(name, "kernels.accumulateGradient", kernels.accumulateGradient, "(weights, target) => void");
  const selects = resolveSelection(name, options);
  return {
    name,
    selects,
    penalty(params) {
      const { paths, leaves } = treeFlatten(params, { op: name });
      let total = 0;
      for (let k = 0; k < leaves.length; k++) {
        if (selects(paths[k]!, leaves[k]!)) total += kernels.penalty(leaves[k]!.data);
      }
      return total;
    },
    gradient(params) {
      return treeMap(
        params,
        (tensor, path) => {
          const gradient = zerosLikeTensor(tensor);
          if (selects(path, tensor)) kernels.accumulateGradient(tensor.data, gradient.data);
          return gradient;
        },
        { op: name },
      );
    },
    addGradientTo(gradients, params) {
      return treeMap(
        gradients,
        (gradient, path) => {
          const parameter = parameterAt(name, params, path, gradient.shape);
          if (!selects(path, parameter)) return gradient;
          const sum = allocateLike(gradient.data);
          sum.set(gradient.data);
          kernels.accumulateGradient(parameter.data, sum);
          return new Tensor(sum, gradient.shape);
        },
        { op: name },
      );
    },
  };
}
