// Why this exists: the window kernels' property tests (im2col, col2im, pooling, the implicit-GEMM convolution)
// draw the same random geometries; one definition keeps their edge cases (odd sizes, 1…70 channels, strides,
// "same" padding) the same everywhere.

import fc from "fast-check";
import type { Padding } from "../../linalg/windows.js";

/**
 * The fields of a random NHWC window geometry, for `fc.record({ ...windowFields, … })`: batch 1–3, height and
 * width 1–13, 1–8 or 9–70 channels (both sides of a 4-lane vector and of a panel), kernel 1–4, stride 1–3,
 * "valid" or "same" padding. Filter the record with {@link windowsFit}.
 */
export const windowFields = {
  batch: fc.integer({ min: 1, max: 3 }),
  height: fc.integer({ min: 1, max: 13 }),
  width: fc.integer({ min: 1, max: 13 }),
  channels: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 9, max: 70 })),
  kernelHeight: fc.integer({ min: 1, max: 4 }),
  kernelWidth: fc.integer({ min: 1, max: 4 }),
  strideHeight: fc.integer({ min: 1, max: 3 }),
  strideWidth: fc.integer({ min: 1, max: 3 }),
  padding: fc.constantFrom<Padding>("valid", "same"),
};

/** Whether a drawn geometry has at least one window: "valid" padding needs the kernel to fit in the image. */
export function windowsFit(geometry: {
  readonly padding: Padding;
  readonly height: number;
  readonly width: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
}): boolean {
  return (
    geometry.padding === "same" ||
    (geometry.height >= geometry.kernelHeight && geometry.width >= geometry.kernelWidth)
  );
}
