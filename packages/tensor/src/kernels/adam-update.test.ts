// Why this exists: Adam's step is a member of the one Kernels interface, so the WebAssembly float64 lanes must
// give the JavaScript reference loop's bits (staged and resident, float32 and the float64 fallback, odd lengths,
// NaN, ±∞, −0 and subnormal gradients), the reference must be Adam's published rule, and bad arguments must be
// refused with the op, the value and the fix.

import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { ValueError } from "../core/errors.js";
import { jsKernels } from "./js-kernels.js";
import type { AdamCoefficients } from "./kernels.js";
import { getKernels, setKernels } from "./registry.js";
import { expectBitIdentical } from "./testing/float32-arrays.js";
import { adamUpdate } from "./training-updates.js";
import { ADAM_MINIMUM_LENGTH } from "./wasm/thresholds.js";
import { compileWasmKernels } from "./wasm/wasm-kernels.js";

const wasm = compileWasmKernels("wasm-simd");
const initial = getKernels();
const staged = vi.spyOn(wasm.engine.elementwise, "adamUpdate");
const inPlace = vi.spyOn(wasm.engine.residentElementwise, "adamUpdate");
afterAll(() => {
  setKernels(initial);
  wasm.engine.terminate();
});

const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1e-42, -3e-39];

/** Seeded values in [−2, 2), with about `specialShare` of them NaN, ±∞, ±0 or subnormal. */
function values(length: number, seed: number, specialShare: number, positive = false): Float32Array {
  const data = new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const r = state / 2 ** 32;
    const value = r < specialShare ? specials[state % specials.length]! : r * 4 - 2;
    data[i] = positive ? Math.abs(value) : value;
  }
  return data;
}

function coefficientsAt(step: number, beta1: number, beta2: number, epsilonRoot: number): AdamCoefficients {
  return {
    beta1,
    beta2,
    inverseCorrection1: 1 / (1 - beta1 ** step),
    inverseCorrection2: 1 / (1 - beta2 ** step),
    epsilonRoot,
    epsilon: 1e-8,
  };
}

interface Step {
  readonly mOut: Float32Array | Float64Array;
  readonly vOut: Float32Array | Float64Array;
  readonly out: Float32Array | Float64Array;
}

/** One checked step on the active kernels into new arrays like `g`. */
function step(
  g: Float32Array | Float64Array,
  m: Float32Array | Float64Array,
  v: Float32Array | Float64Array,
  coefficients: AdamCoefficients,
  make: (length: number) => Float32Array | Float64Array = (length) =>
    new (g.constructor as Float32ArrayConstructor)(length),
): Step {
  const mOut = make(g.length);
  const vOut = make(g.length);
  const out = make(g.length);
  adamUpdate(g, m, v, mOut, vOut, out, coefficients);
  return { mOut, vOut, out };
}

function byJs(
  g: Float32Array | Float64Array,
  m: Float32Array | Float64Array,
  v: Float32Array | Float64Array,
  coefficients: AdamCoefficients,
): Step {
  setKernels(jsKernels);
  try {
    return step(g, m, v, coefficients);
  } finally {
    setKernels(wasm);
  }
}

describe("adamUpdate: the WebAssembly kernels give the JavaScript reference's bits", () => {
  it("on random lengths (odd ones too), moments and coefficients, with NaN, ±∞, −0 and subnormals", () => {
    setKernels(wasm);
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: ADAM_MINIMUM_LENGTH, max: 3000 })),
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.constantFrom(0.9, 0.5, 0),
        fc.constantFrom(0.999, 0.9),
        fc.constantFrom(0, 1e-8),
        (length, seed, t, beta1, beta2, epsilonRoot) => {
          const g = values(length, seed, 0.05);
          const m = values(length, seed + 1, 0.02);
          const v = values(length, seed + 2, 0.02, true);
          const coefficients = coefficientsAt(t, beta1, beta2, epsilonRoot);
          const calls = staged.mock.calls.length;
          const actual = step(g, m, v, coefficients);
          expect(staged.mock.calls.length).toBe(calls + (length >= ADAM_MINIMUM_LENGTH ? 1 : 0));
          const expected = byJs(g, m, v, coefficients);
          expectBitIdentical(actual.mOut as Float32Array, expected.mOut as Float32Array);
          expectBitIdentical(actual.vOut as Float32Array, expected.vOut as Float32Array);
          expectBitIdentical(actual.out as Float32Array, expected.out as Float32Array);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("in place on resident arrays, and in JavaScript for float64 arrays", () => {
    setKernels(wasm);
    const length = 2 * ADAM_MINIMUM_LENGTH + 1;
    const coefficients = coefficientsAt(3, 0.9, 0.999, 0);
    const g = values(length, 5, 0.05);
    const m = values(length, 6, 0.02);
    const v = values(length, 7, 0.02, true);
    const owned: Float32Array[] = [];
    const resident = (source: Float32Array | number) => {
      const array = wasm.engine.residentFloat32(typeof source === "number" ? source : source.length);
      if (array === null) throw new Error("no resident storage in this runtime");
      if (typeof source !== "number") array.set(source);
      owned.push(array);
      return array;
    };
    try {
      const calls = inPlace.mock.calls.length;
      const actual = step(resident(g), resident(m), resident(v), coefficients, resident);
      expect(inPlace.mock.calls.length).toBe(calls + 1);
      const expected = byJs(g, m, v, coefficients);
      expectBitIdentical(actual.mOut as Float32Array, expected.mOut as Float32Array);
      expectBitIdentical(actual.vOut as Float32Array, expected.vOut as Float32Array);
      expectBitIdentical(actual.out as Float32Array, expected.out as Float32Array);
    } finally {
      for (const array of owned) wasm.engine.releaseResident(array);
    }
    const stagedCalls = staged.mock.calls.length;
    const wide = step(Float64Array.from(g), Float64Array.from(m), Float64Array.from(v), coefficients);
    expect(staged.mock.calls.length).toBe(stagedCalls);
    expect(Array.from(wide.out)).toEqual(
      Array.from(byJs(Float64Array.from(g), Float64Array.from(m), Float64Array.from(v), coefficients).out),
    );
  });

  it("the reference is Adam's published rule (Kingma & Ba, Algorithm 1), evaluated in float64", () => {
    const g = Float64Array.of(0.5, -2, 0, 1e-3);
    const m = Float64Array.of(0.1, 0.2, -0.3, 0);
    const v = Float64Array.of(0.01, 0.5, 0.2, 0);
    const beta1 = 0.9;
    const beta2 = 0.999;
    const t = 7;
    const result = byJs(g, m, v, coefficientsAt(t, beta1, beta2, 0));
    for (let i = 0; i < g.length; i++) {
      const mNext = beta1 * m[i]! + (1 - beta1) * g[i]!;
      const vNext = beta2 * v[i]! + (1 - beta2) * g[i]! * g[i]!;
      const mHat = mNext / (1 - beta1 ** t);
      const vHat = vNext / (1 - beta2 ** t);
      expect(result.mOut[i]).toBe(mNext);
      expect(result.vOut[i]).toBe(vNext);
      expect(result.out[i]).toBeCloseTo(mHat / (Math.sqrt(vHat) + 1e-8), 12);
    }
  });
});

describe("adamUpdate: bad arguments", () => {
  const coefficients = coefficientsAt(1, 0.9, 0.999, 0);
  const four = () => new Float32Array(4);

  it("names the op, the array and the fix", () => {
    expect(() =>
      adamUpdate(four(), four(), new Float32Array(3), four(), four(), four(), coefficients),
    ).toThrow(/adamUpdate: v has 3 elements but 4/);
    expect(() =>
      adamUpdate(four(), four(), four(), four(), four(), new Float32Array(5), coefficients),
    ).toThrow(/adamUpdate: out has 5 elements and g 4: pass arrays of one length/);
    expect(() =>
      adamUpdate(four(), four(), four(), four(), four(), [0, 0, 0, 0] as never, coefficients),
    ).toThrow(ValueError);
    const m = four();
    expect(() => adamUpdate(four(), m, four(), m, four(), four(), coefficients)).toThrow(
      /adamUpdate: mOut overlaps another array: pass new arrays for mOut, vOut and out/,
    );
    const shared = new Float32Array(8);
    expect(() =>
      adamUpdate(four(), four(), four(), shared.subarray(0, 4), shared.subarray(2, 6), four(), coefficients),
    ).toThrow(/adamUpdate: vOut overlaps another array/);
    expect(() =>
      adamUpdate(four(), four(), four(), four(), four(), four(), { ...coefficients, epsilon: Number.NaN }),
    ).toThrow(/adamUpdate: coefficients\.epsilon is NaN: pass a finite number/);
    expect(() => adamUpdate(four(), four(), four(), four(), four(), four(), null as never)).toThrow(
      /adamUpdate: coefficients is null: pass \{ beta1, beta2, inverseCorrection1/,
    );
  });
});
