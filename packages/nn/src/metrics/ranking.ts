import type { DType, Tensor as TensorLike } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { binaryTargets, positiveScores, sampleCount } from "./labels.js";

/**
 * Area under the ROC curve for binary labels: the probability that a random positive scores above a
 * random negative, ties counting one half (Mann–Whitney U with mid-ranks, equal to the trapezoidal area).
 *
 * `AUC = (Σ_{i∈pos} rankᵢ − P(P+1)/2) / (P·N)`. Scores are `[N]`, `[N, 1]` or `[N, 2]` (second column);
 * any monotone score works (probabilities or logits).
 *
 * @throws `ValueError` (from `@descent/tensor`) when only one class is present (the AUC is undefined).
 * @example
 * rocAuc(tensor([0.1, 0.4, 0.35, 0.8]), tensor([0, 0, 1, 1])) // 0.75
 */
export function rocAuc(predictions: TensorLike, targets: TensorLike<DType>): number {
  const op = "rocAuc";
  const count = sampleCount(op, predictions, targets);
  const scores = positiveScores(op, predictions, count);
  const labels = binaryTargets(op, targets, count);
  const order = sortedIndices(scores);
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < count; ) {
    let end = start + 1;
    while (end < count && scores[order[end]!] === scores[order[start]!]) end++;
    const midRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) {
      if (labels[order[i]!] === 1) {
        positives++;
        positiveRankSum += midRank;
      }
    }
    start = end;
  }
  const negatives = count - positives;
  if (positives === 0 || negatives === 0) {
    throw new ValueError(
      op,
      `targets contain only ${positives === 0 ? "negatives" : "positives"}: ROC AUC needs both classes`,
    );
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Area under the precision–recall curve as average precision (scikit-learn's definition):
 * `AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ` over the distinct score thresholds from high to low, where `Pₙ`, `Rₙ`
 * are precision and recall when predicting positive every sample scoring ≥ the n-th threshold. No
 * interpolation, so it does not overestimate like the trapezoidal rule.
 *
 * @throws `ValueError` (from `@descent/tensor`) when there is no positive sample.
 * @example
 * prAuc(tensor([0.1, 0.4, 0.35, 0.8]), tensor([0, 0, 1, 1])) // 0.8333…
 */
export function prAuc(predictions: TensorLike, targets: TensorLike<DType>): number {
  const op = "prAuc";
  const count = sampleCount(op, predictions, targets);
  const scores = positiveScores(op, predictions, count);
  const labels = binaryTargets(op, targets, count);
  let totalPositives = 0;
  for (let i = 0; i < count; i++) totalPositives += labels[i]!;
  if (totalPositives === 0)
    throw new ValueError(op, "targets contain no positive sample: average precision is undefined");
  const order = sortedIndices(scores).reverse();
  let truePositives = 0;
  let predictedPositive = 0;
  let previousRecall = 0;
  let area = 0;
  for (let start = 0; start < count; ) {
    let end = start;
    while (end < count && scores[order[end]!] === scores[order[start]!]) {
      truePositives += labels[order[end]!]!;
      end++;
    }
    predictedPositive = end;
    const currentRecall = truePositives / totalPositives;
    area += (currentRecall - previousRecall) * (truePositives / predictedPositive);
    previousRecall = currentRecall;
    start = end;
  }
  return area;
}

/** Indices that sort `scores` ascending. */
function sortedIndices(scores: Float64Array): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => scores[a]! - scores[b]!);
}
