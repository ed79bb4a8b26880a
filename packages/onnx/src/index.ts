/**
 * ONNX export for descent: a `sequential` model and its parameters as an ONNX `ModelProto`, checked in
 * onnxruntime against `predict`.
 *
 * @packageDocumentation
 */
export { exportableActivations } from "./activations.js";
export { UnsupportedLayerError } from "./errors.js";
export { type ExportOnnxOptions, exportOnnx } from "./export.js";
export { exportableLayers } from "./layers.js";
export { type OnnxDescriptor, onnxDescriptor } from "./schema.js";
