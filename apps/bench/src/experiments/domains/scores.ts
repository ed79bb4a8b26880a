import { metrics } from "@descent/nn";
import type { Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "@descent/tensor";

/** Test-set scores of a classifier: accuracy, precision, recall, F1 and the area under the precision–recall curve. */
export interface Scores {
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly prAuc: number;
}

/**
 * Scores of a binary classifier with one logit per sample (`[N, 1]`): the positive class is predicted
 * when the logit is ≥ 0 (probability ≥ ½); F1 and PR-AUC are those of the positive class.
 *
 * @example binaryScores(predict(model, params, test.inputs), test.targets).f1
 */
export function binaryScores(logits: TensorLike, targets: TensorLike): Scores {
  return {
    accuracy: metrics.accuracy(logits, targets, { threshold: 0 }),
    precision: metrics.precision(logits, targets, { threshold: 0, average: "binary" }),
    recall: metrics.recall(logits, targets, { threshold: 0, average: "binary" }),
    f1: metrics.f1Score(logits, targets, { threshold: 0, average: "binary" }),
    prAuc: metrics.prAuc(logits, targets),
  };
}

/**
 * Scores of a multi-class classifier with `[N, C]` logits: accuracy of the argmax, macro precision, recall
 * and F1, and the
 * macro average over classes of the one-vs-rest PR-AUC ranked by the softmax probability of each class.
 *
 * `PR-AUC_macro = (1/C) Σ_c PR-AUC(p_c, [y = c])`, `p_c = softmax(z)_c`
 *
 * @example multiClassScores(predict(model, params, test.inputs), test.targets).prAuc
 */
export function multiClassScores(logits: TensorLike, targets: TensorLike): Scores {
  const [count, classes] = logits.shape as [number, number];
  const probabilities = new Float64Array(count * classes);
  const data = logits.data;
  for (let i = 0; i < count; i++) {
    const offset = i * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) max = Math.max(max, data[offset + c]!);
    let total = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(data[offset + c]! - max);
      probabilities[offset + c] = e;
      total += e;
    }
    for (let c = 0; c < classes; c++) probabilities[offset + c]! /= total;
  }
  let prAucSum = 0;
  const column = new Float64Array(count);
  const isClass = new Float64Array(count);
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < count; i++) {
      column[i] = probabilities[i * classes + c]!;
      isClass[i] = targets.data[i] === c ? 1 : 0;
    }
    prAucSum += metrics.prAuc(new Tensor(column, [count]), new Tensor(isClass, [count]));
  }
  return {
    accuracy: metrics.accuracy(logits, targets),
    precision: metrics.precision(logits, targets, { average: "macro" }),
    recall: metrics.recall(logits, targets, { average: "macro" }),
    f1: metrics.f1Score(logits, targets, { average: "macro" }),
    prAuc: prAucSum / classes,
  };
}

/**
 * Test accuracy of always answering the most frequent class of the training set: the bar any
 * classifier must clear before its accuracy means anything.
 *
 * @example majorityClassAccuracy(train.targets, test.targets) // 0.992 on the sensor anomalies
 */
export function majorityClassAccuracy(trainTargets: TensorLike, testTargets: TensorLike): number {
  const counts = new Map<number, number>();
  for (const label of trainTargets.data) counts.set(label, (counts.get(label) ?? 0) + 1);
  let majority = 0;
  let best = -1;
  for (const [label, count] of counts) {
    if (count > best || (count === best && label < majority)) {
      majority = label;
      best = count;
    }
  }
  let hits = 0;
  for (const label of testTargets.data) if (label === majority) hits++;
  return hits / testTargets.data.length;
}

/**
 * The first epoch whose value reaches `fraction` of the final value (higher is better), from a curve of
 * `[epoch, value]` points in epoch order; `null` for an empty curve.
 *
 * `min { e : v(e) ≥ fraction · v(final) }`
 *
 * @example epochsToFractionOfFinal([[0, 0.1], [1, 0.9], [2, 1]], 0.95) // 2
 */
export function epochsToFractionOfFinal(
  curve: readonly (readonly [number, number])[],
  fraction: number,
): number | null {
  const final = curve.at(-1)?.[1];
  if (final === undefined) return null;
  return curve.find(([, value]) => value >= fraction * final)?.[0] ?? null;
}
