import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { jsKernels } from "./js-kernels.js";
import { getKernels, setKernels, useKernels } from "./registry.js";
import { releaseResident, residentFloat32 } from "./resident.js";
import { expectBitIdentical, seededFloat32 } from "./testing/float32-arrays.js";
import { scaledAddFloat32 as checkedScaledAdd } from "./training-updates.js";
import { SCALED_ADD_MINIMUM_LENGTH } from "./wasm/thresholds.js";
import type { WasmKernels } from "./wasm/wasm-kernels.js";

/**
 * `scaledAddFloat32` (argument checks, then the active kernels' scaledAdd) on the active kernels, after the
 * same call on the JavaScript kernels into a copy, whose bits and finiteness it must give.
 */
function scaledAddFloat32(out: Float32Array, p: Float32Array, u: Float32Array, factor: number): boolean {
  const active = getKernels();
  const byJs = out.slice();
  setKernels(jsKernels);
  const finiteByJs = checkedScaledAdd(byJs, out === p ? byJs : p, out === u ? byJs : u, factor);
  setKernels(active);
  const finite = checkedScaledAdd(out, p, u, factor);
  expectBitIdentical(out, byJs);
  expect(finite).toBe(finiteByJs);
  return finite;
}

function reference(p: Float32Array, u: Float32Array, factor: number): { out: Float32Array; finite: boolean } {
  const out = new Float32Array(p.length);
  let finite = true;
  for (let i = 0; i < p.length; i++) {
    out[i] = p[i]! + Math.fround(factor * u[i]!);
    if (!Number.isFinite(out[i]!)) finite = false;
  }
  return { out, finite };
}

describe("scaledAddFloat32", () => {
  it("runs in the engine's WebAssembly module in Node from the threshold on (the fast path is really taken)", () => {
    const { engine } = useKernels("wasm-simd") as WasmKernels;
    const spy = vi.spyOn(engine.elementwise, "scaledAdd");
    const p = seededFloat32(SCALED_ADD_MINIMUM_LENGTH, 1);
    scaledAddFloat32(new Float32Array(p.length), p, p, 0.5);
    expect(spy).toHaveBeenCalledTimes(1);
    scaledAddFloat32(new Float32Array(p.length - 1), p, p, 0.5);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  it("equals fround(p + fround(factor·u)) bit for bit, with the right finiteness, for any length", () => {
    fc.assert(
      fc.property(
        fc.record({
          length: fc.oneof(
            fc.integer({ min: 0, max: 40 }),
            fc.integer({ min: 2040, max: 2060 }),
            fc.integer({ min: 4090, max: 9000 }),
          ),
          factor: fc.oneof(
            fc.constantFrom(0, -0, -0.1, 0.1, 1, -1e-30, 3e30),
            fc.double({ min: -10, max: 10, noNaN: true }),
          ),
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
          specials: fc.boolean(),
        }),
        ({ length, factor, seed, specials }) => {
          const p = seededFloat32(length, seed, specials ? 0.01 : 0);
          const u = seededFloat32(length, seed + 1, specials ? 0.01 : 0);
          const expected = reference(p, u, factor);
          const out = new Float32Array(length).fill(7);
          expect(scaledAddFloat32(out, p, u, factor)).toBe(expected.finite);
          expectBitIdentical(out, expected.out);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("may write over either operand", () => {
    const p = seededFloat32(5003, 3);
    const u = seededFloat32(5003, 4);
    const expected = reference(p, u, -0.25).out;
    const intoP = p.slice();
    scaledAddFloat32(intoP, intoP, u, -0.25);
    expectBitIdentical(intoP, expected);
    const intoU = u.slice();
    scaledAddFloat32(intoU, p, intoU, -0.25);
    expectBitIdentical(intoU, expected);
  });

  it("reports an overflow to infinity from finite operands, in the vector body and in the tail", () => {
    for (const at of [100, 5002]) {
      const p = new Float32Array(5003).fill(1);
      const u = new Float32Array(5003).fill(1);
      p[at] = 3e38;
      u[at] = -3e38;
      expect(scaledAddFloat32(new Float32Array(5003), p, u, -1)).toBe(false);
      expect(scaledAddFloat32(new Float32Array(5003), p, u, 1)).toBe(true);
    }
  });

  describe("on resident arrays (updated in the kernels' memory)", () => {
    /** A resident copy of `values`. */
    function resident(values: Float32Array): Float32Array {
      const array = residentFloat32(values.length)!;
      array.set(values);
      return array;
    }

    it("takes the in-place path of the wasm engine", () => {
      const { engine } = useKernels("wasm-simd") as WasmKernels;
      const spy = vi.spyOn(engine.residentElementwise, "scaledAdd");
      const [out, p, u] = [8, 9, 10].map((seed) => resident(seededFloat32(4096, seed))) as [
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      expect(scaledAddFloat32(out, p, u, -0.5)).toBe(true);
      expect(spy).toHaveBeenLastCalledWith(out.byteOffset, p.byteOffset, u.byteOffset, 4096, -0.5);
      // One plain operand: all three go through copies in scratch.
      scaledAddFloat32(out, p, new Float32Array(4096), -0.5);
      expect(spy).toHaveBeenCalledTimes(1);
      spy.mockRestore();
      for (const array of [out, p, u]) releaseResident(array);
    });

    it("gives the same bits and finiteness as plain arrays, for any length, also in place", () => {
      useKernels("wasm-simd");
      fc.assert(
        fc.property(
          fc.record({
            length: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 2040, max: 9000 })),
            factor: fc.oneof(
              fc.constantFrom(0, -0, -0.1, 1, 3e30),
              fc.double({ min: -10, max: 10, noNaN: true }),
            ),
            seed: fc.integer({ min: 1, max: 2 ** 30 }),
            specials: fc.boolean(),
            aliasing: fc.constantFrom("none", "p", "u"),
          }),
          ({ length, factor, seed, specials, aliasing }) => {
            const p = seededFloat32(length, seed, specials ? 0.01 : 0);
            const u = seededFloat32(length, seed + 1, specials ? 0.01 : 0);
            const expected = reference(p, u, factor);
            const residentP = resident(p);
            const residentU = resident(u);
            const out =
              aliasing === "p"
                ? residentP
                : aliasing === "u"
                  ? residentU
                  : resident(new Float32Array(length).fill(7));
            expect(scaledAddFloat32(out, residentP, residentU, factor)).toBe(expected.finite);
            expectBitIdentical(out, expected.out);
            for (const array of new Set([out, residentP, residentU])) releaseResident(array);
          },
        ),
        { numRuns: 150 },
      );
    });
  });
});
