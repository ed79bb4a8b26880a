/**
 * `@descent/tensor/kernels`: the kernel level, for backends and for packages that drive kernels directly (a
 * training loop's resident buffers, an optimizer's fused update). Users pick and configure kernels from the
 * main entry (`useKernels`, `initKernels`, `kernelInfo`, …); this entry is the `Kernels` interface itself,
 * its JavaScript reference, and the raw-array functions that run on the active kernels.
 *
 * @packageDocumentation
 */

export {
  convolutionForwardByGemm,
  convolutionInputGradientByGemm,
  convolutionWeightsGradientByGemm,
} from "./convolution-by-gemm.js";
export { denseForwardByGemm } from "./dense-forward.js";
export { jsKernels } from "./js-kernels.js";
export type {
  AdamCoefficients,
  BinaryOp,
  BinaryOperand,
  DenseActivation,
  Kernels,
  RowOperand,
  UnaryOp,
  WindowGeometry,
} from "./kernels.js";
export { getKernels, setKernels } from "./registry.js";
export { releaseResident, residentFloat32 } from "./resident.js";
export { adamUpdate, reluGradient, scaledAddFloat32 } from "./training-updates.js";
