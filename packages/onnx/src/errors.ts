import { DescentError } from "@descent/tensor";

/**
 * A layer or activation that ONNX export cannot express, or cannot express exactly (a custom layer type, an
 * activation object outside `@descent/activations`' registry, an axis activation inside a channels-first
 * stretch): the message names the layer (its parameter-tree name), what it is, and why.
 *
 * @example
 * try {
 *   exportOnnx(model, params);
 * } catch (error) {
 *   if (error instanceof UnsupportedLayerError) console.log(error.layer, error.reason);
 * }
 */
export class UnsupportedLayerError extends DescentError {
  /** The layer's name in the model (`dense_1`, `activation_2`, or the name the user gave it). */
  readonly layer: string;
  /** Why it cannot be exported, and what to do instead. */
  readonly reason: string;
  constructor(op: string, layer: string, reason: string) {
    super(op, `layer "${layer}" cannot be exported: ${reason}`);
    this.name = "UnsupportedLayerError";
    this.layer = layer;
    this.reason = reason;
  }
}
