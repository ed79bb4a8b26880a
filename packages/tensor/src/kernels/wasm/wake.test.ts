// Why this exists: `Kernels.wake` (fit calls it as each step starts) bumps the workers' sequence with THREADS 0
// between products. A worker that sees that bump late, or sees the next product's bump right after it, must
// neither compute nor corrupt anything: products interleaved with wakes and idle gaps long enough for the
// worker to fall asleep give the single-thread bits. The hint is optional: kernels without it ignore it.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { jsKernels } from "../js-kernels.js";
import { getKernels, setKernels } from "../registry.js";
import { wakeKernels } from "../resident.js";
import { bitDifferences, bits, randomValues } from "./testing/gemm-check.js";
import { compileWasmKernels } from "./wasm-kernels.js";

const idle = new Int32Array(new SharedArrayBuffer(4));
/** Blocks the calling thread for `milliseconds` (a worker polls 0.25 ms, then sleeps). */
const pause = (milliseconds: number) => Atomics.wait(idle, 0, 0, milliseconds);

describe("waking the kernels' workers", () => {
  const kernels = compileWasmKernels("wasm-simd", true);
  const engine = kernels.engine;
  const initial = getKernels();
  afterAll(() => {
    setKernels(initial);
    engine.terminate();
  });

  it("changes no product: wakes and idle gaps between 2-thread products give the 1-thread bits", async () => {
    engine.threads = 2;
    await engine.startWorkers();
    setKernels(kernels);
    const step = fc.record({
      size: fc.constantFrom(64, 80, 96, 128),
      wakes: fc.integer({ min: 0, max: 3 }),
      gap: fc.constantFrom(0, 0.1, 1, 3),
      seed: fc.integer({ min: 1, max: 1 << 30 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), (steps) => {
        for (const { size, wakes, gap, seed } of steps) {
          const a = randomValues(size * size, seed);
          const b = randomValues(size * size, seed + 1);
          const expected = new Float32Array(size * size);
          engine.threads = 1;
          engine.gemm(false, false, size, size, size, 1, a, b, 0, expected);
          engine.threads = 2;
          if (gap > 0) pause(gap);
          for (let wake = 0; wake < wakes; wake++) wakeKernels();
          const got = new Float32Array(size * size);
          kernels.gemm(false, false, size, size, size, 1, a, b, 0, got);
          expect(bitDifferences(got, bits(expected))).toBe(0);
        }
      }),
      { numRuns: 25 },
    );
    engine.threads = 1;
  });

  it("is optional: JavaScript kernels have no wake and wakeKernels does nothing with them", () => {
    expect(jsKernels.wake).toBeUndefined();
    setKernels(jsKernels);
    expect(() => wakeKernels()).not.toThrow();
    expect(typeof kernels.wake).toBe("function");
  });
});
