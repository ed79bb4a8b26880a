/**
 * `@descent/tensor`: dense float32/float64 tensors, their math, and the choice of kernels that make it fast
 * (the kernel level itself — the `Kernels` interface, `jsKernels`, resident arrays — is `@descent/tensor/kernels`).
 *
 * @packageDocumentation
 */

export type { DataArray, DType, FloatDType, Shape } from "@descent/spec";
export { describeValue } from "./core/describe.js";
export { allocate, assertDType, DEFAULT_DTYPE, dtypeOf, resultDType } from "./core/dtype.js";
export { DescentError, DTypeError, formatShape, ShapeError, ValueError } from "./core/errors.js";
export {
  assertValidShape,
  broadcastShapes,
  MAX_TENSOR_ELEMENTS,
  normalizeAxis,
  shapesEqual,
  sizeOf,
  stridesOf,
} from "./core/shape.js";
export { type NestedArray, Tensor, type TensorConstructor } from "./core/tensor.js";
export { assertAnyTensorLike, assertTensorLike } from "./core/tensor-like.js";
export * from "./creation/index.js";
export * from "./elementwise/index.js";
export { type FormatOptions, formatTensor } from "./format/format.js";
export {
  decodeJson,
  encodeJson,
  type JsonDecodeOptions,
  type JsonEncodeOptions,
  type JsonValue,
  MAX_JSON_DEPTH,
} from "./format/json-codec.js";
export {
  availableKernels,
  type InitKernelsOptions,
  initKernels,
  type KernelInfo,
  type KernelName,
  kernelInfo,
  kernelMemoryBytes,
  setThreadCount,
  useKernels,
} from "./kernels/registry.js";
export * from "./linalg/index.js";
export * from "./random/index.js";
export * from "./reductions/index.js";
export * from "./shape-ops/index.js";
export * from "./tree/index.js";
