// The reference of the convolution members of Kernels: the im2col matrix made in full, then one product.
// Faster backends pack that matrix's panels from the images instead, and must give these bits.

import type { DenseActivation, Kernels, WindowGeometry } from "./kernels.js";

/** Rows `batch·outH·outW` and depth `kh·kw·channels` of the im2col matrix of `g`. */
export function columnsSize(g: WindowGeometry): [rows: number, depth: number] {
  return [g.batch * g.outHeight * g.outWidth, g.kernelHeight * g.kernelWidth * g.channels];
}

function columnsLike(like: Float32Array | Float64Array, g: WindowGeometry): Float32Array | Float64Array {
  const [rows, depth] = columnsSize(g);
  return like instanceof Float32Array ? new Float32Array(rows * depth) : new Float64Array(rows * depth);
}

function columnsOf(
  kernels: Kernels,
  input: Float32Array | Float64Array,
  g: WindowGeometry,
): Float32Array | Float64Array {
  const columns = columnsLike(input, g);
  kernels.imageToColumns(input, g, columns);
  return columns;
}

/**
 * `Kernels.convolutionForward` composed from `imageToColumns` and `kernels.denseForward`:
 * `output = act(im2col(input)·W + bias)`.
 *
 * @example
 * convolutionForwardByGemm(jsKernels, image, geometry, weights, 64, bias, "relu", output);
 */
export function convolutionForwardByGemm(
  kernels: Kernels,
  input: Float32Array | Float64Array,
  g: WindowGeometry,
  weights: Float32Array | Float64Array,
  outChannels: number,
  bias: Float32Array | Float64Array | null,
  activation: DenseActivation,
  output: Float32Array | Float64Array,
): void {
  const [rows, depth] = columnsSize(g);
  if (rows === 0 || outChannels === 0) return;
  const columns = columnsOf(kernels, input, g);
  kernels.denseForward(false, false, rows, outChannels, depth, columns, weights, bias, activation, output);
}

/**
 * `Kernels.convolutionWeightsGradient` composed from `imageToColumns` and `kernels.gemm`:
 * `weightsGradient = im2col(input)ᵀ·g`.
 *
 * @example
 * convolutionWeightsGradientByGemm(jsKernels, image, geometry, cotangent, 64, weightsGradient);
 */
export function convolutionWeightsGradientByGemm(
  kernels: Kernels,
  input: Float32Array | Float64Array,
  g: WindowGeometry,
  cotangent: Float32Array | Float64Array,
  outChannels: number,
  weightsGradient: Float32Array | Float64Array,
): void {
  const [rows, depth] = columnsSize(g);
  if (depth === 0 || outChannels === 0) return;
  const columns = columnsOf(kernels, input, g);
  kernels.gemm(true, false, depth, outChannels, rows, 1, columns, cotangent, 0, weightsGradient);
}

/**
 * `Kernels.convolutionInputGradient` composed from `kernels.gemm` and `kernels.columnsToImage`:
 * `image += col2im(g·Wᵀ)`.
 *
 * @example
 * convolutionInputGradientByGemm(jsKernels, cotangent, geometry, weights, 64, imageGradient);
 */
export function convolutionInputGradientByGemm(
  kernels: Kernels,
  cotangent: Float32Array | Float64Array,
  g: WindowGeometry,
  weights: Float32Array | Float64Array,
  outChannels: number,
  image: Float32Array | Float64Array,
): void {
  const [rows, depth] = columnsSize(g);
  if (rows === 0 || depth === 0) return;
  const columns = columnsLike(image, g);
  kernels.gemm(false, true, rows, depth, outChannels, 1, cotangent, weights, 0, columns);
  kernels.columnsToImage(columns, g, image);
}
