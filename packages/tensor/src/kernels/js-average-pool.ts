// Average pooling (Kernels.averagePoolForward, averagePoolBackward) in plain JavaScript: the reference the
// module's lanes (assembly/average-pool.ts) reproduce bit for bit. The bits are pinned by writing every partial
// sum and every share into an array of the output's type, so float32 work rounds after each add exactly as an
// f32 lane does.

import type { WindowGeometry } from "./kernels.js";

/**
 * The cells of a window inside the image (padding excluded): `rows × columns` of the clipped window, as a
 * divisor of the output's type (float32 rounds it, as the module's `f32` does; it is exact below 2²⁴).
 */
function divisor(rows: number, columns: number, output: Float32Array | Float64Array): number {
  return output instanceof Float32Array ? Math.fround(rows * columns) : rows * columns;
}

/**
 * `Kernels.averagePoolForward` in JavaScript: per channel, the window's cells inside the image summed in
 * (y, x) order (each partial sum stored in `output`'s type), then divided once by their count.
 */
export function averagePoolForwardByLoops(
  input: Float32Array | Float64Array,
  g: WindowGeometry,
  output: Float32Array | Float64Array,
): void {
  const { height, width, channels, outHeight, outWidth } = g;
  let index = 0;
  for (let n = 0; n < g.batch; n++) {
    const image = n * height * width * channels;
    for (let oy = 0; oy < outHeight; oy++) {
      const top = oy * g.strideHeight - g.padTop;
      const yStart = Math.max(top, 0);
      const yEnd = Math.min(top + g.kernelHeight, height);
      for (let ox = 0; ox < outWidth; ox++) {
        const left = ox * g.strideWidth - g.padLeft;
        const xStart = Math.max(left, 0);
        const xEnd = Math.min(left + g.kernelWidth, width);
        // Channels innermost (NHWC): each cell is one contiguous run; every channel still adds in (y, x) order.
        const first = image + (yStart * width + xStart) * channels;
        for (let c = 0; c < channels; c++) output[index + c] = input[first + c]!;
        for (let y = yStart; y < yEnd; y++) {
          for (let x = y === yStart ? xStart + 1 : xStart; x < xEnd; x++) {
            const cell = image + (y * width + x) * channels;
            for (let c = 0; c < channels; c++) output[index + c]! += input[cell + c]!;
          }
        }
        const count = divisor(yEnd - yStart, xEnd - xStart, output);
        for (let c = 0; c < channels; c++) output[index + c]! /= count;
        index += channels;
      }
    }
  }
}

/**
 * `Kernels.averagePoolBackward` in JavaScript, accumulating: for each output in order, its share
 * `cotangent / count` (rounded to `gradient`'s type) is added to every cell of its window inside the image, in
 * (y, x) order.
 */
export function averagePoolBackwardByLoops(
  cotangent: Float32Array | Float64Array,
  g: WindowGeometry,
  gradient: Float32Array | Float64Array,
): void {
  const { height, width, channels, outHeight, outWidth } = g;
  const shares = gradient instanceof Float32Array ? new Float32Array(channels) : new Float64Array(channels);
  let index = 0;
  for (let n = 0; n < g.batch; n++) {
    const image = n * height * width * channels;
    for (let oy = 0; oy < outHeight; oy++) {
      const top = oy * g.strideHeight - g.padTop;
      const yStart = Math.max(top, 0);
      const yEnd = Math.min(top + g.kernelHeight, height);
      for (let ox = 0; ox < outWidth; ox++) {
        const left = ox * g.strideWidth - g.padLeft;
        const xStart = Math.max(left, 0);
        const xEnd = Math.min(left + g.kernelWidth, width);
        const count = divisor(yEnd - yStart, xEnd - xStart, gradient);
        for (let c = 0; c < channels; c++) shares[c] = cotangent[index + c]! / count;
        for (let y = yStart; y < yEnd; y++) {
          for (let x = xStart; x < xEnd; x++) {
            const cell = image + (y * width + x) * channels;
            for (let c = 0; c < channels; c++) gradient[cell + c]! += shares[c]!;
          }
        }
        index += channels;
      }
    }
  }
}
