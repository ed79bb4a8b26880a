import type { MetricName as BuiltInMetricName } from "./registry.js";

export {
  type AverageOptions,
  accuracy,
  confusionMatrix,
  f1Score,
  precision,
  recall,
  type ThresholdOptions,
  topKAccuracy,
} from "./classification.js";
export { formatConfusionMatrix } from "./format.js";
export { prAuc, rocAuc } from "./ranking.js";
export { toMetric } from "./registry.js";
/**
 * Names of the built-in metrics that `fit` and `evaluate` accept as strings.
 *
 * @example
 * const name: metrics.MetricName = "accuracy";
 */
// A type declared here, not re-exported: the declaration bundler turns a re-exported type of a shared
// chunk inside `export * as metrics` into `typeof MetricName`, which consumers without skipLibCheck reject.
export type MetricName = BuiltInMetricName;
export { meanAbsoluteError, meanSquaredError, r2 } from "./regression.js";
