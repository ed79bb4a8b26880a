import { mul, type Operand, type Traced, tanh } from "@descent/autodiff";
import { losses } from "@descent/nn";
import type { Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import type { LossName } from "../state/choices.js";
import type { Task } from "./protocol.js";

/**
 * The data loss of a batch, from `z`, the output of the last dense layer, and the targets as the data set
 * gives them (labels 0/1, or values):
 *
 * - cross-entropy (classes): `mean −[y log σ(z) + (1 − y) log(1 − σ(z))]`, computed from the logit;
 * - squared loss on classes (the TensorFlow Playground's): `mean ½(t − tanh z)²` with labels `t = 2y − 1 = ±1`;
 * - squared loss on regression (the Playground's too): `mean ½(y − z)²`, a linear output.
 *
 * @example
 * dataLoss("classification", "squared", logits, labels).item()
 */
export function dataLoss(task: Task, loss: LossName, output: Operand, targets: TensorLike): Traced {
  if (task === "regression") return mul(losses.meanSquaredError(output, targets), 0.5);
  if (loss === "crossEntropy") return losses.binaryCrossEntropyFromLogits(output, targets);
  return mul(losses.meanSquaredError(tanh(output), signedLabels(targets)), 0.5);
}

/**
 * What the network predicts from its output `z`: `σ(z)` = P(class 1) for cross-entropy, `tanh z` ∈ [−1, 1]
 * for the squared loss on classes, `z` for regression.
 *
 * @example
 * prediction("classification", "crossEntropy", 0) // 0.5
 */
export function prediction(task: Task, loss: LossName, output: number): number {
  if (task === "regression") return output;
  return loss === "crossEntropy" ? 1 / (1 + Math.exp(-output)) : Math.tanh(output);
}

/**
 * The output as the pictures show it, in [−1, 1] for classes: `2σ(z) − 1` for cross-entropy (P(class 1)
 * scaled), `tanh z` for the squared loss; the value itself for regression.
 *
 * @example
 * displayValue("classification", "squared", 0.5) // tanh(0.5)
 */
export function displayValue(task: Task, loss: LossName, output: number): number {
  if (task === "regression") return output;
  return loss === "crossEntropy" ? 2 / (1 + Math.exp(-output)) - 1 : Math.tanh(output);
}

/** Labels 0/1 (`[N]`, as the toy sets give them) as −1/+1 in the output's shape `[N, 1]`: a tanh's targets. */
function signedLabels(targets: TensorLike): Tensor {
  const data = new Float32Array(targets.data.length);
  for (let i = 0; i < data.length; i++) data[i] = 2 * targets.data[i]! - 1;
  return new Tensor(data, [data.length, 1]);
}
