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

/**
 * A short, never-throwing description of any value for error messages: numbers and strings as written,
 * `3n`, `[4,4,1]`, `an object`, `a function` (no `JSON.stringify`, which throws on BigInt and cycles).
 *
 * @example
 * describe([4, 4, 1]); // "[4,4,1]"
 * describe(10n); // "10n"
 */
export function describe(value: unknown, depth = 0): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case "number":
    case "boolean":
    case "undefined":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    default:
      if (value === null) return "null";
      if (Array.isArray(value)) {
        if (depth > 0) return "an array";
        const shown = value.slice(0, 8).map((item) => describe(item, depth + 1));
        return `[${shown.join(",")}${value.length > 8 ? ",…" : ""}]`;
      }
      return "an object";
  }
}
