import type { Shape } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { describe } from "../layers/validate.js";

/** Throws unless `shape` is an array of non-negative integer sizes with a safe-integer product; returns the product. */
export function checkShape(op: string, shape: unknown): number {
  let size = Array.isArray(shape) ? 1 : -1;
  if (Array.isArray(shape)) {
    for (const dimension of shape) {
      if (typeof dimension !== "number" || !Number.isSafeInteger(dimension) || dimension < 0) size = -1;
      else if (size >= 0) size *= dimension;
    }
  }
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new ValueError(
      op,
      `shape is ${Array.isArray(shape) ? `[${shape.map(describe).join(", ")}]` : describe(shape)}: pass an array of non-negative integer sizes such as [784, 128]`,
    );
  }
  return size;
}

/** Fan-in and fan-out of a weight tensor. */
export interface Fans {
  /** Inputs feeding each output unit (times the receptive field for convolutions). */
  readonly fanIn: number;
  /** Output units each input feeds (times the receptive field for convolutions). */
  readonly fanOut: number;
}

/**
 * Fans of a weight tensor laid out as descent's layers store weights, inputs before outputs:
 * dense `[in, out]` → `(in, out)`; conv2d `[kh, kw, inChannels, outChannels]` → `(kh·kw·in, kh·kw·out)`
 * (the receptive field multiplies both, as TensorFlow and PyTorch). A vector `[n]` has `(n, n)`; a scalar `(1, 1)`.
 *
 * @example computeFans([784, 128]) // { fanIn: 784, fanOut: 128 }
 */
export function computeFans(shape: Shape): Fans {
  checkShape("computeFans", shape);
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  let receptiveField = 1;
  for (let axis = 0; axis < shape.length - 2; axis++) receptiveField *= shape[axis]!;
  return {
    fanIn: shape[shape.length - 2]! * receptiveField,
    fanOut: shape[shape.length - 1]! * receptiveField,
  };
}
