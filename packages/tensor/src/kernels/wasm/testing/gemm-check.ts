// Test support (not exported by the package): random GEMM operands, a float64 reference and a float32
// rounding bound, shared by the kernel tests of every variant.

import type { Kernels } from "../../kernels.js";

/** A GEMM call's arguments: op(A) is m × k, op(B) is k × n, C is m × n. */
export interface GemmCase {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly alpha: number;
  readonly beta: number;
  readonly seed: number;
}

/** Deterministic values in [-1, 1) (a 32-bit LCG), so failures reproduce from the case alone. */
export function randomValues(length: number, seed: number): Float32Array {
  const values = new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[index] = state / 2 ** 31 - 1;
  }
  return values;
}

/** Operands of a case: A, B and an initial C (random, so β·C matters). */
export function operands(gemm: GemmCase): { a: Float32Array; b: Float32Array; c: Float32Array } {
  return {
    a: randomValues(gemm.m * gemm.k, gemm.seed),
    b: randomValues(gemm.k * gemm.n, gemm.seed + 1),
    c: randomValues(gemm.m * gemm.n, gemm.seed + 2),
  };
}

/** The bit patterns of float32 values (a view, no copy). */
export function bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/** Elements whose bit patterns differ (vitest's deep equality is slow on large typed arrays). */
export function bitDifferences(actual: Float32Array, expected: Uint32Array): number {
  const actualBits = bits(actual);
  let differences = Math.abs(actualBits.length - expected.length);
  for (let index = 0; index < Math.min(actualBits.length, expected.length); index++) {
    if (actualBits[index] !== expected[index]) differences++;
  }
  return differences;
}

/** Runs `kernels.gemm` on a copy of C and returns the result. */
export function runGemm(kernels: Kernels, gemm: GemmCase): Float32Array {
  const { a, b, c } = operands(gemm);
  kernels.gemm(gemm.transposeA, gemm.transposeB, gemm.m, gemm.n, gemm.k, gemm.alpha, a, b, gemm.beta, c);
  return c;
}

/**
 * Largest violation of |C − C_exact| ≤ bound over all elements, where C_exact is computed in float64 and the
 * bound is the float32 error of a length-k dot product: (k + 2)·2⁻²³·(|α|·Σ|a||b| + |β·c|) + 2⁻¹²⁶.
 * Returns 0 when every element is within its bound (any positive value is a failure).
 */
export function worstExcess(gemm: GemmCase, result: Float32Array): number {
  const { a, b, c } = operands(gemm);
  const { m, n, k, alpha, beta, transposeA, transposeB } = gemm;
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let exact = 0;
      let magnitude = 0;
      for (let p = 0; p < k; p++) {
        const product =
          (transposeA ? a[p * m + i]! : a[i * k + p]!) * (transposeB ? b[j * k + p]! : b[p * n + j]!);
        exact += product;
        magnitude += Math.abs(product);
      }
      const old = beta === 0 ? 0 : beta * c[i * n + j]!;
      const expected = alpha * exact + old;
      const bound = (k + 2) * 2 ** -23 * (Math.abs(alpha) * magnitude + Math.abs(old)) + 2 ** -126;
      const error = Math.abs(result[i * n + j]! - expected);
      if (!(error <= bound)) worst = Math.max(worst, Number.isNaN(error) ? Infinity : error - bound);
    }
  }
  return worst;
}

/**
 * Sizes around the block sizes of both tiles (plain SIMD 2×16, relaxed SIMD 6×8; KC = 256; compute chunks of
 * 128 rows, or 132 with 6-row panels) plus small primes.
 */
export const edgeSizes = [
  1, 2, 3, 5, 6, 7, 8, 9, 13, 15, 16, 17, 31, 33, 65, 127, 129, 131, 133, 255, 257,
] as const;
