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
  maxPoolImages(
    input,
    output,
    argmax,
    0,
    batch,
    height,
    width,
    channels,
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    padTop,
    padLeft,
    outHeight,
    outWidth,
  );
}

/** maxPoolForward over images firstImage … lastImage − 1 only (a range job's chunk: images are independent). */
export function maxPoolImages(
  input: usize,
  output: usize,
  argmax: usize,
  firstImage: i32,
  lastImage: i32,
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
  let index: usize = <usize>firstImage * <usize>outHeight * <usize>outWidth * <usize>channels;
  for (let n = firstImage; n < lastImage; n++) {
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
        if (kernelHeight === 2 && kernelWidth === 2 && yEnd - yStart === 2 && xEnd - xStart === 2) {
          maxPoolWindow2x2(input, output, argmax, index, first, width * channels, channels);
          index += <usize>channels;
          continue;
        }
        for (let c = 0; c < channels; c += 4) {
          let best = v128.load(input + ((<usize>(first + c)) << 2));
          let winner = i32x4.add(i32x4.splat(first + c), laneOffsets);
          for (let y = yStart; y < yEnd; y++) {
            for (let x = y === yStart ? xStart + 1 : xStart; x < xEnd; x++) {
              const cell = image + (y * width + x) * channels + c;
              const value = v128.load(input + ((<usize>cell) << 2));
              const wins = winsOver(value, best);
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

/** Whether `value` wins over `best` in a lane: greater, or NaN where the best so far is not. */
function winsOver(value: v128, best: v128): v128 {
  return v128.or(f32x4.gt(value, best), v128.andnot(f32x4.ne(value, value), f32x4.ne(best, best)));
}

/**
 * maxPoolForward's inner loop for one 2×2 window that lies inside the image (the pooling of most CNNs):
 * the four cells in the same (y, x) order and with the same lane select as the general loop, unrolled.
 * `first` is the window's top-left cell (a float index), `rowStride` the floats from one image row to the next.
 */
function maxPoolWindow2x2(
  input: usize,
  output: usize,
  argmax: usize,
  index: usize,
  first: i32,
  rowStride: i32,
  channels: i32,
): void {
  const laneOffsets = i32x4(0, 1, 2, 3);
  for (let c = 0; c < channels; c += 4) {
    const cell00 = first + c;
    const cell01 = cell00 + channels;
    const cell10 = cell00 + rowStride;
    const cell11 = cell10 + channels;
    let best = v128.load(input + ((<usize>cell00) << 2));
    let winner = i32x4.add(i32x4.splat(cell00), laneOffsets);
    let value = v128.load(input + ((<usize>cell01) << 2));
    let mask = winsOver(value, best);
    best = v128.bitselect(value, best, mask);
    winner = v128.bitselect(i32x4.add(i32x4.splat(cell01), laneOffsets), winner, mask);
    value = v128.load(input + ((<usize>cell10) << 2));
    mask = winsOver(value, best);
    best = v128.bitselect(value, best, mask);
    winner = v128.bitselect(i32x4.add(i32x4.splat(cell10), laneOffsets), winner, mask);
    value = v128.load(input + ((<usize>cell11) << 2));
    mask = winsOver(value, best);
    best = v128.bitselect(value, best, mask);
    winner = v128.bitselect(i32x4.add(i32x4.splat(cell11), laneOffsets), winner, mask);
    v128.store(output + ((index + <usize>c) << 2), best);
    v128.store(argmax + ((index + <usize>c) << 2), winner);
  }
}

/**
 * Max pooling backward, accumulating: gradient[argmax[i]] += cotangent[i] for i in [0, count), in order (a
 * float32 add each, as the JavaScript reference's float64 add rounded to float32), so windows that overlap
 * or winners anywhere give the reference's bits. A winner outside the gradient (`length` floats) is skipped;
 * returns 1 when there was none, else 0. Why here: the JavaScript scatter (~2–3 ns an element) was the larger
 * part of the CNN's pooling backward; argmax holds float offsets from `gradient`.
 */
export function maxPoolBackward(
  cotangent: usize,
  argmax: usize,
  gradient: usize,
  count: i32,
  length: i32,
): i32 {
  let inside: i32 = 1;
  for (let i: usize = 0; i < (<usize>count) << 2; i += 4) {
    const index = load<u32>(argmax + i);
    // An index outside the gradient is skipped (and reported), as the JavaScript reference does.
    if (index >= <u32>length) {
      inside = 0;
      continue;
    }
    const target = gradient + ((<usize>index) << 2);
    store<f32>(target, load<f32>(target) + load<f32>(cotangent + i));
  }
  return inside;
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
