import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tensor } from "../creation/index.js";
import { add, div, mul, sub } from "../elementwise/arithmetic.js";
import {
  BINARY_WASM_MINIMUM_LENGTH,
  type BinaryFloat32Op,
  binaryFloat32,
  binaryFloat32Implementation,
} from "./binary-float32.js";

const ops: readonly BinaryFloat32Op[] = ["add", "sub", "mul", "div"];

/** The JavaScript loop `binary()` runs otherwise: float64 arithmetic stored into a float32 array. */
function reference(op: BinaryFloat32Op, a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    out[i] = op === "add" ? x + y : op === "sub" ? x - y : op === "mul" ? x * y : x / y;
  }
  return out;
}

function expectBitIdentical(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    // NaN payloads may differ between wasm and JavaScript; any NaN matches any NaN.
    if (a[i] !== e[i] && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) {
      expect.fail(`element ${i}: ${actual[i]} ≠ ${expected[i]}`);
    }
  }
}

const special = [0, -0, 1e-45, -3e-39, 3.4e38, -3.4e38, Number.NaN, Number.POSITIVE_INFINITY, -1];

function filled(length: number, seed: number, specials: boolean): Float32Array {
  const data = new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const r = (state >>> 0) / 2 ** 32;
    data[i] =
      specials && r < 0.05
        ? special[(state >>> 8) % special.length]!
        : (r * 2 - 1) * 10 ** (((state >>> 4) % 9) - 4);
  }
  return data;
}

describe("binaryFloat32", () => {
  it("runs WebAssembly SIMD in Node for every op (the fast path is really taken)", () => {
    for (const op of ops) expect(binaryFloat32Implementation(op)).toBe("wasm-simd");
  });

  it("declines short arrays, writing nothing, so the caller's loop runs", () => {
    const a = new Float32Array(BINARY_WASM_MINIMUM_LENGTH - 1).fill(1);
    const out = new Float32Array(a.length).fill(7);
    expect(binaryFloat32("add", out, a, a)).toBe(false);
    expect(out.every((value) => value === 7)).toBe(true);
  });

  it("equals the JavaScript loop bit for bit for every op, any length (tails, chunk edges) and special values", () => {
    fc.assert(
      fc.property(
        fc.record({
          op: fc.constantFrom(...ops),
          length: fc.oneof(
            fc.integer({ min: BINARY_WASM_MINIMUM_LENGTH, max: BINARY_WASM_MINIMUM_LENGTH + 40 }),
            fc.integer({ min: 16384 - 5, max: 16384 + 5 }),
            fc.integer({ min: 2 * 16384 - 3, max: 2 * 16384 + 9 }),
            fc.integer({ min: 512, max: 70000 }),
          ),
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
          specials: fc.boolean(),
        }),
        ({ op, length, seed, specials }) => {
          const a = filled(length, seed, specials);
          const b = filled(length, seed + 1, specials);
          const out = new Float32Array(length);
          expect(binaryFloat32(op, out, a, b)).toBe(true);
          expectBitIdentical(out, reference(op, a, b));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("writes in place when the output is an operand (x ← x ∘ y and y ← x ∘ y)", () => {
    const length = 3 * 16384 + 3;
    for (const op of ops) {
      const a = filled(length, 11, true);
      const b = filled(length, 12, true);
      const expected = reference(op, a, b);
      const first = a.slice();
      binaryFloat32(op, first, first, b);
      expectBitIdentical(first, expected);
      const second = b.slice();
      binaryFloat32(op, second, a, second);
      expectBitIdentical(second, expected);
    }
  });

  it("reads and writes subarrays at their offsets", () => {
    const base = filled(5000, 3, false);
    const other = filled(5000, 4, false);
    const a = base.subarray(7, 4007);
    const b = other.subarray(1, 4001);
    const out = new Float32Array(4010).fill(9).subarray(5, 4005);
    binaryFloat32("mul", out, a, b);
    expectBitIdentical(out, reference("mul", a, b));
  });

  it("backs add, sub, mul and div of same-shape float32 tensors, with the loop's results", () => {
    const shape = [33, 65];
    const a = tensor(filled(33 * 65, 5, true), shape);
    const b = tensor(filled(33 * 65, 6, true), shape);
    for (const [op, run] of [
      ["add", add],
      ["sub", sub],
      ["mul", mul],
      ["div", div],
    ] as const) {
      const result = run(a, b);
      expect(result.shape).toEqual(shape);
      expect(result.dtype).toBe("float32");
      expectBitIdentical(
        result.data as Float32Array,
        reference(op, a.data as Float32Array, b.data as Float32Array),
      );
    }
  });
});
