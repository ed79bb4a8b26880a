import { valueAndGrad } from "@descent/autodiff";
import { flattenTree, type LossFunction, type Model, type TrainingData } from "@descent/nn";
import type { ParamTree } from "@descent/spec";

/**
 * The L2 norm of the loss gradient with respect to each dense layer's weights, first layer first, on
 * one batch in training mode (batch normalization uses the batch's statistics, as during training).
 *
 * `‖∂L/∂W_l‖₂ = √(Σ_ij (∂L/∂W_l[i, j])²)` for every parameter path ending in `.weights`
 *
 * @example
 * weightGradientNorms(model, params, firstRows(train, 256), softmaxCrossEntropyFromLogits) // [1.2, 0.4, …]
 */
export function weightGradientNorms(
  model: Model,
  params: ParamTree,
  batch: TrainingData,
  loss: LossFunction,
  state: ParamTree = model.initState(),
): number[] {
  const differentiate = valueAndGrad((tree: ParamTree) =>
    loss(model.apply(tree, batch.inputs, { training: true, state }), batch.targets),
  );
  const { gradients } = differentiate(params);
  return flattenTree(gradients as ParamTree)
    .filter(([path]) => path.endsWith(".weights"))
    .map(([, tensor]) => {
      let sum = 0;
      const data = tensor.data;
      for (let i = 0; i < data.length; i++) sum += data[i]! * data[i]!;
      return Math.sqrt(sum);
    });
}
