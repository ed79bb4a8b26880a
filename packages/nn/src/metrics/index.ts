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
export { type MetricName, toMetric } from "./registry.js";
export { meanAbsoluteError, meanSquaredError, r2 } from "./regression.js";
