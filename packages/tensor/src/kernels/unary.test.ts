import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { tensor } from "../creation/index.js";
import { relu } from "../elementwise/unary-activation.js";
import { abs, neg, sqrt } from "../elementwise/unary-arithmetic.js";
import { jsKernels } from "./js-kernels.js";
import type { UnaryOp as UnaryFloat32Op } from "./kernels.js";
import { chunkEdgeLengths, expectBitIdentical, seededFloat32 } from "./testing/float32-arrays.js";
import { UNARY_MINIMUM_LENGTH as UNARY_WASM_MINIMUM_LENGTH } from "./wasm/thresholds.js";
import { compileWasmKernels } from "./wasm/wasm-kernels.js";

const ops: readonly UnaryFloat32Op[] = ["relu", "neg", "abs", "sqrt"];

const wasm = compileWasmKernels("wasm-simd");
afterAll(() => wasm.engine.terminate());
const engineUnary = vi.spyOn(wasm.engine.elementwise, "unary");

/**
 * `Kernels.unary` of the wasm kernels; true when the engine's module ran it (false: the JavaScript reference
 * did). The JavaScript kernels must give the same bits: checked on the same input.
 */
function unaryFloat32(op: UnaryFloat32Op, out: Float32Array, x: Float32Array): boolean {
  const before = engineUnary.mock.calls.length;
  const byJs = new Float32Array(out.length);
  jsKernels.unary(op, byJs, x);
  wasm.unary(op, out, x);
  expectBitIdentical(out, byJs);
  return engineUnary.mock.calls.length > before;
}

/** The JavaScript loops the tensor ops run otherwise: float64 arithmetic stored into a float32 array. */
function reference(op: UnaryFloat32Op, x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const value = x[i]!;
    out[i] =
      op === "relu"
        ? Math.max(value, 0)
        : op === "neg"
          ? -value
          : op === "abs"
            ? Math.abs(value)
            : Math.sqrt(value);
  }
  return out;
}

describe("Kernels.unary", () => {
  it("runs in the engine's WebAssembly module in Node for every op (the fast path is really taken)", () => {
    const x = seededFloat32(UNARY_WASM_MINIMUM_LENGTH, 1);
    for (const op of ops) expect(unaryFloat32(op, new Float32Array(x.length), x)).toBe(true);
  });

  it("leaves short arrays to the JavaScript loop", () => {
    const x = new Float32Array(UNARY_WASM_MINIMUM_LENGTH - 1).fill(-1);
    const out = new Float32Array(x.length).fill(7);
    expect(unaryFloat32("relu", out, x)).toBe(false);
    expect(out.every((value) => value === 0)).toBe(true);
  });

  it("equals the JavaScript loop bit for bit for every op, any length (tails, chunk edges) and special values", () => {
    fc.assert(
      fc.property(
        fc.record({
          op: fc.constantFrom(...ops),
          length: chunkEdgeLengths(UNARY_WASM_MINIMUM_LENGTH),
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
          specials: fc.boolean(),
        }),
        ({ op, length, seed, specials }) => {
          const x = seededFloat32(length, seed, specials ? 0.1 : 0);
          const out = new Float32Array(length);
          expect(unaryFloat32(op, out, x)).toBe(true);
          expectBitIdentical(out, reference(op, x));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("keeps relu(−0) = +0 and NaN as NaN, like Math.max, and sqrt of negatives NaN", () => {
    const x = new Float32Array(1024).fill(-0);
    x[1] = Number.NaN;
    x[2] = -4;
    const out = new Float32Array(1024);
    unaryFloat32("relu", out, x);
    expect(Object.is(out[0], 0)).toBe(true);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBe(0);
    unaryFloat32("sqrt", out, x);
    expect(Object.is(out[0], -0)).toBe(true);
    expect(out[2]).toBeNaN();
  });

  it("writes in place when the output is the input, and reads subarrays at their offsets", () => {
    const x = seededFloat32(3 * 16384 + 3, 11, 0.05);
    const expected = reference("abs", x);
    const inPlace = x.slice();
    unaryFloat32("abs", inPlace, inPlace);
    expectBitIdentical(inPlace, expected);
    const base = seededFloat32(5000, 3, 0.05);
    const view = base.subarray(7, 4007);
    const out = new Float32Array(4010).fill(9).subarray(5, 4005);
    unaryFloat32("neg", out, view);
    expectBitIdentical(out, reference("neg", view));
  });

  it("backs relu, neg, abs and sqrt of float32 tensors, with the loops' results, and leaves float64 alone", () => {
    const shape = [33, 65];
    const data = seededFloat32(33 * 65, 5, 0.05);
    const x = tensor(data, shape);
    for (const [op, run] of [
      ["relu", relu],
      ["neg", neg],
      ["abs", abs],
      ["sqrt", sqrt],
    ] as const) {
      const result = run(x);
      expect(result.shape).toEqual(shape);
      expect(result.dtype).toBe("float32");
      expectBitIdentical(result.data as Float32Array, reference(op, data));
      const wide = run(tensor(Float64Array.from(data), shape));
      expect(wide.dtype).toBe("float64");
    }
  });
});
