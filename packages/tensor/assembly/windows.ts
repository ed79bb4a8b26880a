// Max pooling forward over NHWC, four channels at a time. Each lane compares its channel's window cells in
// (y, x) order exactly as the JavaScript reference (src/kernels/js-windows.ts): a cell wins when it is
// greater, or when it is NaN and the best so far is not; the winner is selected bit for bit (no arithmetic),
// so values and argmax indices are the reference's. Why here: the JavaScript loop branches on every compare
// (~6 ns per input element measured); the lane select has no branch.
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
          let best = v128.load(input + (<usize>(first + c) << 2));
          let winner = i32x4.add(i32x4.splat(first + c), laneOffsets);
          for (let y = yStart; y < yEnd; y++) {
            for (let x = y === yStart ? xStart + 1 : xStart; x < xEnd; x++) {
              const cell = image + (y * width + x) * channels + c;
              const value = v128.load(input + (<usize>cell << 2));
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
