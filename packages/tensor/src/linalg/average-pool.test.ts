// Why this exists: average pooling is a pair of Kernels members with a module (SIMD) fast path, so every backend
// must give the JavaScript reference's float32 bits on any geometry (strides ≠ pool size, "same" padding with
// clipped windows, odd sizes, channels that are not whole lanes, NaN, ∞, subnormals), and the tensor-level
// functions must compute what their formulas say: padding excluded from the count, the backward the adjoint.

import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { DTypeError, ShapeError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { jsKernels } from "../kernels/js-kernels.js";
import { getKernels, setKernels } from "../kernels/registry.js";
import { expectBitIdentical, seededFloat32 } from "../kernels/testing/float32-arrays.js";
import { windowFields, windowsFit } from "../kernels/testing/window-cases.js";
import { type WasmVariant, wasmSupport } from "../kernels/wasm/support.js";
import { AVERAGE_POOL_MINIMUM_LENGTH } from "../kernels/wasm/thresholds.js";
import { compileWasmKernels } from "../kernels/wasm/wasm-kernels.js";
import { averagePool, averagePoolBackward } from "./average-pool.js";
import { windowGeometry } from "./windows.js";

// The relaxed build compiles the same average pooling source (no relaxed instruction in it); Node 20 runs it
// only behind a flag, where wasm-relaxed-simd.test.ts covers the module as a whole.
const names: WasmVariant[] = wasmSupport().relaxedSimd ? ["wasm-simd", "wasm-relaxed-simd"] : ["wasm-simd"];
const variants = names.map((variant) => compileWasmKernels(variant));
const initial = getKernels();
afterAll(() => {
  setKernels(initial);
  for (const wasm of variants) wasm.engine.terminate();
});

const geometryArbitrary = fc
  .record({ ...windowFields, seed: fc.integer({ min: 1, max: 2 ** 31 }) })
  .filter(windowsFit);

type Drawn = typeof geometryArbitrary extends fc.Arbitrary<infer T> ? T : never;

function geometryOf(p: Drawn) {
  const shape = [p.batch, p.height, p.width, p.channels];
  return windowGeometry(
    "test",
    shape,
    [p.kernelHeight, p.kernelWidth],
    [p.strideHeight, p.strideWidth],
    p.padding,
  );
}

describe("average pooling kernels: every backend gives the JavaScript reference's bits", () => {
  it.each(variants.flatMap((wasm) => [1, 2].map((threads) => [wasm.name, threads, wasm] as const)))(
    "%s, %i threads: forward and backward on random geometries",
    (_name, threads, wasm) => {
      wasm.engine.threads = threads;
      const forward = vi.spyOn(wasm.engine.elementwise, "averagePoolForward");
      const backward = vi.spyOn(wasm.engine.elementwise, "averagePoolBackward");
      fc.assert(
        fc.property(geometryArbitrary, (p) => {
          const g = geometryOf(p);
          // Scale the batch so most draws pass the module's threshold.
          const batch = p.batch * Math.ceil(AVERAGE_POOL_MINIMUM_LENGTH / (p.height * p.width * p.channels));
          const geometry = { ...g, batch };
          const x = new Tensor(seededFloat32(batch * p.height * p.width * p.channels, p.seed, 0.03), [
            batch,
            p.height,
            p.width,
            p.channels,
          ]);
          const pooledShape = [batch, g.outHeight, g.outWidth, p.channels];
          const cotangent = new Tensor(
            seededFloat32(
              pooledShape.reduce((a, b) => a * b),
              p.seed + 1,
              0.03,
            ),
            pooledShape,
          );
          setKernels(jsKernels);
          const byJs = [averagePool(x, geometry), averagePoolBackward(cotangent, geometry)];
          setKernels(wasm);
          const byWasm = [averagePool(x, geometry), averagePoolBackward(cotangent, geometry)];
          expectBitIdentical(byWasm[0]!.data as Float32Array, byJs[0]!.data as Float32Array);
          expectBitIdentical(byWasm[1]!.data as Float32Array, byJs[1]!.data as Float32Array);
        }),
        { numRuns: 60 },
      );
      // The draws did reach the module (channels a multiple of 4 above the threshold), not only JavaScript.
      expect(forward.mock.calls.length).toBeGreaterThan(0);
      expect(backward.mock.calls.length).toBeGreaterThan(0);
    },
  );

  it("runs in the module above the threshold and in JavaScript below it or for other channel counts", () => {
    const wasm = variants[0]!;
    const forward = vi.spyOn(wasm.engine.elementwise, "averagePoolForward");
    setKernels(wasm);
    const cases: [readonly number[], number][] = [
      [[2, 17, 15, 36], 1],
      [[1, 2, 2, 4], 0], // 16 elements: below the threshold
      [[2, 17, 15, 6], 0], // channels not a multiple of 4
    ];
    for (const [shape, calls] of cases) {
      const x = new Tensor(
        seededFloat32(
          shape.reduce((a, b) => a * b),
          3,
        ),
        shape,
      );
      const g = windowGeometry("test", shape, [3, 3], [2, 2], "same");
      const before = forward.mock.calls.length;
      averagePool(x, g);
      expect(forward.mock.calls.length - before).toBe(calls);
    }
  });
});

describe("averagePool", () => {
  it("divides by the cells inside the image (padding excluded), one division after the (y, x) sum", () => {
    const x = new Tensor(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 3, 3, 1]);
    const valid = averagePool(x, windowGeometry("test", x.shape, [2, 2], [1, 1], "valid"));
    expect(Array.from(valid.data)).toEqual([3, 4, 6, 7]);
    // "same", 2×2 window, stride 2 over 3×3: pad 0 before, so the last row and column hold clipped windows.
    const same = averagePool(x, windowGeometry("test", x.shape, [2, 2], [2, 2], "same"));
    expect(same.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(same.data)).toEqual([3, 4.5, 7.5, 9]);
    // 3×3 "same" at stride 1: the corner averages its 4 cells, the edge its 6, the centre all 9.
    const centred = averagePool(x, windowGeometry("test", x.shape, [3, 3], [1, 1], "same"));
    expect(Array.from(centred.data)).toEqual([3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7]);
    const thirds = new Tensor(Float32Array.from([0.1, 0.2, 0.7]), [1, 1, 3, 1]);
    const third = averagePool(thirds, windowGeometry("test", thirds.shape, [1, 3], [1, 1], "valid"));
    const f = Math.fround;
    expect(third.data[0]).toBe(f(f(f(f(0.1) + f(0.2)) + f(0.7)) / 3));
  });

  it("keeps NaN and ∞ visible and pools each channel on its own", () => {
    const x = new Tensor(
      Float32Array.from([1, 10, Number.NaN, 20, 3, Number.POSITIVE_INFINITY, 5, 40]),
      [1, 2, 2, 2],
    );
    const y = averagePool(x, windowGeometry("test", x.shape, [2, 2], [2, 2], "valid"));
    expect(Number.isNaN(y.data[0])).toBe(true);
    expect(y.data[1]).toBe(Number.POSITIVE_INFINITY);
    const z = averagePool(x, windowGeometry("test", x.shape, [1, 2], [1, 2], "valid"));
    expect(Array.from(z.data.subarray(2))).toEqual([4, Number.POSITIVE_INFINITY]);
  });

  it("backward shares each output's gradient over its window's cells inside the image", () => {
    const g = windowGeometry("test", [1, 3, 3, 1], [2, 2], [2, 2], "same");
    const gradient = averagePoolBackward(new Tensor(Float32Array.from([4, 2, 2, 1]), [1, 2, 2, 1]), g);
    expect(Array.from(gradient.data)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const overlapping = windowGeometry("test", [1, 1, 3, 1], [1, 2], [1, 1], "valid");
    const summed = averagePoolBackward(new Tensor(Float64Array.from([2, 4]), [1, 1, 2, 1]), overlapping);
    expect(Array.from(summed.data)).toEqual([1, 3, 2]);
  });

  it("backward is the adjoint: ⟨pool(x), c⟩ = ⟨x, poolBackward(c)⟩ (float64)", () => {
    fc.assert(
      fc.property(geometryArbitrary, (p) => {
        const g = geometryOf(p);
        const x = new Tensor(
          Float64Array.from(seededFloat32(p.batch * p.height * p.width * p.channels, p.seed)),
          [p.batch, p.height, p.width, p.channels],
        );
        const y = averagePool(x, g);
        const c = new Tensor(Float64Array.from(seededFloat32(y.data.length, p.seed + 2)), y.shape);
        const gradient = averagePoolBackward(c, g);
        let left = 0;
        let right = 0;
        for (let i = 0; i < y.data.length; i++) left += y.data[i]! * c.data[i]!;
        for (let i = 0; i < x.data.length; i++) right += x.data[i]! * gradient.data[i]!;
        expect(left).toBeCloseTo(right, 6);
      }),
      { numRuns: 40 },
    );
  });

  it("writes into options.allocate's arrays (contents arbitrary: NaN here) the bits of new arrays", () => {
    const shape = [2, 7, 6, 8];
    const x = new Tensor(seededFloat32(2 * 7 * 6 * 8, 5), shape);
    const g = windowGeometry("test", shape, [3, 3], [2, 2], "same");
    const given: (Float32Array | Float64Array)[] = [];
    const allocate = (dtype: "float32" | "float64", length: number) => {
      const array = dtype === "float32" ? new Float32Array(length) : new Float64Array(length);
      given.push(array.fill(Number.NaN));
      return array;
    };
    for (const kernels of [jsKernels, variants[0]!]) {
      setKernels(kernels);
      const pooled = averagePool(x, g, { allocate });
      expect(pooled.data).toBe(given.at(-1));
      expectBitIdentical(pooled.data as Float32Array, averagePool(x, g).data as Float32Array);
      const gradient = averagePoolBackward(pooled, g, { allocate });
      expect(gradient.data).toBe(given.at(-1));
      expectBitIdentical(gradient.data as Float32Array, averagePoolBackward(pooled, g).data as Float32Array);
    }
    expect(() => averagePool(x, g, { allocate: () => new Float32Array(3) })).toThrow(
      /averagePool: options\.allocate\("float32", 192\) returned a Float32Array of 3 elements/,
    );
  });

  it("names the op and the expected shape on bad input", () => {
    const g = windowGeometry("test", [1, 3, 3, 1], [2, 2], [1, 1], "valid");
    const wrong = new Tensor(new Float32Array(18), [1, 3, 3, 2]);
    expect(() => averagePool(wrong, g)).toThrow(ShapeError);
    expect(() => averagePool(wrong, g)).toThrow(/averagePool: x \[1,3,3,2\].*expected \[1,3,3,1\]/);
    expect(() => averagePoolBackward(new Tensor(new Float32Array(9), [1, 3, 3, 1]), g)).toThrow(
      /averagePoolBackward: cotangent \[1,3,3,1\].*expected \[1,2,2,1\]/,
    );
    const integers = new Tensor(new Int32Array(9), [1, 3, 3, 1]);
    expect(() => averagePool(integers as unknown as Tensor, g)).toThrow(DTypeError);
  });
});
