import { afterAll, describe, expect, it } from "vitest";
import { DTypeError, ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { getKernels, initKernels, useKernels } from "../kernels/registry.js";
import { releaseResident, residentFloat32 } from "../kernels/resident.js";
import { createRandom, uniform } from "../random/index.js";
import { add, div, mul, sub } from "./arithmetic.js";

const ops = { add, sub, mul, div } as const;
const bitsOf = (array: Float32Array | Float64Array) =>
  Array.from(new Uint32Array(array.buffer, array.byteOffset, (array.byteLength / 4) | 0));

describe("add / sub / mul / div with options.allocate", () => {
  const previous = getKernels();
  afterAll(() => {
    useKernels(previous.name as "js");
  });

  for (const kernels of ["js", "wasm"] as const) {
    it(`writes the same bits into the allocator's array as into a new one (${kernels} kernels, large, broadcast, float64)`, async () => {
      if (kernels === "js") useKernels("js");
      else await initKernels();
      const random = createRandom(3);
      const cases: [Tensor, Tensor | number][] = [
        [uniform(random, [256, 1024]), uniform(random, [256, 1024])],
        [uniform(random, [64, 130]), uniform(random, [130])],
        [uniform(random, [33, 7]), 0.5],
        [uniform(random, [40, 40], { dtype: "float64" }), uniform(random, [40, 40], { dtype: "float64" })],
      ];
      for (const [name, op] of Object.entries(ops)) {
        for (const [a, b] of cases) {
          const expected = op(a, b);
          // Stale contents: every element must be written.
          const reused =
            expected.dtype === "float64"
              ? new Float64Array(expected.size).fill(Number.NaN)
              : new Float32Array(expected.size).fill(Number.NaN);
          const calls: [string, number][] = [];
          const result = op(a, b, {
            allocate: (dtype, length) => {
              calls.push([dtype, length]);
              return reused;
            },
          });
          expect(result.data, name).toBe(reused);
          expect(calls, name).toEqual([[expected.dtype, expected.size]]);
          expect(result.shape, name).toEqual(expected.shape);
          expect(bitsOf(result.data as Float32Array), name).toEqual(bitsOf(expected.data as Float32Array));
        }
      }
    });
  }

  it("runs in place when the allocator returns an operand's own array", async () => {
    await initKernels();
    const random = createRandom(4);
    const a = uniform(random, [128, 64]);
    const b = uniform(random, [128, 64]);
    const expected = add(a, b);
    const result = add(a, b, { allocate: () => a.data as Float32Array });
    expect(result.data).toBe(a.data);
    expect(bitsOf(result.data as Float32Array)).toEqual(bitsOf(expected.data as Float32Array));
  });

  it("writes resident storage in place with the wasm kernels, with the same bits", async () => {
    await initKernels();
    const random = createRandom(5);
    const a = uniform(random, [256, 1024]);
    const b = uniform(random, [256, 1024]);
    const expected = mul(a, b);
    const storage = residentFloat32(a.size);
    const out = storage ?? new Float32Array(a.size);
    const result = mul(a, b, { allocate: () => out });
    expect(result.data).toBe(out);
    expect(bitsOf(out)).toEqual(bitsOf(expected.data as Float32Array));
    if (storage !== null) releaseResident(storage);
  });

  it("rejects bad options with typed errors naming the op, the value and the fix", () => {
    const a = new Tensor(new Float32Array([1, 2, 3, 4]), [4]);
    const b = new Tensor(new Float32Array([5, 6, 7, 8]), [4]);
    expect(() => add(a, b, { alocate: () => new Float32Array(4) } as never)).toThrow(ValueError);
    expect(() => add(a, b, { alocate: () => new Float32Array(4) } as never)).toThrow(/add.*alocate/);
    expect(() => sub(a, b, { allocate: 3 } as never)).toThrow(
      /sub: options\.allocate is 3: pass \(dtype, length\) => array/,
    );
    expect(() => mul(a, b, { allocate: () => new Float32Array(3) })).toThrow(ValueError);
    expect(() => mul(a, b, { allocate: () => new Float32Array(3) })).toThrow(
      /returned a Float32Array of 3 elements: return a Float32Array of exactly 4/,
    );
    expect(() => div(a, b, { allocate: () => new Float64Array(4) })).toThrow(DTypeError);
    expect(() => add(a, b, "fast" as never)).toThrow(ValueError);
  });

  it("refuses an output that overlaps an operand at another position, and leaves the operand untouched", () => {
    const buffer = new Float32Array([1, 2, 3, 4, 5]);
    const a = new Tensor(buffer.subarray(0, 4), [4]);
    expect(() => add(a, 1, { allocate: () => buffer.subarray(1, 5) })).toThrow(ValueError);
    expect(() => add(a, 1, { allocate: () => buffer.subarray(1, 5) })).toThrow(/overlaps the first operand/);
    expect(() => add(2, a, { allocate: () => buffer.subarray(1, 5) })).toThrow(/overlaps the second operand/);
    expect(Array.from(buffer)).toEqual([1, 2, 3, 4, 5]);
  });
});
