import type { Tensor as TensorLike } from "@descent/spec";
import { sizeOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import type { WindowGeometry } from "../kernels/kernels.js";
import { getKernels } from "../kernels/registry.js";
import { resultArray, zeroedResultArray } from "./linear.js";
import {
  floatArray,
  floatDType,
  imageShape,
  type PoolOptions,
  poolAllocator,
  pooledShape,
} from "./windows.js";

/**
 * Average pooling over NHWC images, per channel, padding excluded (as TensorFlow's `avg_pool` with `"same"`):
 * `y[n, i, j, c] = (1 / |W|) Σ_{(y, x) ∈ W} x[n, y, x, c]` where `W` is the window's cells inside the image,
 * rows `i·sh − pt + [0, kh)` and columns `j·sw − pl + [0, kw)` clipped to the image. In float32 the sum runs
 * in (y, x) order rounded after each add, then is divided once by `|W|`, so every backend gives the same bits.
 * Runs `Kernels.averagePoolForward` into a new array, or into `options.allocate`'s.
 *
 * @throws {@link ShapeError} when `x` is not `[batch, height, width, channels]` of `geometry`.
 * @throws {@link DTypeError} when `x` is not float32 or float64.
 * @example
 * ```ts
 * const y = averagePool(x, windowGeometry("avgPool2d", x.shape, [2, 2], [2, 2], "valid")); // [n, h/2, w/2, c]
 * ```
 */
export function averagePool(x: TensorLike, geometry: WindowGeometry, options: PoolOptions = {}): Tensor {
  const op = "averagePool";
  const dtype = floatDType(op, x, "x", imageShape(geometry));
  const take = poolAllocator(op, options);
  const shape = pooledShape(geometry);
  const size = sizeOf(shape);
  // The kernel writes every output: an allocator's array needs no clearing.
  const output = resultArray(op, take, dtype, size);
  if (output.length > 0) getKernels().averagePoolForward(floatArray(x), geometry, output);
  return new Tensor(output, shape);
}

/**
 * The vector-Jacobian product of {@link averagePool}: each output's gradient is shared equally among the
 * cells of its window inside the image, summed where windows overlap:
 * `x̄[n, y, x, c] = Σ_{(i, j) : (y, x) ∈ W(i, j)} ȳ[n, i, j, c] / |W(i, j)|`. In float32 each share is rounded
 * once, then added in output order. Runs `Kernels.averagePoolBackward` on a fresh (zero) array, or on
 * `options.allocate`'s array zeroed first.
 *
 * @throws {@link ShapeError} when `cotangent` is not the pooled shape `[batch, outH, outW, channels]` of `geometry`.
 * @throws {@link DTypeError} when `cotangent` is not float32 or float64.
 * @example
 * ```ts
 * const inputGradient = averagePoolBackward(outputGradient, g); // the shape of the pooled input
 * ```
 */
export function averagePoolBackward(
  cotangent: TensorLike,
  geometry: WindowGeometry,
  options: PoolOptions = {},
): Tensor {
  const op = "averagePoolBackward";
  const dtype = floatDType(op, cotangent, "cotangent", pooledShape(geometry));
  const take = poolAllocator(op, options);
  const shape = imageShape(geometry);
  const size = sizeOf(shape);
  // The kernel adds into the gradient: an allocator's array (contents arbitrary) is zeroed first.
  const gradient = zeroedResultArray(op, take, dtype, size);
  if (cotangent.data.length > 0 && gradient.length > 0)
    getKernels().averagePoolBackward(floatArray(cotangent), geometry, gradient);
  return new Tensor(gradient, shape);
}
