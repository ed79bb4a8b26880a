import type { Operand, Traced } from "@descent/autodiff";
import type { Tensor as TensorLike } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { binaryCrossEntropyFromLogits, softmaxCrossEntropyFromLogits } from "../losses/cross-entropy.js";
import { hinge, klDivergence, squaredHinge } from "../losses/margin.js";
import { huber, meanAbsoluteError, meanSquaredError } from "../losses/regression.js";

/** A loss: predictions (traced) and constant targets to a scalar. Every loss of `losses` is one. */
export type LossFunction = (predictions: Traced, targets: TensorLike) => Operand;

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
  huber: (p, t) => huber(p, t),
  binaryCrossEntropyFromLogits: (p, t) => binaryCrossEntropyFromLogits(p, t),
  softmaxCrossEntropyFromLogits: (p, t) => softmaxCrossEntropyFromLogits(p, t),
  hinge,
  squaredHinge,
  klDivergence,
};

/** The loss function for a name or function. */
export function toLoss(op: string, loss: LossFunction | LossName): LossFunction {
  if (typeof loss === "function") return loss;
  const found = builtIn[loss];
  if (found === undefined) {
    throw new ValueError(
      op,
      `unknown loss ${JSON.stringify(loss)}: use a function or one of ${Object.keys(builtIn).join(", ")}`,
    );
  }
  return found;
}
