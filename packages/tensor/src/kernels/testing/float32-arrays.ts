// Test helpers for the element-wise WebAssembly kernels: seeded float32 data and a bitwise comparison.
import fc from "fast-check";
import { expect } from "vitest";

/** Values a kernel must carry through like the JavaScript loop: zeros of both signs, subnormals, extremes, ∞, NaN. */
const specialValues = [
  0,
  -0,
  1e-45,
  -3e-39,
  3.4e38,
  -3.4e38,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

/**
 * `length` seeded float32 values (xorshift) spread over seven decades around 1, of both signs; with
 * `specialRate` > 0, that fraction of them (about) drawn from the special values instead.
 */
export function seededFloat32(length: number, seed: number, specialRate = 0): Float32Array {
  const data = new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const r = (state >>> 0) / 2 ** 32;
    data[i] =
      r < specialRate
        ? specialValues[(state >>> 8) % specialValues.length]!
        : (r * 2 - 1) * 10 ** (((state >>> 4) % 7) - 3);
  }
  return data;
}

/** Fails unless both arrays hold the same bits (any NaN matches any NaN: payloads differ between wasm and JS). */
export function expectBitIdentical(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i] && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) {
      expect.fail(`element ${i}: ${actual[i]} ≠ ${expected[i]}`);
    }
  }
}

/**
 * Array lengths for the element-wise kernels' property tests: just above the `minimum` a kernel takes,
 * around one and two chunks of 16,384 elements (the tail and chunk-edge cases), and anything up to 70,000.
 */
export function chunkEdgeLengths(minimum: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer({ min: minimum, max: minimum + 40 }),
    fc.integer({ min: 16384 - 5, max: 16384 + 5 }),
    fc.integer({ min: 2 * 16384 - 3, max: 2 * 16384 + 9 }),
    fc.integer({ min: minimum, max: 70000 }),
  );
}
