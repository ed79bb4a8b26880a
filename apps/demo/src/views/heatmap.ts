import { writeColor } from "./colors.js";

/** Options of {@link heatmapImage}. */
export interface HeatmapOptions {
  /** Values are divided by this before coloring (default 1: the scale covers [−1, 1]). */
  readonly scale?: number;
  /** Show only the sign (a crisp decision boundary). */
  readonly discretize?: boolean;
}

/**
 * A `size × size` offscreen canvas colored from grid values (top row first), to be drawn scaled with
 * smoothing: the browser interpolates between grid cells.
 */
export function heatmapImage(
  values: Float32Array,
  size: number,
  options: HeatmapOptions = {},
): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext("2d")!;
  const image = context.createImageData(size, size);
  const scale = options.scale ?? 1;
  for (let i = 0; i < size * size; i++) {
    const value = values[i]! / scale;
    writeColor(image.data, i, options.discretize ? Math.sign(value) : value);
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

/** The largest absolute value of a grid (at least `floor`), used to scale a neuron's picture. */
export function maxAbs(values: Float32Array, floor = 1e-6): number {
  let max = floor;
  for (const value of values) {
    const magnitude = Math.abs(value);
    if (magnitude > max) max = magnitude;
  }
  return max;
}

/** Sizes a canvas for crisp drawing on high-density screens and returns its 2-D context in CSS pixels. */
export function prepareCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  const pixelWidth = Math.round(width * ratio);
  const pixelHeight = Math.round(height * ratio);
  if (canvas.width !== pixelWidth || canvas.height !== pixelHeight) {
    canvas.width = pixelWidth;
    canvas.height = pixelHeight;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const context = canvas.getContext("2d")!;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  return context;
}
