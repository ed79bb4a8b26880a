import type { Operand, Traced } from "@descent/autodiff";
import type { DType, Tensor as TensorLike } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { describe, didYouMean } from "../layers/validate.js";
import { binaryCrossEntropyFromLogits, softmaxCrossEntropyFromLogits } from "../losses/cross-entropy.js";
import { hinge, klDivergence, squaredHinge } from "../losses/margin.js";
import { huber, meanAbsoluteError, meanSquaredError } from "../losses/regression.js";

/**
 * A loss: predictions (traced) and constant targets to a scalar. Every loss of `losses` is one. `fit` passes
 * the targets it was given, which may be int32 class labels; a loss written for float targets still fits
 * this type, and an int32 batch reaching a float op in it is a DTypeError naming `cast(targets, "float32")`.
 */
// Method syntax makes the parameters bivariant, so `(p: Traced, t: Tensor) => …` (float targets) is a
// LossFunction too, as before int32 labels existed.
export type LossFunction = {
  loss(predictions: Traced, targets: TensorLike<DType>): Operand;
}["loss"];

/** Names of the built-in losses, with default options. */
export type LossName =
  | "meanSquaredError"
  | "meanAbsoluteError"
  | "huber"
  | "binaryCrossEntropyFromLogits"
  | "softmaxCrossEntropyFromLogits"
  | "hinge"
  | "squaredHinge"
  | "klDivergence";

const builtIn: Record<LossName, LossFunction> = {
  meanSquaredError,
  meanAbsoluteError,
  huber: (p, t: TensorLike) => huber(p, t),
  binaryCrossEntropyFromLogits: (p, t) => binaryCrossEntropyFromLogits(p, t),
  softmaxCrossEntropyFromLogits: (p, t) => softmaxCrossEntropyFromLogits(p, t),
  hinge,
  squaredHinge,
  klDivergence,
};

/** The loss function for a name or function; names are looked up among the registry's own keys only. */
export function toLoss(op: string, loss: LossFunction | LossName, label = "options.loss"): LossFunction {
  if (typeof loss === "function") return loss;
  // Own names only: "constructor" would otherwise train on Object() and "toString" fail inside autodiff.
  if (typeof loss !== "string" || !Object.hasOwn(builtIn, loss)) {
    const names = Object.keys(builtIn);
    throw new ValueError(
      op,
      `${label} is ${typeof loss === "string" ? `an unknown loss ${describe(loss)}${didYouMean(loss, names)}` : describe(loss)}: use a function (predictions, targets) → scalar or one of ${names.join(", ")}`,
    );
  }
  return builtIn[loss];
}
