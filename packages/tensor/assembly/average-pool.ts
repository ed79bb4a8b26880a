// Average pooling over NHWC, four channels at a time (the JavaScript reference is
// src/kernels/js-average-pool.ts). Each lane adds its channel's window cells in (y, x) order with one f32
// rounding per add and divides once by the count of cells inside the image, as the reference stores each
// partial sum in a Float32Array; the backward adds one share per output to its cells in the same order.
// Why here: JavaScript adds one channel at a time through float64 and rounds on every store; a lane adds four.
//
// Addresses are bytes; `channels` is a multiple of 4 (the driver sends other counts to JavaScript).

/**
 * output[n, oy, ox, c] = (Σ input over the window's cells inside the image) / their count, for `batch` NHWC
 * images of height × width × channels, windows kernelHeight × kernelWidth moved by strides, padding before.
 */
export function averagePoolForward(
  input: usize,
  output: usize,
  batch: i32,
  height: i32,
  width: i32,
  channels: i32,
  kernelHeight: i32,
  kernelWidth: i32,
  strideHeight: i32,
  strideWidth: i32,
  padTop: i32,
  padLeft: i32,
  outHeight: i32,
  outWidth: i32,
): void {
  let index: usize = 0;
  for (let n = 0; n < batch; n++) {
    const image = n * height * width * channels;
    for (let oy = 0; oy < outHeight; oy++) {
      const top = oy * strideHeight - padTop;
      const yStart = max(top, 0);
      const yEnd = min(top + kernelHeight, height);
      for (let ox = 0; ox < outWidth; ox++) {
        const left = ox * strideWidth - padLeft;
        const xStart = max(left, 0);
        const xEnd = min(left + kernelWidth, width);
        const count = f32x4.splat(<f32>((yEnd - yStart) * (xEnd - xStart)));
        const first = image + (yStart * width + xStart) * channels;
        for (let c = 0; c < channels; c += 4) {
          let sum = v128.load(input + ((<usize>(first + c)) << 2));
          for (let y = yStart; y < yEnd; y++) {
            for (let x = y === yStart ? xStart + 1 : xStart; x < xEnd; x++) {
              const cell = image + (y * width + x) * channels + c;
              sum = f32x4.add(sum, v128.load(input + ((<usize>cell) << 2)));
            }
          }
          v128.store(output + ((index + <usize>c) << 2), f32x4.div(sum, count));
        }
        index += <usize>channels;
      }
    }
  }
}

/**
 * Average pooling backward, accumulating: gradient[cell] += cotangent[output] / count for every cell of each
 * output's window inside the image, outputs in order and cells in (y, x) order.
 */
export function averagePoolBackward(
  cotangent: usize,
  gradient: usize,
  batch: i32,
  height: i32,
  width: i32,
  channels: i32,
  kernelHeight: i32,
  kernelWidth: i32,
  strideHeight: i32,
  strideWidth: i32,
  padTop: i32,
  padLeft: i32,
  outHeight: i32,
  outWidth: i32,
): void {
  let index: usize = 0;
  for (let n = 0; n < batch; n++) {
    const image = n * height * width * channels;
    for (let oy = 0; oy < outHeight; oy++) {
      const top = oy * strideHeight - padTop;
      const yStart = max(top, 0);
      const yEnd = min(top + kernelHeight, height);
      for (let ox = 0; ox < outWidth; ox++) {
        const left = ox * strideWidth - padLeft;
        const xStart = max(left, 0);
        const xEnd = min(left + kernelWidth, width);
        const count = f32x4.splat(<f32>((yEnd - yStart) * (xEnd - xStart)));
        for (let c = 0; c < channels; c += 4) {
          const share = f32x4.div(v128.load(cotangent + ((index + <usize>c) << 2)), count);
          for (let y = yStart; y < yEnd; y++) {
            for (let x = xStart; x < xEnd; x++) {
              const cell = gradient + ((<usize>(image + (y * width + x) * channels + c)) << 2);
              v128.store(cell, f32x4.add(v128.load(cell), share));
            }
          }
        }
        index += <usize>channels;
      }
    }
  }
}
