// The window kernels of convolution and pooling (Kernels.imageToColumns, columnsToImage, maxPoolForward,
// maxPoolBackward) in plain JavaScript: the reference, moved here from @descent/nn so they run on the one
// backend interface. NHWC makes every window row one contiguous run of kw·channels values.

import type { WindowGeometry } from "./kernels.js";

/** `Kernels.imageToColumns` in JavaScript: `columns[(n, oy, ox), (ky, kx, c)] = input[n, oy·sh + ky − pt, ox·sw + kx − pl, c]`. */
export function imageToColumnsByLoops(
  input: Float32Array | Float64Array,
  g: WindowGeometry,
  columns: Float32Array | Float64Array,
): void {
  const { height, width, channels, kernelHeight, kernelWidth, outHeight, outWidth } = g;
  const rowLength = kernelHeight * kernelWidth * channels;
  const span = kernelWidth * channels;
  let row = 0;
  for (let n = 0; n < g.batch; n++) {
    const image = n * height * width * channels;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, row++) {
        const rowStart = row * rowLength;
        const top = oy * g.strideHeight - g.padTop;
        const left = ox * g.strideWidth - g.padLeft;
        for (let ky = 0; ky < kernelHeight; ky++) {
          const y = top + ky;
          const target = rowStart + ky * span;
          if (y < 0 || y >= height) {
            columns.fill(0, target, target + span);
            continue;
          }
          if (left >= 0 && left + kernelWidth <= width) {
            const source = image + (y * width + left) * channels;
            // `set` pays a call and a subarray; short runs copy faster element by element.
            if (span >= 64) columns.set(input.subarray(source, source + span), target);
            else for (let i = 0; i < span; i++) columns[target + i] = input[source + i]!;
            continue;
          }
          for (let kx = 0; kx < kernelWidth; kx++) {
            const x = left + kx;
            const cell = target + kx * channels;
            if (x < 0 || x >= width) {
              columns.fill(0, cell, cell + channels);
              continue;
            }
            const source = image + (y * width + x) * channels;
            for (let c = 0; c < channels; c++) columns[cell + c] = input[source + c]!;
          }
        }
      }
    }
  }
}

/** `Kernels.columnsToImage` in JavaScript: `image[n, y, x, c] +=` each column entry read from there, in row order. */
export function columnsToImageByLoops(
  columns: Float32Array | Float64Array,
  g: WindowGeometry,
  image: Float32Array | Float64Array,
): void {
  const { height, width, channels, kernelHeight, kernelWidth, outHeight, outWidth } = g;
  const rowLength = kernelHeight * kernelWidth * channels;
  let row = 0;
  for (let n = 0; n < g.batch; n++) {
    const first = n * height * width * channels;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, row++) {
        const rowStart = row * rowLength;
        const top = oy * g.strideHeight - g.padTop;
        const left = ox * g.strideWidth - g.padLeft;
        for (let ky = 0; ky < kernelHeight; ky++) {
          const y = top + ky;
          if (y < 0 || y >= height) continue;
          for (let kx = 0; kx < kernelWidth; kx++) {
            const x = left + kx;
            if (x < 0 || x >= width) continue;
            const cell = rowStart + (ky * kernelWidth + kx) * channels;
            const target = first + (y * width + x) * channels;
            for (let c = 0; c < channels; c++) image[target + c]! += columns[cell + c]!;
          }
        }
      }
    }
  }
}

/** `Kernels.maxPoolForward` in JavaScript: per channel, the window's max in (y, x) order, NaN winning, first on ties. */
export function maxPoolForwardByLoops(
  input: Float32Array | Float64Array,
  g: WindowGeometry,
  output: Float32Array | Float64Array,
  argmax: Int32Array,
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
        // Channels innermost: every window cell is one contiguous run of channels (NHWC). Each channel still
        // compares its cells in (y, x) order, so winners and ties are those of a per-channel scan.
        const first = image + (yStart * width + xStart) * channels;
        for (let c = 0; c < channels; c++) {
          output[index + c] = input[first + c]!;
          argmax[index + c] = first + c;
        }
        for (let y = yStart; y < yEnd; y++) {
          for (let x = y === yStart ? xStart + 1 : xStart; x < xEnd; x++) {
            const cell = image + (y * width + x) * channels;
            for (let c = 0; c < channels; c++) {
              const value = input[cell + c]!;
              const best = output[index + c]!;
              // NaN wins so a non-finite input stays visible downstream.
              if (value > best || (Number.isNaN(value) && !Number.isNaN(best))) {
                output[index + c] = value;
                argmax[index + c] = cell + c;
              }
            }
          }
        }
        index += channels;
      }
    }
  }
}

/**
 * `Kernels.maxPoolBackward` in JavaScript: `gradient[argmax[i]] += cotangent[i]` in order, skipping (and
 * reporting) a winner outside the gradient.
 */
export function maxPoolBackwardByLoop(
  cotangent: Float32Array | Float64Array,
  argmax: Int32Array,
  gradient: Float32Array | Float64Array,
): boolean {
  const length = gradient.length;
  let inside = true;
  for (let i = 0; i < cotangent.length; i++) {
    const index = argmax[i]!;
    // Unsigned, a negative index is past the end too.
    if (index >>> 0 >= length) {
      inside = false;
      continue;
    }
    gradient[index]! += cotangent[i]!;
  }
  return inside;
}
