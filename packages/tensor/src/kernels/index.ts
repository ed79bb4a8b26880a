export { denseForwardByGemm } from "./dense-forward.js";
export { jsKernels } from "./js-kernels.js";
export type { DenseActivation, Kernels } from "./kernels.js";
export {
  availableKernels,
  getKernels,
  type InitKernelsOptions,
  initKernels,
  type KernelInfo,
  type KernelName,
  kernelInfo,
  kernelMemoryBytes,
  setKernels,
  setThreadCount,
  useKernels,
} from "./registry.js";
export { releaseResident, residentFloat32 } from "./resident.js";
export { reluGradient, scaledAddFloat32 } from "./training-updates.js";
