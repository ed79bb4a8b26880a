/**
 * `@descent/nn`: layers, initializers, losses, metrics, the `fit()` training loop, and safetensors
 * save/load for descent. Node-only file IO and the progress bar live in `@descent/nn/node`.
 *
 * @packageDocumentation
 */

export * as initializers from "./initializers/index.js";
export * from "./io/index.js";
export * from "./layers/index.js";
export * as losses from "./losses/index.js";
export * as metrics from "./metrics/index.js";
export * from "./training/index.js";
export { cloneTree, countParameters, flattenTree, mapTree, unflattenTree } from "./tree/tree.js";
