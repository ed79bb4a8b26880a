import type { FloatDType, Tensor as TensorLike } from "@descent/spec";
import { allocate } from "../core/dtype.js";
import { DTypeError, formatShape, ShapeError, ValueError } from "../core/errors.js";
import { sizeOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { assertTensorLike } from "../core/tensor-like.js";
import { readOptions } from "../creation/validate.js";
import type { WindowGeometry } from "../kernels/kernels.js";
import { getKernels } from "../kernels/registry.js";
import {
  allocated,
  assertAllocator,
  type GradientAllocator,
  resultArray,
  zeroedResultArray,
} from "./linear.js";

export type { WindowGeometry } from "../kernels/kernels.js";

/** How a sliding window treats the border: `"valid"` keeps only full windows, `"same"` pads so `out = ⌈in / stride⌉`. */
export type Padding = "valid" | "same";

/**
 * Output size and padding before the first element of a window along one axis, as TensorFlow:
 * `"valid"`: `⌊(in − k) / s⌋ + 1` and 0; `"same"`: `⌈in / s⌉` and half (rounded down) of
 * `max((out − 1)·s + k − in, 0)`.
 *
 * @throws {@link ValueError} when a `"valid"` window is larger than the input, or for another padding.
 * @example
 * ```ts
 * windowAxis("conv2d", 28, 3, 1, "valid"); // [26, 0]
 * ```
 */
export function windowAxis(
  op: string,
  size: number,
  kernel: number,
  stride: number,
  padding: Padding,
): [number, number] {
  if (padding === "valid") {
    if (size < kernel) {
      throw new ValueError(
        op,
        `input size ${size} is smaller than the window ${kernel} with padding "valid": use padding "same" or a smaller window`,
      );
    }
    return [Math.floor((size - kernel) / stride) + 1, 0];
  }
  if (padding !== "same")
    throw new ValueError(op, `padding ${JSON.stringify(padding)}: use "valid" or "same"`);
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [out, Math.floor(total / 2)];
}

/**
 * The window geometry of `kernel` `[kh, kw]` moved by `stride` `[sh, sw]` over NHWC images of `inputShape`
 * `[batch, height, width, channels]` (each axis by {@link windowAxis}).
 *
 * @example
 * ```ts
 * windowGeometry("maxPool2d", [64, 26, 26, 32], [2, 2], [2, 2], "valid").outHeight; // 13
 * ```
 */
export function windowGeometry(
  op: string,
  inputShape: readonly number[],
  kernel: readonly [number, number],
  stride: readonly [number, number],
  padding: Padding,
): WindowGeometry {
  if (inputShape.length !== 4) {
    throw new ShapeError(
      op,
      `input ${formatShape(inputShape)} does not fit: expected NHWC images [batch, height, width, channels]`,
    );
  }
  const [batch, height, width, channels] = inputShape as [number, number, number, number];
  const [outHeight, padTop] = windowAxis(op, height, kernel[0], stride[0], padding);
  const [outWidth, padLeft] = windowAxis(op, width, kernel[1], stride[1], padding);
  return {
    batch,
    height,
    width,
    channels,
    kernelHeight: kernel[0],
    kernelWidth: kernel[1],
    strideHeight: stride[0],
    strideWidth: stride[1],
    outHeight,
    outWidth,
    padTop,
    padLeft,
  };
}

/** The float dtype of `x`, after checking that it has `shape`. */
export function floatDType(op: string, x: TensorLike, label: string, shape: readonly number[]): FloatDType {
  assertTensorLike(op, x, label);
  if (x.dtype !== "float32" && x.dtype !== "float64")
    throw new DTypeError(op, `${label} is ${x.dtype}: use a float32 or float64 tensor`);
  if (x.shape.length !== shape.length || x.shape.some((size, axis) => size !== shape[axis])) {
    throw new ShapeError(
      op,
      `${label} ${formatShape(x.shape)} does not fit the window geometry: expected ${formatShape(shape)}`,
    );
  }
  return x.dtype;
}

/** The data of a tensor already checked to be float (by {@link floatDType}). */
export function floatArray(x: TensorLike): Float32Array | Float64Array {
  return x.data instanceof Int32Array ? Float64Array.from(x.data) : x.data;
}

/** The NHWC shape of the images a geometry slides over. */
export const imageShape = (g: WindowGeometry) => [g.batch, g.height, g.width, g.channels];
const columnsShape = (g: WindowGeometry) => [
  g.batch,
  g.outHeight,
  g.outWidth,
  g.kernelHeight * g.kernelWidth * g.channels,
];
/** The NHWC shape of a pooling's output over a geometry: `[batch, outH, outW, channels]`. */
export const pooledShape = (g: WindowGeometry) => [g.batch, g.outHeight, g.outWidth, g.channels];

/**
 * im2col over NHWC images: every window of `x` becomes one row, `[batch, outH, outW, kh·kw·channels]` in
 * `(ky, kx, c)` order, so a convolution is one {@link linear} with its `[kh, kw, in, out]` kernel read as
 * `[kh·kw·in, out]`. Runs `Kernels.imageToColumns`.
 *
 * `cols[n, oy, ox, (ky, kx, c)] = x[n, oy·sh + ky − pt, ox·sw + kx − pl, c]` (0 in the padding)
 *
 * @throws {@link ShapeError} when `x` is not `[batch, height, width, channels]` of `geometry`.
 * @example
 * ```ts
 * const g = windowGeometry("conv2d", x.shape, [3, 3], [1, 1], "same");
 * const y = linear(imageToColumns(x, g), weightsAsMatrix);
 * ```
 */
export function imageToColumns(x: TensorLike, geometry: WindowGeometry): Tensor {
  const op = "imageToColumns";
  const dtype = floatDType(op, x, "x", imageShape(geometry));
  const shape = columnsShape(geometry);
  const columns = allocate(dtype, sizeOf(shape), op);
  if (columns.length > 0) getKernels().imageToColumns(floatArray(x), geometry, columns);
  return new Tensor(columns, shape);
}

/**
 * col2im, the adjoint of {@link imageToColumns} (its vector-Jacobian product): each row of `columns` is added
 * back onto its window, overlaps summing, into new `[batch, height, width, channels]` images.
 * Runs `Kernels.columnsToImage` on a fresh (zero) array, so no separate clearing pass.
 *
 * `x̄[n, y, x, c] = Σ cols[n, oy, ox, (ky, kx, c)]` over windows with `oy·sh + ky − pt = y`, `ox·sw + kx − pl = x`
 *
 * @throws {@link ShapeError} when `columns` is not `[batch, outH, outW, kh·kw·channels]` of `geometry`.
 * @example
 * ```ts
 * const inputGradient = columnsToImage(columnsGradient, g);
 * ```
 */
export function columnsToImage(columns: TensorLike, geometry: WindowGeometry): Tensor {
  const op = "columnsToImage";
  const dtype = floatDType(op, columns, "columns", columnsShape(geometry));
  const shape = imageShape(geometry);
  const image = allocate(dtype, sizeOf(shape), op);
  if (columns.data.length > 0) getKernels().columnsToImage(floatArray(columns), geometry, image);
  return new Tensor(image, shape);
}

/** Options of {@link maxPool}, {@link maxPoolBackward}, `averagePool` and `averagePoolBackward`. */
export interface PoolOptions {
  /**
   * Where the result arrays come from (contents arbitrary), e.g. a training step's scratch arrays that are
   * reused once the step ends; `maxPool` also takes a float32 array for the winners' indices and reads its
   * bytes as an `Int32Array`. Default: new arrays.
   */
  readonly allocate?: GradientAllocator;
}

/** The allocator of pooling `options` (undefined: new arrays), after checking the options. */
export function poolAllocator(op: string, options: PoolOptions): GradientAllocator | undefined {
  const { allocate: take } = readOptions(op, options, ["allocate"]);
  assertAllocator(op, "allocate", take);
  return take;
}

function int32View(array: Float32Array | Float64Array): Int32Array {
  return new Int32Array(array.buffer, array.byteOffset, array.length);
}

/** What {@link maxPool} returns: the pooled images and, per output, the flat input index of its winner. */
export interface MaxPoolResult {
  /** `[batch, outH, outW, channels]`. */
  readonly output: Tensor;
  /** Flat index into the input of each output's winner, for {@link maxPoolBackward}. */
  readonly argmax: Int32Array;
}

/**
 * Max pooling over NHWC images, per channel: `y[n, i, j, c] = max_{ky, kx} x[n, i·sh + ky − pt, j·sw + kx − pl, c]`
 * (padding never wins; NaN wins so it stays visible; the first cell in (y, x) order wins ties), with the
 * winners' indices. Runs `Kernels.maxPoolForward`.
 *
 * @throws {@link ShapeError} when `x` is not `[batch, height, width, channels]` of `geometry`.
 * @example
 * ```ts
 * const { output, argmax } = maxPool(x, windowGeometry("maxPool2d", x.shape, [2, 2], [2, 2], "valid"));
 * ```
 */
export function maxPool(x: TensorLike, geometry: WindowGeometry, options: PoolOptions = {}): MaxPoolResult {
  const op = "maxPool";
  const dtype = floatDType(op, x, "x", imageShape(geometry));
  const take = poolAllocator(op, options);
  const shape = pooledShape(geometry);
  const size = sizeOf(shape);
  const output = resultArray(op, take, dtype, size);
  // The winners' indices take the bytes of a float32 array of the same length from the allocator (4 bytes
  // each, every one written by the kernel), so one allocator serves both arrays.
  const argmax = take === undefined ? new Int32Array(size) : int32View(allocated(op, take, "float32", size));
  if (size > 0) getKernels().maxPoolForward(floatArray(x), geometry, output, argmax);
  return { output: new Tensor(output, shape), argmax };
}

/**
 * The vector-Jacobian product of {@link maxPool}: each output's gradient goes to its winner, summed where one
 * input wins several windows: `x̄[argmax[i]] += ȳ[i]` in order. Runs `Kernels.maxPoolBackward`.
 *
 * @throws {@link ShapeError} when `cotangent` is not the pooled shape of `geometry` or `argmax` not its size.
 * @example
 * ```ts
 * const inputGradient = maxPoolBackward(outputGradient, argmax, g);
 * ```
 */
export function maxPoolBackward(
  cotangent: TensorLike,
  argmax: Int32Array,
  geometry: WindowGeometry,
  options: PoolOptions = {},
): Tensor {
  const op = "maxPoolBackward";
  const dtype = floatDType(op, cotangent, "cotangent", pooledShape(geometry));
  const take = poolAllocator(op, options);
  const outputs = cotangent.data.length;
  if (!(argmax instanceof Int32Array) || argmax.length !== outputs) {
    throw new ShapeError(
      op,
      `argmax has ${argmax?.length} entries for ${outputs} outputs: pass the argmax maxPool returned with this cotangent's output`,
    );
  }
  const shape = imageShape(geometry);
  const size = sizeOf(shape);
  // The kernel adds into the gradient: an allocator's array has arbitrary contents.
  const gradient = zeroedResultArray(op, take, dtype, size);
  // The kernel checks the winners as it scatters (a pass of its own over them cost ~1 ms a CNN step).
  if (outputs > 0 && !getKernels().maxPoolBackward(floatArray(cotangent), argmax, gradient)) {
    throw new ValueError(
      op,
      `argmax holds an index outside the ${size} inputs: pass the argmax maxPool returned`,
    );
  }
  return new Tensor(gradient, shape);
}
