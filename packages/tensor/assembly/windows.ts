// Window kernels over NHWC, four channels at a time (the JavaScript reference is src/kernels/js-windows.ts).
// Max pooling: each lane compares its channel's window cells in (y, x) order exactly as the JavaScript reference (src/kernels/js-windows.ts): a cell wins when it is
// greater, or when it is NaN and the best so far is not; the winner is selected bit for bit (no arithmetic),
// so values and argmax indices are the reference's. Why here: the JavaScript loop branches on every compare
// (~6 ns per input element measured); the lane select has no branch. col2im: adds four channels per
// instruction where JavaScript adds one (each through float64).
//
// Addresses are bytes; `channels` is a multiple of 4 (the driver sends other counts to JavaScript); argmax
// indices are float offsets from `input`.

/**
 * output[n, oy, ox, c] = max over the window, argmax[…] = its flat input index, for `batch` NHWC images of
 * height × width × channels, windows kernelHeight × kernelWidth moved by strides, with padding before.
 */
export function maxPoolForward(
  input: usize,
  output: usize,
  argmax: usize,
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
  const laneOffsets = i32x4(0, 1, 2, 3);
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
        const first = image + (yStart * width + xStart) * channels;
        for (let c = 0; c < channels; c += 4) {
          let best = v128.load(input + ((<usize>(first + c)) << 2));
          let winner = i32x4.add(i32x4.splat(first + c), laneOffsets);
          for (let y = yStart; y < yEnd; y++) {
            for (let x = y === yStart ? xStart + 1 : xStart; x < xEnd; x++) {
              const cell = image + (y * width + x) * channels + c;
              const value = v128.load(input + ((<usize>cell) << 2));
              const wins = v128.or(
                f32x4.gt(value, best),
                v128.andnot(f32x4.ne(value, value), f32x4.ne(best, best)),
              );
              best = v128.bitselect(value, best, wins);
              winner = v128.bitselect(i32x4.add(i32x4.splat(cell), laneOffsets), winner, wins);
            }
          }
          v128.store(output + ((index + <usize>c) << 2), best);
          v128.store(argmax + ((index + <usize>c) << 2), winner);
        }
        index += <usize>channels;
      }
    }
  }
}

/**
 * col2im, accumulating: image[n, y, x, c] += each columns entry im2col read from there, rows in order and
 * four channels at a time (every lane adds in the reference's order, one float32 rounding per add, as the
 * JavaScript float64 add rounded to float32). The columns are `[batch·outH·outW, kh·kw·channels]`.
 */
export function columnsToImage(
  columns: usize,
  image: usize,
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
  const rowLength = kernelHeight * kernelWidth * channels;
  let row = 0;
  for (let n = 0; n < batch; n++) {
    const first = n * height * width * channels;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, row++) {
        const rowStart = row * rowLength;
        const top = oy * strideHeight - padTop;
        const left = ox * strideWidth - padLeft;
        for (let ky = 0; ky < kernelHeight; ky++) {
          const y = top + ky;
          if (y < 0 || y >= height) continue;
          for (let kx = 0; kx < kernelWidth; kx++) {
            const x = left + kx;
            if (x < 0 || x >= width) continue;
            const cell = columns + ((<usize>(rowStart + (ky * kernelWidth + kx) * channels)) << 2);
            const target = image + ((<usize>(first + (y * width + x) * channels)) << 2);
            for (let c: usize = 0; c < (<usize>channels) << 2; c += 16)
              v128.store(target + c, f32x4.add(v128.load(target + c), v128.load(cell + c)));
          }
        }
      }
    }
  }
}
