/**
 * `@descent/nn`: layers, initializers, losses, metrics, the `fit()` training loop, and safetensors
 * save/load for descent. Node-only file IO lives in `@descent/nn/node`.
 *
 * @packageDocumentation
 */

export * from "./io/index.js";
export * as metrics from "./metrics/index.js";
export { cloneTree, countParameters, flattenTree, mapTree, unflattenTree } from "./tree/tree.js";
