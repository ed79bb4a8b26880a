import { valueAndGrad } from "@descent/autodiff";
import type { Params } from "@descent/nn";
import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import type { LossName } from "../state/choices.js";
import { dataLoss, prediction } from "./losses.js";
import { type Network, runNetwork } from "./network.js";
import type { Task } from "./protocol.js";
import { unitNorms } from "./tree-norms.js";

/**
 * The prediction ŷ for each row of `features` (inference mode): P(class 1), tanh of the output, or the
 * value, as {@link prediction} maps the output for the task and loss.
 *
 * @example
 * predictionsOn(network, params, data.test.features, "classification", "crossEntropy")
 */
export function predictionsOn(
  network: Network,
  params: ParamTree,
  features: TensorLike,
  task: Task,
  loss: LossName,
): Float64Array {
  const output = runNetwork(network, params as Params, features, { training: false }).value;
  return Float64Array.from(output.data, (value) => prediction(task, loss, value));
}

/**
 * Per dense layer, per neuron: `√(Σᵢ (∂L/∂Wᵢⱼ)² + (∂L/∂bⱼ)²)` for the data loss over all of `data` in
 * inference mode (no penalty: its gradient would hide a dead neuron). Exactly 0 means no point sends the
 * neuron any gradient, so no step can change its incoming weights.
 *
 * @example
 * unitGradientNormsOn(network, params, data.train, "classification", "crossEntropy")[0] // first layer
 */
export function unitGradientNormsOn(
  network: Network,
  params: ParamTree,
  data: { readonly features: TensorLike; readonly targets: TensorLike },
  task: Task,
  loss: LossName,
): Float64Array[] {
  const { gradients } = valueAndGrad((p: Params) =>
    dataLoss(task, loss, runNetwork(network, p, data.features, { training: false }), data.targets),
  )(params as Params);
  return unitNorms(gradients as unknown as ParamTree, network.denseNames);
}
