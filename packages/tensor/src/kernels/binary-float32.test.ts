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
import { expectBitIdentical, seededFloat32 } from "./testing/float32-arrays.js";

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
          const a = seededFloat32(length, seed, specials ? 0.05 : 0);
          const b = seededFloat32(length, seed + 1, specials ? 0.05 : 0);
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
      const a = seededFloat32(length, 11, 0.05);
      const b = seededFloat32(length, 12, 0.05);
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
    const base = seededFloat32(5000, 3);
    const other = seededFloat32(5000, 4);
    const a = base.subarray(7, 4007);
    const b = other.subarray(1, 4001);
    const out = new Float32Array(4010).fill(9).subarray(5, 4005);
    binaryFloat32("mul", out, a, b);
    expectBitIdentical(out, reference("mul", a, b));
  });

  it("backs add, sub, mul and div of same-shape float32 tensors, with the loop's results", () => {
    const shape = [33, 65];
    const a = tensor(seededFloat32(33 * 65, 5, 0.05), shape);
    const b = tensor(seededFloat32(33 * 65, 6, 0.05), shape);
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
