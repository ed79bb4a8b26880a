// Why this exists: the GEMM packs a convolution's im2col panels straight from the images (the implicit GEMM,
// assembly/windows-pack.ts) so the matrix is never made; its contract is the bits of the same engine's GEMM on
// the matrix itself, on any geometry (strides, "same" padding, odd sizes, 1…70 channels, partial panels,
// windows that straddle a window row) and thread count. Run for every variant, relaxed SIMD included.

import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Padding } from "../../../linalg/windows.js";
import { windowGeometry } from "../../../linalg/windows.js";
import { columnsSize } from "../../convolution-by-gemm.js";
import { imageToColumnsByLoops } from "../../js-windows.js";
import type { WindowGeometry } from "../../kernels.js";
import { expectBitIdentical, seededFloat32 } from "../../testing/float32-arrays.js";
import { windowFields, windowsFit } from "../../testing/window-cases.js";
import { ACTIVATION_NONE, ACTIVATION_RELU } from "../generated/layout.js";
import type { WasmVariant } from "../support.js";
import { compileWasmKernels } from "../wasm-kernels.js";
import { geometryArguments } from "../windows.js";

interface WindowCase {
  readonly shape: [number, number, number, number];
  readonly kernel: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly outChannels: number;
  readonly seed: number;
}

const windowCase: fc.Arbitrary<WindowCase> = fc
  .record({
    ...windowFields,
    outChannels: fc.integer({ min: 1, max: 40 }),
    seed: fc.integer({ min: 1, max: 2 ** 31 }),
  })
  .filter(windowsFit)
  .map((p) => ({
    shape: [p.batch, p.height, p.width, p.channels],
    kernel: [p.kernelHeight, p.kernelWidth],
    strides: [p.strideHeight, p.strideWidth],
    padding: p.padding,
    outChannels: p.outChannels,
    seed: p.seed,
  }));

/** Large enough for worker threads: the peers' CNN's second convolution at batch 3, and a strided "same" one. */
const threadedCases: WindowCase[] = [
  { shape: [3, 13, 13, 32], kernel: [3, 3], strides: [1, 1], padding: "valid", outChannels: 64, seed: 5 },
  { shape: [2, 17, 15, 7], kernel: [5, 3], strides: [2, 1], padding: "same", outChannels: 33, seed: 6 },
];

/** Defines the window-packing tests of one wasm variant (shared memory: 1 and 2 threads; unshared: 1). */
export function describeWasmWindowsGemm(variant: WasmVariant, memory: "shared" | "unshared"): void {
  describe(`${variant} gemm packing im2col panels from images (${memory} memory)`, () => {
    const kernels = compileWasmKernels(variant, memory === "shared");
    const engine = kernels.engine;
    afterAll(() => engine.terminate());

    /** Forward (with bias and relu or not) and weight gradient, from the images and from the matrix. */
    function compare(p: WindowCase): void {
      const g: WindowGeometry = windowGeometry("test", p.shape, p.kernel, p.strides, p.padding);
      const [rows, depth] = columnsSize(g);
      const n = p.outChannels;
      const image = seededFloat32(
        p.shape.reduce((x, y) => x * y),
        p.seed,
        0.02,
      );
      const columns = new Float32Array(rows * depth);
      imageToColumnsByLoops(image, g, columns);
      const weights = seededFloat32(depth * n, p.seed + 1);
      const bias = seededFloat32(n, p.seed + 2);
      const cotangent = seededFloat32(rows * n, p.seed + 3, 0.01);
      const windows = geometryArguments(g);
      const activation = p.seed % 2 === 0 ? ACTIVATION_RELU : ACTIVATION_NONE;
      const run = (
        transposeA: boolean,
        m: number,
        k: number,
        a: Float32Array,
        b: Float32Array,
        withBias: boolean,
        imageWindows: typeof windows | null,
      ) => {
        const c = new Float32Array(m * n).fill(Number.NaN);
        const done = engine.gemm(
          transposeA,
          false,
          m,
          n,
          k,
          1,
          a,
          b,
          0,
          c,
          withBias ? bias : null,
          withBias ? activation : ACTIVATION_NONE,
          imageWindows,
        );
        expect(done, `${m}×${n}×${k} fits`).toBe(true);
        return c;
      };
      expectBitIdentical(
        run(false, rows, depth, image, weights, true, windows),
        run(false, rows, depth, columns, weights, true, null),
      );
      expectBitIdentical(
        run(true, depth, rows, image, cotangent, false, windows),
        run(true, depth, rows, columns, cotangent, false, null),
      );
    }

    it("forward and weight gradient give the bits of the GEMM on the im2col matrix, on random geometries", () => {
      engine.threads = 1;
      fc.assert(fc.property(windowCase, compare), { numRuns: 80 });
    });

    if (memory === "shared") {
      it("gives those bits on 2 threads too, with the workers packing and computing part of the job", async () => {
        engine.threads = 2;
        await engine.startWorkers();
        const before = engine.chunksByThread()[1]!;
        for (let round = 0; round < 20 && engine.chunksByThread()[1]! === before; round++)
          threadedCases.forEach(compare);
        expect(engine.chunksByThread()[1]!).toBeGreaterThan(before);
        fc.assert(fc.property(windowCase, compare), { numRuns: 40 });
        engine.threads = 1;
      });
    }
  });
}
