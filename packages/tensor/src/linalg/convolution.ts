import type { FloatDType, Tensor as TensorLike } from "@descent/spec";
import { allocate, resultDType } from "../core/dtype.js";
import { formatShape, ShapeError, ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { assertTensorLike } from "../core/tensor-like.js";
import { describe, readOptions } from "../creation/validate.js";
import type { WindowGeometry } from "../kernels/kernels.js";
import { getKernels } from "../kernels/registry.js";
import {
  activationCotangent,
  allocated,
  assertActivation,
  assertAllocator,
  dataIn,
  type GradientAllocator,
  intermediateAllocator,
  type LinearActivation,
  readBackwardOptions,
  resultArray,
  zeroedResultArray,
} from "./linear.js";
import { type Padding, windowGeometry } from "./windows.js";

/** Options of {@link convolution2d}. */
export interface Convolution2dOptions {
  /** Step of the window, one number or `[height, width]`. Default 1. */
  readonly strides?: number | readonly [number, number];
  /** `"valid"` (default: only full windows) or `"same"` (zero padding so `out = ⌈in / stride⌉`). */
  readonly padding?: Padding;
  /** Added to every output pixel, shape `[outChannels]`. Default: none. */
  readonly bias?: TensorLike;
  /** Applied after the bias. Default `"none"`. */
  readonly activation?: LinearActivation;
  /**
   * Where the result's array comes from (contents arbitrary: every element is written), e.g. a training
   * step's scratch arrays that are reused once the step ends. Default: a new array.
   */
  readonly allocate?: GradientAllocator;
}

/** Arguments of {@link convolution2dBackward}: the forward's operands, options and result, and what to differentiate. */
export interface Convolution2dBackwardOptions {
  /** The forward's images `x`, `[batch, height, width, inChannels]`. */
  readonly input: TensorLike;
  /** The forward's kernel, `[kh, kw, inChannels, outChannels]`. */
  readonly weights: TensorLike;
  /** The forward's result `y`: required with `activation: "relu"` (its mask is `y > 0`). */
  readonly output?: TensorLike;
  /** `∂L/∂y`, the shape of the forward's result. */
  readonly cotangent: TensorLike;
  /** The forward's strides. Default 1. */
  readonly strides?: number | readonly [number, number];
  /** The forward's padding. Default `"valid"`. */
  readonly padding?: Padding;
  /** The forward's activation. Default `"none"`. */
  readonly activation?: LinearActivation;
  /** Whether the forward had a bias (then `∂b` is returned). */
  readonly bias: boolean;
  /** Whether to compute `∂x` (false for data, whose gradient nobody reads: one GEMM and a col2im fewer). */
  readonly inputGradient: boolean;
  /** Arrays for `∂W` and `∂b`, e.g. a training step's pool. Default: new arrays. */
  readonly allocate?: GradientAllocator;
  /**
   * Arrays for the masked cotangent `g'` (with relu) and `∂x` (contents arbitrary: `g'` is written whole and
   * `∂x` zeroed before col2im adds into it), e.g. a training step's scratch arrays. Default: new arrays.
   */
  readonly allocateIntermediate?: GradientAllocator;
}

/** The gradients {@link convolution2dBackward} returns, each the shape of its operand. */
export interface Convolution2dGradients {
  /** `∂L/∂x`, when `inputGradient` was asked for. */
  readonly input?: Tensor;
  /** `∂L/∂W`. */
  readonly weights: Tensor;
  /** `∂L/∂b`, when the forward had a bias. */
  readonly bias?: Tensor;
}

function stridePair(op: string, label: string, value: unknown): [number, number] {
  const pair = typeof value === "number" ? [value, value] : Array.isArray(value) ? value : [];
  if (pair.length !== 2 || !pair.every((size) => Number.isSafeInteger(size) && size >= 1)) {
    throw new ValueError(op, `${label} is ${describe(value)}: use a positive integer or [height, width]`);
  }
  return [pair[0], pair[1]];
}

/** The window geometry of the forward, after checking `x` `[n, h, w, in]` against `weights` `[kh, kw, in, out]`. */
function geometryOf(
  op: string,
  x: TensorLike,
  weights: TensorLike,
  strides: unknown,
  padding: unknown,
): WindowGeometry {
  const name = op === "convolution2d" ? "" : "options.";
  if (weights.shape.length !== 4) {
    throw new ShapeError(
      op,
      `${name}weights ${formatShape(weights.shape)} is not a kernel: pass weights of shape [kh, kw, inChannels, outChannels]`,
    );
  }
  if (x.shape.length !== 4 || x.shape[3] !== weights.shape[2]) {
    throw new ShapeError(
      op,
      `${name}${op === "convolution2d" ? "x" : "input"} ${formatShape(x.shape)} does not fit weights ${formatShape(weights.shape)}: pass NHWC images [batch, height, width, ${weights.shape[2]}]`,
    );
  }
  if (padding !== undefined && padding !== "valid" && padding !== "same") {
    throw new ValueError(op, `options.padding is ${describe(padding)}: use "valid" or "same"`);
  }
  const kernel: [number, number] = [weights.shape[0]!, weights.shape[1]!];
  return windowGeometry(
    op,
    x.shape,
    kernel,
    stridePair(op, "options.strides", strides ?? 1),
    padding ?? "valid",
  );
}

function outputShape(g: WindowGeometry, outChannels: number): number[] {
  return [g.batch, g.outHeight, g.outWidth, outChannels];
}

/**
 * A 2-D convolution (cross-correlation) over NHWC images: `y = act(conv(x, W) + b)` for `x`
 * `[batch, height, width, in]`, `W` `[kh, kw, in, out]`, `b` `[out]`, giving `[batch, outH, outW, out]`.
 * One product of the im2col matrix of `x` with `W` read as `[kh·kw·in, out]`, with the bias and activation
 * in its epilogue (`Kernels.convolutionForward`: the WebAssembly kernels pack the matrix's panels straight
 * from the images, so the matrix is never made; the bits are those of `imageToColumns` then `linear`).
 *
 * `y[n, i, j, o] = act(b[o] + Σ_{ky, kx, c} x[n, i·sh + ky − pt, j·sw + kx − pl, c] · W[ky, kx, c, o])`
 *
 * @throws {@link ShapeError} when `x` is not NHWC with `W`'s input channels, `W` is not 4-D, or `bias` is not
 *   `[out]`; {@link ValueError} for a bad stride, padding, activation or option (or a "valid" window larger
 *   than the image).
 * @example
 * ```ts
 * convolution2d(images, kernel, { bias, activation: "relu" }); // [64, 13, 13, 32] ⊛ [3, 3, 32, 64] → [64, 11, 11, 64]
 * ```
 */
export function convolution2d(
  x: TensorLike,
  weights: TensorLike,
  options: Convolution2dOptions = {},
): Tensor {
  const op = "convolution2d";
  assertTensorLike(op, x, "x");
  assertTensorLike(op, weights, "weights");
  const given = readOptions(op, options, ["strides", "padding", "bias", "activation", "allocate"]);
  const { bias, activation = "none" } = given;
  if (bias !== undefined) assertTensorLike(op, bias, "options.bias");
  assertActivation(op, "options.activation", activation);
  assertAllocator(op, "allocate", given.allocate);
  const g = geometryOf(op, x, weights, given.strides, given.padding);
  const outChannels = weights.shape[3]!;
  if (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== outChannels)) {
    throw new ShapeError(
      op,
      `options.bias ${formatShape(bias.shape)} does not fit weights ${formatShape(weights.shape)}: the bias has one entry per output channel, shape [${outChannels}]`,
    );
  }
  const dtype = resultDType(x.dtype, weights.dtype, ...(bias ? [bias.dtype] : []));
  const shape = outputShape(g, outChannels);
  const length = g.batch * g.outHeight * g.outWidth * outChannels;
  const output = resultArray(op, given.allocate, dtype, length);
  if (output.length > 0) {
    getKernels().convolutionForward(
      dataIn(x, dtype),
      g,
      dataIn(weights, dtype),
      outChannels,
      bias ? dataIn(bias, dtype) : null,
      activation,
      output,
    );
  }
  return new Tensor(output, shape);
}

/**
 * The vector-Jacobian product of {@link convolution2d}: given `g = ∂L/∂y`, the gradients of its operands.
 * With relu, `g` is first masked by the result (`g ⊙ [y > 0]`) in one pass that also sums `∂b`; `∂W` is one
 * product with the im2col matrix of `x` (`Kernels.convolutionWeightsGradient`, which need not make it); `∂x`
 * (only when asked for) is `g'·Wᵀ` added back onto the windows by col2im.
 *
 * `g' = g ⊙ act'(y)`, `∂W = colsᵀ·g'`, `∂b = Σ g'`, `∂x = col2im(g'·Wᵀ)`
 *
 * @throws {@link ShapeError} when the shapes do not match a forward of `convolution2d(input, weights, …)`;
 *   {@link ValueError} when `output` is missing with relu, a flag is not a boolean, or `allocate` (or
 *   `allocateIntermediate`) returns an array of the wrong type or length.
 * @example
 * ```ts
 * const y = convolution2d(x, weights, { bias, activation: "relu" });
 * const { weights: dW, bias: db } = convolution2dBackward({
 *   input: x, weights, output: y, cotangent: g, activation: "relu", bias: true, inputGradient: false,
 * });
 * ```
 */
export function convolution2dBackward(options: Convolution2dBackwardOptions): Convolution2dGradients {
  const op = "convolution2dBackward";
  const given = readBackwardOptions(op, options, ["strides", "padding"]);
  const { input, weights, output, cotangent, activation = "none", bias, inputGradient } = given;
  const g = geometryOf(op, input, weights, given.strides, given.padding);
  const outChannels = weights.shape[3]!;
  const expected = outputShape(g, outChannels);
  for (const [label, value] of [
    ["options.cotangent", cotangent],
    ["options.output", output],
  ] as const) {
    if (value === undefined) continue;
    assertTensorLike(op, value, label);
    if (value.shape.length !== 4 || value.shape.some((size, axis) => size !== expected[axis])) {
      throw new ShapeError(
        op,
        `${label} ${formatShape(value.shape)} is not the forward's result shape ${formatShape(expected)}: pass the y of convolution2d(input, weights, …) and ∂L/∂y of the same shape`,
      );
    }
  }
  const relu = activation === "relu";
  if (relu && output === undefined) {
    throw new ValueError(op, `options.output is missing: relu's gradient needs the forward's result y`);
  }

  const dtype: FloatDType = resultDType(input.dtype, weights.dtype, cotangent.dtype);
  const take = given.allocate ?? ((wanted: FloatDType, length: number) => allocate(wanted, length, op));
  const takeIntermediate = intermediateAllocator(op, given.allocateIntermediate);
  const biasGradient = bias ? zeroedResultArray(op, given.allocate, dtype, outChannels) : null;
  const kernels = getKernels();
  const gradient = activationCotangent(
    cotangent,
    relu ? output! : null,
    biasGradient,
    outChannels,
    dtype,
    takeIntermediate,
  );
  const x = dataIn(input, dtype);
  const depth = g.kernelHeight * g.kernelWidth * g.channels;
  const weightsGradient = allocated(op, take, dtype, depth * outChannels);
  kernels.convolutionWeightsGradient(x, g, gradient, outChannels, weightsGradient);
  let inputGradientTensor: Tensor | undefined;
  if (inputGradient) {
    // col2im adds into ∂x: an allocator's array has arbitrary contents.
    const image = zeroedResultArray(
      op,
      given.allocateIntermediate,
      dtype,
      x.length,
      "options.allocateIntermediate",
    );
    kernels.convolutionInputGradient(gradient, g, dataIn(weights, dtype), outChannels, image);
    inputGradientTensor = new Tensor(image, input.shape);
  }
  return {
    ...(inputGradientTensor ? { input: inputGradientTensor } : {}),
    weights: new Tensor(weightsGradient, weights.shape),
    ...(biasGradient ? { bias: new Tensor(biasGradient, [outChannels]) } : {}),
  };
}
