import type { Metric } from "@descent/spec";
import { ValueError } from "@descent/tensor";
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
  if (typeof metric !== "string") return metric;
  const found = builtIn[metric];
  if (found === undefined) {
    throw new ValueError(
      "toMetric",
      `unknown metric "${metric}": use one of ${Object.keys(builtIn).join(", ")}`,
    );
  }
  return found;
}
