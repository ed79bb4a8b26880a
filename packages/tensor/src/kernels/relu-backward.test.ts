import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { jsKernels } from "./js-kernels.js";
import { setKernels } from "./registry.js";
import { reluGradient as checkedReluGradient } from "./training-updates.js";
import { RELU_BACKWARD_MINIMUM_LENGTH } from "./wasm/thresholds.js";
import { compileWasmKernels } from "./wasm/wasm-kernels.js";

const wasm = compileWasmKernels("wasm-simd");
afterAll(() => wasm.engine.terminate());
const engineReluBackward = vi.spyOn(wasm.engine.elementwise, "reluBackward");

/**
 * `reluGradient` (argument checks, then the active kernels' reluBackward) on the wasm kernels, after the same
 * call on the JavaScript kernels, whose bits it must give; true when the engine's module ran it.
 */
function reluGradient(
  g: Float32Array | Float64Array,
  y: Float32Array | Float64Array,
  out: Float32Array | Float64Array,
  bias: Float32Array | Float64Array | null,
  columns: number,
): boolean {
  const outByJs = out.slice();
  const biasByJs = bias?.slice() ?? null;
  setKernels(jsKernels);
  checkedReluGradient(g, y, outByJs, biasByJs, columns);
  const before = engineReluBackward.mock.calls.length;
  setKernels(wasm);
  checkedReluGradient(g, y, out, bias, columns);
  expectSame(out, outByJs);
  if (bias !== null) expectSame(bias, biasByJs!);
  return engineReluBackward.mock.calls.length > before;
}

function filled(length: number, seed: number, relu: boolean, specials: boolean): Float32Array {
  const values = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e-45, 3e38];
  const data = new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const r = (state >>> 0) / 2 ** 32;
    const value = specials && r < 0.02 ? values[(state >>> 8) % values.length]! : r * 4 - 2;
    data[i] = relu ? Math.max(value, 0) : value;
  }
  return data;
}

function reference(g: Float32Array, y: Float32Array, bias: Float32Array, columns: number): Float32Array {
  const out = new Float32Array(g.length);
  for (let offset = 0; offset < g.length; offset += columns) {
    for (let j = 0; j < columns; j++) {
      const derivative = y[offset + j]! > 0 ? 1 : y[offset + j] === 0 ? 0 : Number.NaN;
      out[offset + j] = g[offset + j]! * derivative;
      bias[j]! += out[offset + j]!;
    }
  }
  return out;
}

function expectSame(actual: Float32Array | Float64Array, expected: Float32Array | Float64Array): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const same = Object.is(actual[i], expected[i]) || (Number.isNaN(actual[i]) && Number.isNaN(expected[i]));
    if (!same) expect.fail(`element ${i}: ${actual[i]} ≠ ${expected[i]}`);
  }
}

describe("reluGradient (Kernels.reluBackward)", () => {
  it("runs in the engine's WebAssembly module for float32 rows of whole vectors from the threshold on", () => {
    const columns = 128;
    const rows = RELU_BACKWARD_MINIMUM_LENGTH / columns;
    const run = (rowCount: number, width: number) =>
      reluGradient(
        filled(rowCount * width, 1, false, false),
        filled(rowCount * width, 2, true, false),
        new Float32Array(rowCount * width),
        new Float32Array(width),
        width,
      );
    expect(run(rows, columns)).toBe(true);
    expect(run(rows - 1, columns)).toBe(false);
    expect(run(rows, columns + 2)).toBe(false);
  });

  it("equals g·[y > 0] (NaN kept, −0 kept) and the row sums of the JavaScript loop, bit for bit", () => {
    fc.assert(
      fc.property(
        fc.record({
          rows: fc.integer({ min: 1, max: 70 }),
          columns: fc.oneof(fc.constantFrom(4, 16, 128, 132), fc.integer({ min: 1, max: 140 })),
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
          specials: fc.boolean(),
          withBias: fc.boolean(),
        }),
        ({ rows, columns, seed, specials, withBias }) => {
          const g = filled(rows * columns, seed, false, specials);
          const y = filled(rows * columns, seed + 1, true, specials);
          const start = filled(columns, seed + 2, false, false);
          const expectedBias = start.slice();
          const expected = reference(g, y, expectedBias, columns);
          const bias = withBias ? start.slice() : null;
          const out = new Float32Array(rows * columns).fill(9);
          reluGradient(g, y, out, bias, columns);
          expectSame(out, expected);
          if (bias !== null) expectSame(bias, expectedBias);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("computes float64 arrays with the same formula (JavaScript)", () => {
    const g = Float64Array.from([1, -2, 3, Number.NaN]);
    const y = Float64Array.from([0, 5, Number.NaN, 1]);
    const out = new Float64Array(4);
    const bias = new Float64Array(2);
    reluGradient(g, y, out, bias, 2);
    expect(Array.from(out)).toEqual([0, -2, Number.NaN, Number.NaN]);
    expect(Array.from(bias)).toEqual([Number.NaN, Number.NaN]);
  });
});
