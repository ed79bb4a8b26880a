import { clip, log, mean, mul, type Operand, relu, square, sub, sum, type Traced } from "@descent/autodiff";
import type { DType, Tensor as TensorLike } from "@descent/spec";
import { formatShape, ShapeError, Tensor, ValueError } from "@descent/tensor";
import { checkSameShape } from "./targets.js";

/** Targets as ±1: labels 0/1 become −1/+1 (as Keras), −1/+1 stay. */
function signedTargets(op: string, targets: TensorLike<DType>): Tensor {
  const data =
    targets.dtype === "float64"
      ? new Float64Array(targets.data.length)
      : new Float32Array(targets.data.length);
  for (let i = 0; i < data.length; i++) {
    const value = targets.data[i]!;
    if (value !== 0 && value !== 1 && value !== -1) {
      throw new ValueError(op, `target ${i} is ${value}: use labels −1/+1 (or 0/1)`);
    }
    data[i] = value === 0 ? -1 : value;
  }
  return new Tensor(data, targets.shape);
}

/**
 * Hinge loss for ±1 labels (0/1 are mapped to −1/+1): `L = (1/n) Σ max(0, 1 − y·ŷ)` (subgradient 0 at the
 * hinge). Predictions are raw scores.
 *
 * @example
 * hinge(scores, labels)
 */
export function hinge(predictions: Operand, targets: TensorLike<DType>): Traced {
  checkSameShape("hinge", predictions, targets, true);
  return mean(relu(sub(1, mul(predictions, signedTargets("hinge", targets)))));
}

/**
 * Squared hinge loss: `L = (1/n) Σ max(0, 1 − y·ŷ)²`, differentiable everywhere.
 *
 * @example
 * squaredHinge(scores, labels)
 */
export function squaredHinge(predictions: Operand, targets: TensorLike<DType>): Traced {
  checkSameShape("squaredHinge", predictions, targets, true);
  return mean(square(relu(sub(1, mul(predictions, signedTargets("squaredHinge", targets))))));
}

/**
 * Kullback–Leibler divergence of predicted distributions from target distributions along the last axis,
 * averaged over the batch: `L = (1/N) Σᵢ Σ_c y_ic log(y_ic / p_ic)` with `0·log 0 = 0`. Predictions are
 * probabilities (apply softmax first), clipped to `[1e-7, 1]` so the log stays finite.
 *
 * @example
 * klDivergence(softmaxOutputs, targetDistributions)
 */
export function klDivergence(predictions: Operand, targets: TensorLike): Traced {
  const op = "klDivergence";
  const shape = checkSameShape(op, predictions, targets).shape;
  if (shape.length < 1)
    throw new ShapeError(op, `predictions ${formatShape(shape)}: expected [batch, classes]`);
  const classes = shape[shape.length - 1]!;
  const rows = targets.data.length / classes;
  let entropyTerm = 0;
  for (let i = 0; i < targets.data.length; i++) {
    const target = targets.data[i]!;
    if (!(target >= 0))
      throw new ValueError(op, `target ${i} is ${target}: targets must be probabilities ≥ 0`);
    if (target > 0) entropyTerm += target * Math.log(target);
  }
  const crossTerm = sum(mul(targets, log(clip(predictions, 1e-7, 1))));
  return mul(sub(entropyTerm, crossTerm), 1 / rows);
}
