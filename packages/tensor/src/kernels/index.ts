export { jsKernels } from "./js-kernels.js";
export type { Kernels } from "./kernels.js";
export { getKernels, setKernels } from "./registry.js";
