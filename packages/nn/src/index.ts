/**
 * `@descent/nn`: layers, initializers, losses, metrics, the `fit()` training loop, and safetensors
 * save/load for descent. Node-only file IO and the progress bar live in `@descent/nn/node`.
 *
 * @packageDocumentation
 */

/** Weight initializers (`glorotUniform`, `heNormal`, …), `computeFans` and `calculateGain`. */
export * as initializers from "./initializers/index.js";
export {
  type ImportedSafetensors,
  type ImportSafetensorsOptions,
  importSafetensors,
} from "./io/import-safetensors.js";
export * from "./io/index.js";
export { cloneTree, flattenTree, mapTree, unflattenTree } from "./io/parameter-names.js";
export { countParameters } from "./layers/count-parameters.js";
export * from "./layers/index.js";
/**
 * Loss functions `L(predictions, targets)` (mean squared error, cross-entropies from logits, huber, hinge,
 * …).
 */
export * as losses from "./losses/index.js";
/** Metrics computed from predictions and targets (accuracy, precision, recall, F1, AUCs, R², …). */
export * as metrics from "./metrics/index.js";
// The metric names at the top level too, beside LossName (fit options name both).
export type { MetricName } from "./metrics/registry.js";
export * from "./training/index.js";
