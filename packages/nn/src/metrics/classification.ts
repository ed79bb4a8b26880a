import type { DType, Tensor as TensorLike } from "@descent/spec";
import { formatShape, ShapeError, Tensor, ValueError } from "@descent/tensor";
import { checkOptionKeys, describe } from "../layers/validate.js";
import { checkClassShapes, columnsOf, predictedClasses, sampleCount, targetClasses } from "./labels.js";

/** Reads the threshold option: a number (default 0.5). */
function thresholdOf(op: string, options: ThresholdOptions): number {
  const threshold = options.threshold ?? 0.5;
  if (typeof threshold !== "number" || Number.isNaN(threshold))
    throw new ValueError(op, `options.threshold is ${describe(threshold)}: use a number`);
  return threshold;
}

/** Options of the classification metrics that turn scores into classes. */
export interface ThresholdOptions {
  /** For one score per sample (`[N]` or `[N, 1]`): predicted class is 1 when `score ≥ threshold`. Default 0.5 (probabilities); use 0 for logits. */
  readonly threshold?: number;
}

/**
 * Fraction of samples whose predicted class equals the target class.
 *
 * `accuracy = (1/N) Σᵢ [ŷᵢ = yᵢ]`, with `ŷᵢ = argmax` of a `[N, C]` row or `score ≥ threshold` for
 * `[N]` / `[N, 1]` scores; targets are integer labels `[N]` or one-hot rows `[N, C]`.
 *
 * @example
 * accuracy(tensor([[0.1, 0.9], [0.8, 0.2]]), tensor([1, 1])) // 0.5
 */
export function accuracy(
  predictions: TensorLike,
  targets: TensorLike<DType>,
  options: ThresholdOptions = {},
): number {
  const op = "accuracy";
  checkOptionKeys(op, options, ["threshold"]);
  const count = sampleCount(op, predictions, targets);
  checkClassShapes(op, predictions, targets);
  const predicted = predictedClasses(op, predictions, count, thresholdOf(op, options));
  const actual = targetClasses(op, targets, count, predictions);
  let correct = 0;
  for (let i = 0; i < count; i++) if (predicted[i] === actual[i]) correct++;
  return correct / count;
}

/**
 * Fraction of samples whose target class is among the `k` highest scores.
 *
 * `topK = (1/N) Σᵢ [#{c : s_ic > s_iyᵢ} < k]` — classes tied with the target at the boundary count as in
 * the top k (as `tf.math.in_top_k`).
 *
 * @example
 * topKAccuracy(tensor([[0.5, 0.3, 0.2]]), tensor([1]), { k: 2 }) // 1
 */
export function topKAccuracy(
  predictions: TensorLike,
  targets: TensorLike<DType>,
  options: { readonly k?: number } = {},
): number {
  const op = "topKAccuracy";
  checkOptionKeys(op, options, ["k"]);
  const k = options.k ?? 5;
  if (typeof k !== "number" || !Number.isInteger(k) || k < 1)
    throw new ValueError(op, `k is ${describe(k)}: use a positive integer`);
  const count = sampleCount(op, predictions, targets);
  checkClassShapes(op, predictions, targets);
  if (predictions.shape.length !== 2) {
    throw new ShapeError(op, `predictions ${formatShape(predictions.shape)}: expected scores [N, C]`);
  }
  const columns = predictions.shape[1]!;
  const actual = targetClasses(op, targets, count, predictions);
  const data = predictions.data;
  let hits = 0;
  for (let i = 0; i < count; i++) {
    const label = actual[i]!;
    if (label >= columns)
      throw new ValueError(op, `target ${i} is class ${label} but predictions have ${columns} classes`);
    const offset = i * columns;
    const targetScore = data[offset + label]!;
    let above = 0;
    for (let j = 0; j < columns; j++) if (data[offset + j]! > targetScore) above++;
    if (above < k && !Number.isNaN(targetScore)) hits++;
  }
  return hits / count;
}

/**
 * The confusion matrix `M[t, p]` = number of samples of true class `t` predicted as class `p` (rows are
 * true classes, columns predictions, as scikit-learn). float64 `[C, C]`.
 *
 * `C` is `options.classes`, else the number of prediction columns for `[N, C]` scores, else
 * `1 + the largest class seen`.
 *
 * @example
 * confusionMatrix(tensor([1, 0, 1]), tensor([1, 1, 0]), { threshold: 0.5 }).toNested() // [[0, 1], [1, 1]]
 */
export function confusionMatrix(
  predictions: TensorLike,
  targets: TensorLike<DType>,
  options: ThresholdOptions & { readonly classes?: number } = {},
): Tensor {
  const op = "confusionMatrix";
  checkOptionKeys(op, options, ["threshold", "classes"]);
  if (
    options.classes !== undefined &&
    (typeof options.classes !== "number" ||
      !Number.isInteger(options.classes) ||
      options.classes < 1 ||
      options.classes > 65536)
  ) {
    throw new ValueError(op, `options.classes is ${describe(options.classes)}: use an integer in [1, 65536]`);
  }
  const count = sampleCount(op, predictions, targets);
  checkClassShapes(op, predictions, targets);
  const predicted = predictedClasses(op, predictions, count, thresholdOf(op, options));
  const actual = targetClasses(op, targets, count, predictions);
  const predictionColumns = columnsOf(op, "predictions", predictions);
  let classes = options.classes ?? (predictionColumns > 1 ? predictionColumns : 2);
  if (options.classes === undefined) {
    for (let i = 0; i < count; i++) classes = Math.max(classes, actual[i]! + 1, predicted[i]! + 1);
    if (classes > 65536)
      throw new ValueError(
        op,
        `targets name class ${classes - 1}: a confusion matrix holds at most 65536 classes`,
      );
  }
  const matrix = new Float64Array(classes * classes);
  for (let i = 0; i < count; i++) {
    const row = actual[i]!;
    const column = predicted[i]!;
    if (row >= classes || column >= classes) {
      throw new ValueError(op, `sample ${i} has class ${Math.max(row, column)} but classes is ${classes}`);
    }
    matrix[row * classes + column]!++;
  }
  return new Tensor(matrix, [classes, classes]);
}

/** How precision, recall and F1 combine classes. */
export interface AverageOptions extends ThresholdOptions {
  /**
   * `"binary"`: the score of `positiveClass` only. `"macro"`: the unweighted mean over the classes that
   * occur in targets or predictions. Default: `"binary"` for two classes, `"macro"` for more.
   */
  readonly average?: "binary" | "macro";
  /** The positive class for `average: "binary"`. Default 1. */
  readonly positiveClass?: number;
}

/**
 * Precision: of the samples predicted positive, the fraction that are positive. `TP / (TP + FP)`,
 * 0 when nothing is predicted positive (scikit-learn's `zero_division=0`).
 *
 * @example
 * precision(tensor([1, 1, 0, 0]), tensor([1, 0, 1, 0])) // 0.5
 */
export function precision(
  predictions: TensorLike,
  targets: TensorLike<DType>,
  options: AverageOptions = {},
): number {
  return averaged("precision", predictions, targets, options, (tp, fp) => ratio(tp, tp + fp));
}

/**
 * Recall: of the positive samples, the fraction predicted positive. `TP / (TP + FN)`, 0 without positives.
 *
 * @example
 * recall(tensor([1, 0, 0, 0]), tensor([1, 0, 1, 0])) // 0.5
 */
export function recall(
  predictions: TensorLike,
  targets: TensorLike<DType>,
  options: AverageOptions = {},
): number {
  return averaged("recall", predictions, targets, options, (tp, _fp, fn) => ratio(tp, tp + fn));
}

/**
 * F1 score, the harmonic mean of precision and recall: `2TP / (2TP + FP + FN)` (0 when the denominator
 * is 0). Macro F1 averages the per-class F1 scores (scikit-learn), not F1 of averaged precision and recall.
 *
 * @example
 * f1Score(tensor([1, 1, 0, 0]), tensor([1, 0, 1, 0])) // 0.5
 */
export function f1Score(
  predictions: TensorLike,
  targets: TensorLike<DType>,
  options: AverageOptions = {},
): number {
  return averaged("f1Score", predictions, targets, options, (tp, fp, fn) => ratio(2 * tp, 2 * tp + fp + fn));
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function averaged(
  op: string,
  predictions: TensorLike,
  targets: TensorLike<DType>,
  options: AverageOptions,
  score: (truePositives: number, falsePositives: number, falseNegatives: number) => number,
): number {
  checkOptionKeys(op, options, ["threshold", "average", "positiveClass"]);
  const count = sampleCount(op, predictions, targets);
  checkClassShapes(op, predictions, targets);
  const predicted = predictedClasses(op, predictions, count, thresholdOf(op, options));
  const actual = targetClasses(op, targets, count, predictions);
  let classes = Math.max(2, columnsOf(op, "predictions", predictions));
  for (let i = 0; i < count; i++) classes = Math.max(classes, actual[i]! + 1, predicted[i]! + 1);
  const average = options.average ?? (classes === 2 ? "binary" : "macro");
  const truePositives = new Float64Array(classes);
  const predictedCounts = new Float64Array(classes);
  const actualCounts = new Float64Array(classes);
  for (let i = 0; i < count; i++) {
    predictedCounts[predicted[i]!]!++;
    actualCounts[actual[i]!]!++;
    if (predicted[i] === actual[i]) truePositives[actual[i]!]!++;
  }
  const classScore = (c: number) =>
    score(truePositives[c]!, predictedCounts[c]! - truePositives[c]!, actualCounts[c]! - truePositives[c]!);
  if (average === "binary") {
    const positive = options.positiveClass ?? 1;
    if (classes > 2 && options.average === "binary" && options.positiveClass === undefined) {
      throw new ValueError(
        op,
        `average "binary" with ${classes} classes: pass positiveClass, or use average "macro"`,
      );
    }
    if (!Number.isInteger(positive) || positive < 0 || positive >= classes) {
      throw new ValueError(op, `positiveClass is ${describe(positive)}: use a class in [0, ${classes - 1}]`);
    }
    return classScore(positive);
  }
  if (average !== "macro")
    throw new ValueError(op, `options.average is ${describe(average)}: use "binary" or "macro"`);
  let total = 0;
  let present = 0;
  for (let c = 0; c < classes; c++) {
    if (predictedCounts[c] === 0 && actualCounts[c] === 0) continue;
    total += classScore(c);
    present++;
  }
  return total / present;
}
