import type { Metric } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { describe, didYouMean } from "../layers/validate.js";
import { accuracy, f1Score, precision, recall, topKAccuracy } from "./classification.js";
import { prAuc, rocAuc } from "./ranking.js";
import { meanAbsoluteError, meanSquaredError, r2 } from "./regression.js";

/** Names of the built-in metrics that `fit` and `evaluate` accept as strings (default options). */
export type MetricName =
  | "accuracy"
  | "topKAccuracy"
  | "precision"
  | "recall"
  | "f1Score"
  | "rocAuc"
  | "prAuc"
  | "meanSquaredError"
  | "meanAbsoluteError"
  | "r2";

const builtIn: Record<MetricName, Metric> = {
  accuracy: { name: "accuracy", direction: "higher", compute: (p, t) => accuracy(p, t) },
  topKAccuracy: { name: "topKAccuracy", direction: "higher", compute: (p, t) => topKAccuracy(p, t) },
  precision: { name: "precision", direction: "higher", compute: (p, t) => precision(p, t) },
  recall: { name: "recall", direction: "higher", compute: (p, t) => recall(p, t) },
  f1Score: { name: "f1Score", direction: "higher", compute: (p, t) => f1Score(p, t) },
  rocAuc: { name: "rocAuc", direction: "higher", compute: (p, t) => rocAuc(p, t) },
  prAuc: { name: "prAuc", direction: "higher", compute: (p, t) => prAuc(p, t) },
  meanSquaredError: {
    name: "meanSquaredError",
    direction: "lower",
    compute: (p, t) => meanSquaredError(p, t),
  },
  meanAbsoluteError: {
    name: "meanAbsoluteError",
    direction: "lower",
    compute: (p, t) => meanAbsoluteError(p, t),
  },
  r2: { name: "r2", direction: "higher", compute: (p, t) => r2(p, t) },
};

/**
 * A built-in metric as a {@link Metric} object (name, direction, compute), or the given object unchanged.
 * For other options (top-3, a logit threshold) write your own: `{ name, direction, compute }`.
 *
 * @example
 * toMetric("accuracy").compute(predictions, targets)
 * toMetric({ name: "top3", direction: "higher", compute: (p, t) => topKAccuracy(p, t, { k: 3 }) })
 */
export function toMetric(metric: MetricName | Metric): Metric {
  if (typeof metric === "string") {
    // Own names only: "constructor" or "toString" must not reach Object.prototype.
    if (!Object.hasOwn(builtIn, metric)) {
      throw new ValueError(
        "toMetric",
        `unknown metric ${describe(metric)}${didYouMean(metric, Object.keys(builtIn))}: use one of ${Object.keys(builtIn).join(", ")}, or a { name, direction, compute } object`,
      );
    }
    return builtIn[metric as MetricName];
  }
  const candidate = metric as Partial<Metric> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.name !== "string" ||
    typeof candidate.compute !== "function"
  ) {
    throw new ValueError(
      "toMetric",
      `metric is ${describe(metric)}: pass a built-in name ("accuracy") or a { name, direction, compute } object`,
    );
  }
  return metric;
}
