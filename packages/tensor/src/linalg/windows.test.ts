// Why this exists: the window kernels (im2col, col2im, max pooling and its backward) are members of the one
// Kernels interface, so every backend must give the JavaScript reference's float32 bits on any geometry
// (strides, "same" padding, odd sizes, 1…70 channels, NaN inputs), and the tensor-level functions must
// compute what their formulas say.

import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { ShapeError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { jsKernels } from "../kernels/js-kernels.js";
import { getKernels, setKernels } from "../kernels/registry.js";
import { expectBitIdentical } from "../kernels/testing/float32-arrays.js";
import { windowFields, windowsFit } from "../kernels/testing/window-cases.js";
import { compileWasmKernels } from "../kernels/wasm/wasm-kernels.js";
import { columnsToImage, imageToColumns, maxPool, maxPoolBackward, windowGeometry } from "./windows.js";

const wasm = compileWasmKernels("wasm-simd");
const initial = getKernels();
const engineMaxPool = vi.spyOn(wasm.engine.elementwise, "maxPoolForward");
const engineColumnsToImage = vi.spyOn(wasm.engine.elementwise, "columnsToImage");
const engineMaxPoolBackward = vi.spyOn(wasm.engine.residentElementwise, "maxPoolBackward");
afterAll(() => {
  setKernels(initial);
  wasm.engine.terminate();
});

function filled(length: number, seed: number, specials: boolean): Float32Array {
  const values = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const data = new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const r = (state >>> 0) / 2 ** 32;
    // Few distinct values, so pooling windows hold ties.
    data[i] = specials && r < 0.03 ? values[(state >>> 8) % values.length]! : Math.round(r * 16) / 4 - 2;
  }
  return data;
}

const geometryArbitrary = fc
  .record({
    ...windowFields,
    seed: fc.integer({ min: 1, max: 2 ** 31 }),
  })
  .filter(windowsFit);

describe("window kernels: every backend gives the JavaScript reference's bits", () => {
  it.each([1, 2])("im2col, col2im, maxPool and its backward on random geometries (%i threads)", (threads) => {
    wasm.engine.threads = threads;
    fc.assert(
      fc.property(geometryArbitrary, (p) => {
        const shape = [p.batch, p.height, p.width, p.channels];
        const g = windowGeometry(
          "test",
          shape,
          [p.kernelHeight, p.kernelWidth],
          [p.strideHeight, p.strideWidth],
          p.padding,
        );
        const x = new Tensor(filled(p.batch * p.height * p.width * p.channels, p.seed, true), shape);
        const depth = p.kernelHeight * p.kernelWidth * p.channels;
        const columnsCotangent = new Tensor(
          filled(p.batch * g.outHeight * g.outWidth * depth, p.seed + 1, true),
          [p.batch, g.outHeight, g.outWidth, depth],
        );
        const run = () => {
          const pooled = maxPool(x, g);
          const pooledCotangent = new Tensor(
            filled(pooled.output.data.length, p.seed + 2, false),
            pooled.output.shape,
          );
          return {
            columns: imageToColumns(x, g),
            image: columnsToImage(columnsCotangent, g),
            pooled,
            pooledGradient: maxPoolBackward(pooledCotangent, pooled.argmax, g),
          };
        };
        setKernels(jsKernels);
        const byJs = run();
        setKernels(wasm);
        const byWasm = run();
        expectBitIdentical(byWasm.columns.data as Float32Array, byJs.columns.data as Float32Array);
        expectBitIdentical(byWasm.image.data as Float32Array, byJs.image.data as Float32Array);
        expectBitIdentical(
          byWasm.pooled.output.data as Float32Array,
          byJs.pooled.output.data as Float32Array,
        );
        expect(byWasm.pooled.argmax).toEqual(byJs.pooled.argmax);
        expectBitIdentical(
          byWasm.pooledGradient.data as Float32Array,
          byJs.pooledGradient.data as Float32Array,
        );
      }),
      { numRuns: 60 },
    );
  });

  it("max pooling runs in the module above its threshold, with the reference's bits and NaN winners", () => {
    const shape = [2, 17, 15, 36];
    const x = new Tensor(filled(2 * 17 * 15 * 36, 7, true), shape);
    // 2×2 windows inside the image take the module's unrolled loop: whole (stride 2), overlapping (stride 1),
    // and clipped by "same" padding on the odd sides (the general loop there).
    for (const [window, stride, padding] of [
      [2, 2, "valid"],
      [2, 1, "valid"],
      [2, 2, "same"],
      [3, 2, "same"],
      [3, 1, "same"],
    ] as const) {
      const g = windowGeometry("test", shape, [window, window], [stride, stride], padding);
      setKernels(jsKernels);
      const byJs = maxPool(x, g);
      const before = engineMaxPool.mock.calls.length;
      setKernels(wasm);
      const byWasm = maxPool(x, g);
      expect(engineMaxPool.mock.calls.length).toBe(before + 1);
      expectBitIdentical(byWasm.output.data as Float32Array, byJs.output.data as Float32Array);
      expect(byWasm.argmax).toEqual(byJs.argmax);
      expect(byJs.output.data.some(Number.isNaN)).toBe(true);
    }
  });
});

describe("max pooling backward in the module", () => {
  /** A resident copy of `values` (a training step's array), released after the test. */
  function resident(values: Float32Array, owned: Float32Array[]): Float32Array {
    const array = wasm.engine.residentFloat32(values.length);
    if (array === null) throw new Error("no resident storage in this runtime");
    array.set(values);
    owned.push(array);
    return array;
  }

  it("scatters in place onto resident arrays with the reference's bits: overlapping windows sum in order", () => {
    const shape = [2, 17, 15, 8];
    const x = new Tensor(filled(2 * 17 * 15 * 8, 11, true), shape);
    for (const [window, stride, padding] of [
      [2, 2, "valid"],
      [3, 1, "same"],
      [3, 2, "same"],
    ] as const) {
      const g = windowGeometry("test", shape, [window, window], [stride, stride], padding);
      setKernels(jsKernels);
      const { output, argmax } = maxPool(x, g);
      // NaN, infinities and signed zeros in the cotangent: the sums must give the reference's bits.
      const cotangentValues = filled(output.data.length, 5, true);
      const byJs = maxPoolBackward(new Tensor(cotangentValues, output.shape), argmax, g);
      const owned: Float32Array[] = [];
      try {
        const cotangent = new Tensor(resident(cotangentValues, owned), output.shape);
        const winnersBlock = resident(new Float32Array(argmax.buffer.slice(0)), owned);
        const winners = new Int32Array(winnersBlock.buffer, winnersBlock.byteOffset, argmax.length);
        const before = engineMaxPoolBackward.mock.calls.length;
        setKernels(wasm);
        const byWasm = maxPoolBackward(cotangent, winners, g, {
          // The allocator's arrays hold old values: the op must zero them (in the module) before adding.
          allocate: (_dtype, length) => resident(new Float32Array(length).fill(Number.NaN), owned),
        });
        expect(engineMaxPoolBackward.mock.calls.length).toBe(before + 1);
        expectBitIdentical(byWasm.data as Float32Array, byJs.data as Float32Array);
        expect(byJs.data.some(Number.isNaN)).toBe(true);
      } finally {
        for (const array of owned) wasm.engine.releaseResident(array);
      }
    }
  });

  it("called directly, skips and reports a winner outside the gradient as the reference does, and stays in JavaScript when an array is not resident", () => {
    const owned: Float32Array[] = [];
    try {
      const count = 400;
      const cotangentValues = filled(count, 3, false);
      const indices = new Int32Array(count);
      for (let i = 0; i < count; i++) indices[i] = (i * 7) % 300;
      indices[5] = -1;
      indices[6] = 300;
      indices[7] = 2 ** 30;
      const gradientValues = filled(300, 9, true);
      const byJs = gradientValues.slice();
      expect(jsKernels.maxPoolBackward(cotangentValues, indices, byJs)).toBe(false);
      const winnersBlock = resident(new Float32Array(indices.buffer.slice(0)), owned);
      const winners = new Int32Array(winnersBlock.buffer, winnersBlock.byteOffset, count);
      const gradient = resident(gradientValues, owned);
      const before = engineMaxPoolBackward.mock.calls.length;
      expect(wasm.maxPoolBackward(resident(cotangentValues, owned), winners, gradient)).toBe(false);
      expect(engineMaxPoolBackward.mock.calls.length).toBe(before + 1);
      expectBitIdentical(gradient, byJs);
      const plain = gradientValues.slice();
      expect(wasm.maxPoolBackward(cotangentValues, winners, plain)).toBe(false);
      expect(engineMaxPoolBackward.mock.calls.length).toBe(before + 1);
      expectBitIdentical(plain, byJs);
      // With every winner inside, both report it.
      const valid = indices.map((index) => Math.min(Math.max(index, 0), 299));
      const validBlock = resident(new Float32Array(valid.buffer.slice(0)), owned);
      const validWinners = new Int32Array(validBlock.buffer, validBlock.byteOffset, count);
      expect(jsKernels.maxPoolBackward(cotangentValues, valid, gradientValues.slice())).toBe(true);
      expect(
        wasm.maxPoolBackward(resident(cotangentValues, owned), validWinners, resident(gradientValues, owned)),
      ).toBe(true);
    } finally {
      for (const array of owned) wasm.engine.releaseResident(array);
    }
  });
});

describe("col2im in the module", () => {
  it("runs above its threshold with the reference's bits (overlapping windows, padding, NaN)", () => {
    const shape = [2, 9, 11, 20];
    for (const [window, stride, padding] of [
      [3, 1, "valid"],
      [3, 2, "same"],
      [4, 3, "same"],
    ] as const) {
      const g = windowGeometry("test", shape, [window, window], [stride, stride], padding);
      const depth = window * window * 20;
      const columns = new Tensor(filled(2 * g.outHeight * g.outWidth * depth, window + stride, true), [
        2,
        g.outHeight,
        g.outWidth,
        depth,
      ]);
      setKernels(jsKernels);
      const byJs = columnsToImage(columns, g);
      const before = engineColumnsToImage.mock.calls.length;
      setKernels(wasm);
      const byWasm = columnsToImage(columns, g);
      expect(engineColumnsToImage.mock.calls.length).toBe(before + 1);
      expectBitIdentical(byWasm.data as Float32Array, byJs.data as Float32Array);
    }
  });
});

describe("window functions", () => {
  it("im2col copies each window into a row in (ky, kx, c) order, zeros in the padding", () => {
    const x = new Tensor(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 3, 3, 1]);
    const valid = imageToColumns(x, windowGeometry("test", x.shape, [2, 2], [1, 1], "valid"));
    expect(valid.shape).toEqual([1, 2, 2, 4]);
    expect(Array.from(valid.data)).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
    const same = imageToColumns(x, windowGeometry("test", x.shape, [3, 3], [2, 2], "same"));
    expect(same.shape).toEqual([1, 2, 2, 9]);
    expect(Array.from(same.data.subarray(0, 9))).toEqual([0, 0, 0, 0, 1, 2, 0, 4, 5]);
  });

  it("col2im is the adjoint of im2col: ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ (float64)", () => {
    fc.assert(
      fc.property(geometryArbitrary, (p) => {
        const shape = [p.batch, p.height, p.width, p.channels];
        const g = windowGeometry(
          "test",
          shape,
          [p.kernelHeight, p.kernelWidth],
          [p.strideHeight, p.strideWidth],
          p.padding,
        );
        const x = new Tensor(
          Float64Array.from(
            filled(
              shape.reduce((a, b) => a * b),
              p.seed,
              false,
            ),
          ),
          shape,
        );
        const columns = imageToColumns(x, g);
        const c = new Tensor(
          Float64Array.from(filled(columns.data.length, p.seed + 3, false)),
          columns.shape,
        );
        const image = columnsToImage(c, g);
        let left = 0;
        let right = 0;
        for (let i = 0; i < columns.data.length; i++) left += columns.data[i]! * c.data[i]!;
        for (let i = 0; i < x.data.length; i++) right += x.data[i]! * image.data[i]!;
        expect(left).toBeCloseTo(right, 9);
      }),
      { numRuns: 40 },
    );
  });

  it("maxPool: NaN wins, the first cell wins ties, padding never wins; the backward sums onto winners", () => {
    const x = new Tensor(Float32Array.from([-3, -3, -5, Number.NaN, -4, -2, -4, -6, -7]), [1, 3, 3, 1]);
    const g = windowGeometry("test", x.shape, [2, 2], [1, 1], "same");
    const { output, argmax } = maxPool(x, g);
    expect(Array.from(output.data)).toEqual([Number.NaN, -2, -2, Number.NaN, -2, -2, -4, -6, -7]);
    expect(Array.from(argmax)).toEqual([3, 5, 5, 3, 5, 5, 6, 7, 8]);
    const gradient = maxPoolBackward(new Tensor(new Float32Array(9).fill(1), output.shape), argmax, g);
    expect(Array.from(gradient.data)).toEqual([0, 0, 0, 2, 0, 4, 1, 1, 1]);
    const ties = new Tensor(Float32Array.from([1, 1, 0, 1]), [1, 2, 2, 1]);
    expect(
      Array.from(maxPool(ties, windowGeometry("test", ties.shape, [2, 2], [2, 2], "valid")).argmax),
    ).toEqual([0]);
  });

  it("names the op and the expected shape on bad input", () => {
    const x = new Tensor(new Float32Array(18), [1, 3, 3, 2]);
    const g = windowGeometry("test", [1, 3, 3, 1], [2, 2], [1, 1], "valid");
    expect(() => imageToColumns(x, g)).toThrow(ShapeError);
    expect(() => imageToColumns(x, g)).toThrow(/imageToColumns.*expected \[1,3,3,1\]/);
    expect(() =>
      maxPoolBackward(new Tensor(new Float32Array(4), [1, 2, 2, 1]), new Int32Array(3), g),
    ).toThrow(/maxPoolBackward: argmax has 3 entries for 4 outputs/);
    expect(() => windowGeometry("conv2d", [3, 3], [2, 2], [1, 1], "valid")).toThrow(ShapeError);
  });
});
