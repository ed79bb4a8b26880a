// The test suite every WebAssembly variant must pass (run in-process for SIMD128, and for relaxed SIMD in a
// process that has it).

import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { denseForwardByGemm } from "../../dense-forward.js";
import { jsKernels } from "../../js-kernels.js";
import type { Kernels } from "../../kernels.js";
import type { WasmVariant } from "../support.js";
import { gemmInWasm, THREADED_GEMM_MINIMUM_WORK } from "../thresholds.js";
import { compileWasmKernels } from "../wasm-kernels.js";
import {
  bitDifferences,
  bits,
  edgeSizes,
  type GemmCase,
  operands,
  runGemm,
  worstExcess,
} from "./gemm-check.js";

const transposes = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

/** Elements that differ in bits, counting every NaN equal to every NaN (payloads are unobservable in JS). */
function valueDifferences(actual: Float32Array, expected: Float32Array): number {
  const actualBits = bits(actual);
  const expectedBits = bits(expected);
  let differences = 0;
  for (let index = 0; index < actual.length; index++) {
    const bothNaN = Number.isNaN(actual[index]) && Number.isNaN(expected[index]);
    if (!bothNaN && actualBits[index] !== expectedBits[index]) differences++;
  }
  return differences;
}

/**
 * Defines the GEMM tests of one wasm variant against the float64 reference, on its shared-memory build
 * (worker threads) or its unshared build (what browsers without cross-origin isolation run).
 */
export function describeWasmGemm(variant: WasmVariant, memory: "shared" | "unshared"): void {
  describe(`${variant} gemm (${memory} memory)`, () => {
    const kernels = compileWasmKernels(variant, memory === "shared");
    afterAll(() => kernels.engine.terminate());
    // The engine itself, without the wrapper's routing of tiny and narrow products to JavaScript: every
    // edge size must be right in wasm too.
    const engineOnly: Kernels = {
      ...jsKernels,
      name: `${variant} engine`,
      gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c) {
        const fits = kernels.engine.gemm(
          transposeA,
          transposeB,
          m,
          n,
          k,
          alpha,
          a as Float32Array,
          b as Float32Array,
          beta,
          c as Float32Array,
        );
        if (!fits) throw new Error(`${m}×${n}×${k} did not fit in wasm memory`);
      },
    };

    it("uses the register tile its instruction set suits: 6×8 with fused multiply-add, 2×16 without", () => {
      const expected = variant === "wasm-relaxed-simd" ? [6, 8] : [2, 16];
      expect([kernels.engine.tileRows, kernels.engine.tileColumns]).toEqual(expected);
    });

    it("matches the float64 reference within float32 rounding on random shapes, flags, α and β", () => {
      const size = fc.oneof(fc.constantFrom(...edgeSizes), fc.integer({ min: 1, max: 90 }));
      const gemmCase = fc.record({
        transposeA: fc.boolean(),
        transposeB: fc.boolean(),
        m: size,
        n: size,
        k: size,
        alpha: fc.constantFrom(1, -0.75, 2.5),
        beta: fc.constantFrom(0, 1, 0.5, -2),
        seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      });
      fc.assert(
        fc.property(gemmCase, (gemm) => worstExcess(gemm, runGemm(engineOnly, gemm)) === 0),
        { numRuns: 120 },
      );
    });

    it.each(transposes)(
      "runs multi-block, multi-chunk and threaded sizes (transposeA %s, transposeB %s)",
      (transposeA, transposeB) => {
        for (const [m, n, k] of [
          [300, 200, 600],
          [129, 257, 513],
          [1, 1100, 900],
          [1100, 3, 700],
        ] as const) {
          const gemm: GemmCase = { transposeA, transposeB, m, n, k, alpha: 0.5, beta: 0.25, seed: m + n + k };
          expect(worstExcess(gemm, runGemm(kernels, gemm)), `${m}×${n}×${k}`).toBe(0);
        }
      },
    );

    if (memory === "shared") {
      it("gives bit-identical results for 1, 2 and 3 threads, with the workers computing part of C", async () => {
        const cases: GemmCase[] = [
          { transposeA: false, transposeB: false, m: 200, n: 150, k: 300, alpha: 1, beta: 0, seed: 11 },
          { transposeA: true, transposeB: false, m: 97, n: 33, k: 700, alpha: -1.5, beta: 1, seed: 12 },
          { transposeA: false, transposeB: true, m: 513, n: 17, k: 257, alpha: 2, beta: 0.5, seed: 13 },
          { transposeA: true, transposeB: true, m: 257, n: 300, k: 129, alpha: 1, beta: -1, seed: 14 },
        ];
        for (const gemm of cases)
          expect(gemm.m * gemm.n * gemm.k).toBeGreaterThanOrEqual(THREADED_GEMM_MINIMUM_WORK);
        const engine = kernels.engine;
        engine.threads = 1;
        const single = cases.map((gemm) => bits(runGemm(kernels, gemm)));
        for (const threads of [2, 3]) {
          engine.threads = threads;
          await engine.startWorkers();
          expect(engine.readyWorkers).toBeGreaterThanOrEqual(threads - 1);
          const before = engine.chunksByThread();
          let workerChunks = 0;
          // Threads claim chunks dynamically: repeat until a worker has taken some (almost always at once).
          for (let round = 0; round < 50 && workerChunks === 0; round++) {
            cases.forEach((gemm, index) => {
              const differences = bitDifferences(runGemm(kernels, gemm), single[index]!);
              expect(differences, `${threads} threads, case ${index}`).toBe(0);
            });
            const after = engine.chunksByThread();
            workerChunks = after
              .slice(1)
              .reduce((sum, count, thread) => sum + count - before[thread + 1]!, 0);
          }
          expect(workerChunks, `chunks computed by workers with ${threads} threads`).toBeGreaterThan(0);
        }
        engine.threads = 1;
      });

      it("stays exact when threaded and single-thread jobs alternate back to back (no chunk lost or run twice)", async () => {
        const cases: GemmCase[] = [
          { transposeA: false, transposeB: false, m: 100, n: 100, k: 100, alpha: 1, beta: 0, seed: 21 },
          { transposeA: false, transposeB: true, m: 20, n: 30, k: 40, alpha: 1, beta: 1, seed: 22 },
          { transposeA: true, transposeB: false, m: 130, n: 70, k: 110, alpha: 0.5, beta: 2, seed: 23 },
          { transposeA: false, transposeB: false, m: 9, n: 17, k: 33, alpha: -1, beta: 0, seed: 24 },
        ];
        const engine = kernels.engine;
        engine.threads = 1;
        const expected = cases.map((gemm) => bits(runGemm(kernels, gemm)));
        engine.threads = 2;
        await engine.startWorkers();
        let order = 7;
        for (let round = 0; round < 400; round++) {
          order = (Math.imul(order, 1103515245) + 12345) >>> 0;
          const index = (order >>> 16) % cases.length;
          expect(
            bitDifferences(runGemm(kernels, cases[index]!), expected[index]!),
            `round ${round}, case ${index}`,
          ).toBe(0);
        }
        engine.threads = 1;
      });
    } else {
      it("stays on the calling thread without shared memory, whatever the thread setting", () => {
        const gemm: GemmCase = {
          transposeA: false,
          transposeB: true,
          m: 150,
          n: 140,
          k: 130,
          alpha: 1,
          beta: 0,
          seed: 31,
        };
        kernels.engine.threads = 1;
        const single = bits(runGemm(kernels, gemm));
        kernels.engine.threads = 2;
        expect(kernels.engine.effectiveThreads).toBe(1);
        expect(bitDifferences(runGemm(kernels, gemm), single)).toBe(0);
        expect(
          kernels.engine
            .chunksByThread()
            .slice(1)
            .every((count) => count === 0),
        ).toBe(true);
        kernels.engine.threads = 1;
      });
    }

    it("gives the same bits when compute chunks pack everything themselves (a pack chunk's owner preempted)", () => {
      for (const gemm of [
        { transposeA: false, transposeB: false, m: 300, n: 200, k: 600, alpha: 1, beta: 0, seed: 41 },
        { transposeA: true, transposeB: true, m: 33, n: 65, k: 257, alpha: 0.5, beta: 1, seed: 42 },
      ] satisfies GemmCase[]) {
        const expected = bits(runGemm(engineOnly, gemm));
        kernels.engine.skipPackClaims = true;
        try {
          expect(bitDifferences(runGemm(engineOnly, gemm), expected)).toBe(0);
        } finally {
          kernels.engine.skipPackClaims = false;
        }
      }
    });

    it("fuses bias and ReLU into the product with the same bits as gemm then the JavaScript epilogue, for any thread count", async () => {
      const shapes = [
        [false, false, 64, 130, 300],
        [true, false, 7, 33, 17],
        [false, true, 300, 10, 129],
        [true, true, 129, 257, 65],
      ] as const;
      const engine = kernels.engine;
      for (const threads of memory === "shared" ? [1, 2] : [1]) {
        engine.threads = threads;
        await engine.startWorkers();
        for (const [transposeA, transposeB, m, n, k] of shapes) {
          const { a, b } = operands({ transposeA, transposeB, m, n, k, alpha: 1, beta: 0, seed: m + n });
          a[Math.floor(a.length / 2)] = Number.NaN;
          const bias = operands({ transposeA, transposeB, m: 1, n, k: 1, alpha: 1, beta: 0, seed: k }).b;
          for (const [withBias, activation] of [
            [true, "relu"],
            [false, "relu"],
            [true, "none"],
          ] as const) {
            const label = `${threads} threads ${m}×${n}×${k} bias ${withBias} ${activation}`;
            const expected = new Float32Array(m * n);
            denseForwardByGemm(
              kernels,
              transposeA,
              transposeB,
              m,
              n,
              k,
              a,
              b,
              withBias ? bias : null,
              activation,
              expected,
            );
            const fused = new Float32Array(m * n).fill(Number.NaN);
            kernels.denseForward(
              transposeA,
              transposeB,
              m,
              n,
              k,
              a,
              b,
              withBias ? bias : null,
              activation,
              fused,
            );
            expect(valueDifferences(fused, expected), label).toBe(0);
            expect(
              fused.some(Number.isNaN) && (activation === "none" || fused.some((value) => value === 0)),
              label,
            ).toBe(true);
          }
        }
      }
      engine.threads = 1;
    });

    it("overwrites C when β = 0, even NaN, and propagates NaN and ∞ from A to its own row only", () => {
      const m = 5;
      const n = 40;
      const k = 50;
      const gemm: GemmCase = { transposeA: false, transposeB: false, m, n, k, alpha: 1, beta: 0, seed: 3 };
      const { a, b } = operands(gemm);
      const c = new Float32Array(m * n).fill(Number.NaN);
      kernels.gemm(false, false, m, n, k, 1, a, b, 0, c);
      expect(c.every(Number.isFinite)).toBe(true);
      a[2 * k + 7] = Number.NaN;
      a[4 * k + 9] = Number.POSITIVE_INFINITY;
      kernels.gemm(false, false, m, n, k, 1, a, b, 0, c);
      for (let i = 0; i < m; i++) {
        const row = Array.from(c.subarray(i * n, (i + 1) * n));
        if (i === 2) expect(row.every(Number.isNaN)).toBe(true);
        else if (i === 4) expect(row.every((value) => !Number.isFinite(value))).toBe(true);
        else expect(row.every(Number.isFinite)).toBe(true);
      }
    });

    it("reads views at any offset, ignores trailing elements and leaves them untouched", () => {
      const gemm: GemmCase = {
        transposeA: false,
        transposeB: true,
        m: 19,
        n: 23,
        k: 29,
        alpha: 1,
        beta: 0.5,
        seed: 5,
      };
      const { a, b, c } = operands(gemm);
      const aView = new Float32Array(a.length + 7).subarray(3);
      aView.set(a);
      const bView = new Float32Array(b.length + 9).subarray(5);
      bView.set(b);
      const cStore = new Float32Array(c.length + 4).fill(42);
      const cView = cStore.subarray(1);
      cView.set(c);
      kernels.gemm(false, true, 19, 23, 29, 1, aView, bView, 0.5, cView);
      expect(worstExcess(gemm, cView.subarray(0, c.length))).toBe(0);
      expect([cStore[0], cStore[cStore.length - 3], cStore[cStore.length - 1]]).toEqual([42, 42, 42]);
    });

    it("defers float64, empty, tiny and small narrow products to the JavaScript kernel, bit for bit", () => {
      const f32 = (length: number, seed: number) => operands({ ...unit, m: length, seed }).a;
      const f64 = (length: number, seed: number) => Float64Array.from(f32(length, seed));
      const unit: GemmCase = {
        transposeA: false,
        transposeB: false,
        m: 1,
        n: 1,
        k: 1,
        alpha: 1,
        beta: 0,
        seed: 1,
      };
      const calls: Parameters<typeof jsKernels.gemm>[] = [
        [false, false, 30, 40, 50, 1.5, f64(1500, 1), f64(2000, 2), 0.5, f64(1200, 3)],
        [true, false, 30, 40, 50, 1, f64(1500, 4), f32(2000, 5), 0, new Float32Array(1200)],
        [false, false, 4, 5, 0, 2, new Float32Array(0), new Float32Array(0), 0.5, f32(20, 6)],
        [false, true, 3, 4, 5, 1, f32(15, 7), f32(20, 8), 1, f32(12, 9)],
        [false, false, 2, 2, 1000, 1, f32(2000, 10), f32(2000, 11), 0, new Float32Array(4)],
        [true, false, 40, 3, 50, 1, f32(2000, 12), f32(150, 13), 0.5, f32(120, 14)],
      ];
      expect([gemmInWasm(3, 4, 5), gemmInWasm(2, 2, 1000), gemmInWasm(40, 3, 50)]).toEqual([
        false,
        false,
        false,
      ]);
      expect([gemmInWasm(8, 8, 8), gemmInWasm(64, 10, 128), gemmInWasm(64, 1, 1024)]).toEqual([
        true,
        true,
        true,
      ]);
      for (const call of calls) {
        const expected = call[9].slice();
        jsKernels.gemm(
          call[0],
          call[1],
          call[2],
          call[3],
          call[4],
          call[5],
          call[6],
          call[7],
          call[8],
          expected,
        );
        kernels.gemm(
          call[0],
          call[1],
          call[2],
          call[3],
          call[4],
          call[5],
          call[6],
          call[7],
          call[8],
          call[9],
        );
        expect(call[9]).toEqual(expected);
      }
      const untouched = new Float32Array(6).fill(7);
      kernels.gemm(
        false,
        false,
        0,
        6,
        5,
        1,
        new Float32Array(0),
        new Float32Array(30),
        0,
        untouched.subarray(0, 0),
      );
      expect(untouched.every((value) => value === 7)).toBe(true);
    });
  });
}
