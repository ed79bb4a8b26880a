import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createBlockedGemm } from "./js-gemm.js";
import { jsKernels } from "./js-kernels.js";

type NumericArray = Float32Array | Float64Array;

function naiveGemm(
  transposeA: boolean,
  transposeB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: NumericArray,
  b: NumericArray,
  beta: number,
  c: NumericArray,
): Float64Array {
  const result = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let total = 0;
      for (let p = 0; p < k; p++) {
        total += (transposeA ? a[p * m + i]! : a[i * k + p]!) * (transposeB ? b[j * k + p]! : b[p * n + j]!);
      }
      result[i * n + j] = beta === 0 ? alpha * total : alpha * total + beta * c[i * n + j]!;
    }
  }
  return result;
}

/** Deterministic pseudo-random fill in [-1, 1) (the random family belongs to another module). */
function filled(size: number, seed: number, dtype: "float32" | "float64" = "float64"): NumericArray {
  const data = dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = (state >>> 0) / 2 ** 31 - 1;
  }
  return data;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const error = Math.abs(actual[i]! - expected[i]!);
    if (!(error <= tolerance * (1 + Math.abs(expected[i]!)))) {
      expect.fail(`element ${i}: ${actual[i]} ≠ ${expected[i]} (tolerance ${tolerance})`);
    }
  }
}

const tinyBlocks = createBlockedGemm({ rowBlock: 4, columnBlock: 8, depthBlock: 3, smallProduct: 0 });
const oddBlocks = createBlockedGemm({ rowBlock: 5, columnBlock: 6, depthBlock: 7, smallProduct: 0 });

describe("blocked gemm", () => {
  const cases = fc.record({
    m: fc.integer({ min: 1, max: 23 }),
    n: fc.integer({ min: 1, max: 23 }),
    k: fc.integer({ min: 0, max: 23 }),
    transposeA: fc.boolean(),
    transposeB: fc.boolean(),
    alpha: fc.constantFrom(1, -0.5, 2),
    beta: fc.constantFrom(0, 1, 0.25),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  });

  for (const [name, gemm] of [
    ["tiny blocks", tinyBlocks],
    ["odd blocks", oddBlocks],
    ["default (direct path for small sizes)", jsKernels.gemm],
  ] as const) {
    it(`matches the naive triple loop for every transpose combination, alpha and beta (${name})`, () => {
      fc.assert(
        fc.property(cases, ({ m, n, k, transposeA, transposeB, alpha, beta, seed }) => {
          const a = filled(m * k, seed);
          const b = filled(k * n, seed + 1);
          const c = filled(m * n, seed + 2);
          const expected = naiveGemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c);
          gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c);
          expectClose(c, expected, 1e-12);
        }),
        { numRuns: 150 },
      );
    });
  }

  it("matches the naive loop on sizes that span several default blocks (not multiples of the block)", () => {
    const m = 131;
    const n = 133;
    const k = 261;
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a = filled(m * k, 7, "float32");
      const b = filled(k * n, 8, "float32");
      const c = new Float32Array(m * n);
      jsKernels.gemm(transposeA, transposeB, m, n, k, 1, a, b, 0, c);
      expectClose(c, naiveGemm(transposeA, transposeB, m, n, k, 1, a, b, 0, c), 1e-5);
    }
  });

  it("handles size-1 dimensions: outer product, dot product, scalar", () => {
    for (const gemm of [tinyBlocks, jsKernels.gemm]) {
      const outer = new Float64Array(6);
      gemm(false, false, 2, 3, 1, 1, new Float64Array([1, 2]), new Float64Array([3, 4, 5]), 0, outer);
      expect(Array.from(outer)).toEqual([3, 4, 5, 6, 8, 10]);
      const dot = new Float64Array(1);
      gemm(false, false, 1, 1, 3, 1, new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6]), 0, dot);
      expect(dot[0]).toBe(32);
      const scalar = new Float64Array([10]);
      gemm(true, true, 1, 1, 1, 2, new Float64Array([3]), new Float64Array([4]), 1, scalar);
      expect(scalar[0]).toBe(34);
    }
  });

  it("beta = 0 overwrites C, even NaN and Infinity; beta ≠ 0 reads it", () => {
    for (const gemm of [tinyBlocks, jsKernels.gemm]) {
      const c = new Float32Array([Number.NaN, Number.POSITIVE_INFINITY, Number.NaN, 1]);
      gemm(false, false, 2, 2, 2, 1, new Float32Array([1, 2, 3, 4]), new Float32Array([1, 0, 0, 1]), 0, c);
      expect(Array.from(c)).toEqual([1, 2, 3, 4]);
      gemm(false, false, 2, 2, 2, 1, new Float32Array([1, 2, 3, 4]), new Float32Array([1, 0, 0, 1]), 1, c);
      expect(Array.from(c)).toEqual([2, 4, 6, 8]);
    }
  });

  it("k = 0 gives β·C (the empty sum is 0), and empty m or n writes nothing", () => {
    for (const gemm of [tinyBlocks, jsKernels.gemm]) {
      const c = new Float64Array([Number.NaN, 5]);
      gemm(false, false, 1, 2, 0, 1, new Float64Array(0), new Float64Array(0), 0, c);
      expect(Array.from(c)).toEqual([0, 0]);
      const untouched = new Float64Array(0);
      gemm(false, false, 0, 3, 4, 1, new Float64Array(0), new Float64Array(12), 0, untouched);
      expect(untouched.length).toBe(0);
    }
  });

  it("propagates NaN and Infinity from A and B (never hidden by zero padding)", () => {
    for (const gemm of [tinyBlocks, jsKernels.gemm]) {
      const c = new Float64Array(4);
      const b = new Float64Array([Number.NaN, 1, 1, 1]);
      gemm(false, false, 2, 2, 2, 1, new Float64Array([1, 0, 0, 1]), b, 0, c);
      // 0·NaN is NaN (IEEE 754), so the NaN reaches every element that reads it.
      expect(Array.from(c)).toEqual([Number.NaN, 1, Number.NaN, 1]);
    }
  });

  it("rounds once: float32 output equals the float64 product rounded to float32", () => {
    const m = 37;
    const n = 41;
    const k = 300;
    const a = filled(m * k, 11, "float32");
    const b = filled(k * n, 12, "float32");
    const c = new Float32Array(m * n);
    jsKernels.gemm(false, false, m, n, k, 1, a, b, 0, c);
    const reference = Float32Array.from(naiveGemm(false, false, m, n, k, 1, a, b, 0, c));
    expectClose(c, reference, 1e-6);
  });
});
