import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import type { LayerNorms } from "./protocol.js";

/** Euclidean norm of a tensor's values: `‖t‖₂ = √Σ tᵢ²`. */
export function euclideanNorm(tensor: TensorLike | undefined): number {
  if (tensor === undefined) return 0;
  let sum = 0;
  for (const value of tensor.data) sum += value * value;
  return Math.sqrt(sum);
}

/** `‖∂W‖` and `‖∂b‖` (or of updates) per dense layer, in the order of `layers`. */
export function layerNorms(tree: ParamTree, layers: readonly string[]): LayerNorms[] {
  return layers.map((layer) => {
    const entry = tree[layer] as ParamTree | undefined;
    return {
      layer,
      weights: euclideanNorm(entry?.weights as TensorLike | undefined),
      bias: euclideanNorm(entry?.bias as TensorLike | undefined),
    };
  });
}

/** Mean of each column of a `[rows, columns]` matrix: each neuron's mean value over a batch. */
export function columnMeans(matrix: TensorLike): number[] {
  const columns = matrix.shape[matrix.shape.length - 1] ?? 1;
  const rows = matrix.data.length / columns;
  const means = new Array<number>(columns).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) means[c]! += matrix.data[r * columns + c]!;
  }
  return means.map((sum) => sum / Math.max(rows, 1));
}

/**
 * Per dense layer, per neuron `j`: the norm of the gradient of its incoming weights and bias,
 * `√(Σᵢ (∂L/∂Wᵢⱼ)² + (∂L/∂bⱼ)²)` (weights are `[inputs, outputs]`). 0 means the neuron learns nothing.
 *
 * @example
 * unitNorms(gradients, ["dense_1", "dense_2"])[0] // one norm per neuron of the first layer
 */
export function unitNorms(gradients: ParamTree, layers: readonly string[]): Float64Array[] {
  return layers.map((layer) => {
    const entry = gradients[layer] as ParamTree;
    const weights = entry.weights as TensorLike;
    const bias = entry.bias as TensorLike;
    const outputs = bias.data.length;
    const sums = new Float64Array(outputs);
    for (let i = 0; i < weights.data.length; i++) sums[i % outputs]! += weights.data[i]! ** 2;
    return sums.map((sum, j) => Math.sqrt(sum + bias.data[j]! ** 2));
  });
}
