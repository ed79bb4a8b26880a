import { ValueError } from "@descent/tensor";

/** How a sliding window treats the border: `"valid"` keeps only full windows, `"same"` pads so `out = ⌈in / stride⌉`. */
export type Padding = "valid" | "same";

/** Geometry of a 2-D sliding window over NHWC images. */
export interface WindowGeometry {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  /** Rows (columns) of zero padding before the first row (column). */
  readonly padTop: number;
  readonly padLeft: number;
}

/**
 * Output size and padding of a window along one axis, as TensorFlow: `"valid"`: `⌊(in − k) / s⌋ + 1`;
 * `"same"`: `⌈in / s⌉` with `max((out − 1)·s + k − in, 0)` padding, the smaller half before.
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

/** The window geometry for an NHWC input. */
export function windowGeometry(
  op: string,
  inputShape: readonly number[],
  kernel: readonly [number, number],
  stride: readonly [number, number],
  padding: Padding,
): WindowGeometry {
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

/**
 * im2col: copies every window of the NHWC `input` into one row of `columns`, laid out
 * `[batch·outH·outW, kh·kw·channels]` in `(ky, kx, c)` order — the order of a `[kh, kw, in, out]` kernel
 * read as a `[kh·kw·in, out]` matrix — so a convolution is one matrix product. Padding reads as 0.
 */
export function imageToColumns(
  input: Float32Array | Float64Array,
  g: WindowGeometry,
  columns: Float32Array | Float64Array,
): void {
  const { height, width, channels, kernelHeight, kernelWidth, outHeight, outWidth } = g;
  const rowLength = kernelHeight * kernelWidth * channels;
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
          const target = rowStart + ky * kernelWidth * channels;
          if (y < 0 || y >= height) {
            columns.fill(0, target, target + kernelWidth * channels);
            continue;
          }
          const span = kernelWidth * channels;
          if (left >= 0 && left + kernelWidth <= width) {
            // The window row lies inside the image: NHWC makes it one contiguous run of kw·channels values.
            const source = image + (y * width + left) * channels;
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

/** col2im: the adjoint of {@link imageToColumns} — adds each row of `columns` back onto its window (overlaps sum). */
export function columnsToImage(
  columns: Float32Array | Float64Array,
  g: WindowGeometry,
  output: Float32Array | Float64Array,
): void {
  const { height, width, channels, kernelHeight, kernelWidth, outHeight, outWidth } = g;
  const rowLength = kernelHeight * kernelWidth * channels;
  output.fill(0);
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
          if (y < 0 || y >= height) continue;
          for (let kx = 0; kx < kernelWidth; kx++) {
            const x = left + kx;
            if (x < 0 || x >= width) continue;
            const cell = rowStart + (ky * kernelWidth + kx) * channels;
            const target = image + (y * width + x) * channels;
            for (let c = 0; c < channels; c++) output[target + c]! += columns[cell + c]!;
          }
        }
      }
    }
  }
}

/**
 * Max pooling forward over NHWC: `output[n, oy, ox, c]` = max of the window (padding never wins), and
 * `argmax` the flat input index of the winner (the first one on ties), for the backward pass.
 */
export function maxPoolForward(
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
              const bestValue = output[index + c]!;
              // NaN wins so a non-finite input stays visible downstream.
              if (value > bestValue || (Number.isNaN(value) && !Number.isNaN(bestValue))) {
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
