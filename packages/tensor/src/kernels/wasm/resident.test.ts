import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { jsKernels } from "../js-kernels.js";
import type { BinaryOp, BinaryOperand } from "../kernels.js";
import { getKernels, setKernels, useKernels } from "../registry.js";
import { releaseResident, residentFloat32 } from "../resident.js";
import { ACTIVATION_NONE, ACTIVATION_RELU } from "./generated/layout.js";
import { bitDifferences, bits, edgeSizes, operands, randomValues } from "./testing/gemm-check.js";
import { BINARY_MINIMUM_LENGTH } from "./thresholds.js";
import { compileWasmKernels } from "./wasm-kernels.js";

describe("resident arrays of the wasm engine", () => {
  const kernels = compileWasmKernels("wasm-simd", true);
  const engine = kernels.engine;
  afterAll(() => engine.terminate());

  /** A copy of `values` in a resident block (or a plain copy when `resident` is false). */
  function place(values: Float32Array, resident: boolean, owned: Float32Array[]): Float32Array {
    if (!resident) return values.slice();
    const array = engine.residentFloat32(values.length)!;
    array.set(values);
    owned.push(array);
    return array;
  }

  it("zero: a resident array is cleared in the module (every element +0, whatever it held), a plain one by fill", () => {
    const moduleZero = vi.spyOn(engine.residentElementwise, "zero");
    const owned: Float32Array[] = [];
    try {
      for (const length of [1, 3, 4, 17, 1000]) {
        const values = Float32Array.from({ length }, (_, i) => [Number.NaN, -0, 1.5, -Infinity][i % 4]!);
        const resident = place(values, true, owned);
        const neighbour = place(values, true, owned);
        const calls = moduleZero.mock.calls.length;
        kernels.zero(resident);
        expect(moduleZero.mock.calls.length).toBe(calls + 1);
        expect(bits(resident)).toEqual(bits(new Float32Array(length)));
        // The block after it is untouched.
        expect(bits(neighbour)).toEqual(bits(values));
        const plain = values.slice();
        kernels.zero(plain);
        expect(moduleZero.mock.calls.length).toBe(calls + 1);
        expect(bits(plain)).toEqual(bits(new Float32Array(length)));
      }
      const wide = Float64Array.of(-0, Number.NaN);
      kernels.zero(wide);
      expect(Array.from(wide, (value) => Object.is(value, 0))).toEqual([true, true]);
      // The JavaScript reference every backend must match.
      const reference = Float32Array.of(-0, Number.NaN, 3);
      jsKernels.zero(reference);
      expect(bits(reference)).toEqual(bits(new Float32Array(3)));
    } finally {
      for (const array of owned) engine.releaseResident(array);
    }
  });

  const size = fc.oneof(fc.constantFrom(...edgeSizes, 256), fc.integer({ min: 1, max: 140 }));
  const gemmCase = fc.record({
    transposeA: fc.boolean(),
    transposeB: fc.boolean(),
    m: size,
    n: size,
    k: size,
    alpha: fc.constantFrom(1, -0.5, 2),
    beta: fc.constantFrom(0, 1, 0.25),
    withBias: fc.boolean(),
    relu: fc.boolean(),
    residency: fc.integer({ min: 0, max: 15 }),
    seed: fc.integer({ min: 1, max: 1 << 30 }),
  });

  for (const threads of [1, 2]) {
    it(`gives the same bits with any operands resident, ${threads} thread(s)`, async () => {
      engine.threads = threads;
      await engine.startWorkers();
      fc.assert(
        fc.property(gemmCase, (test) => {
          const { m, n, k, seed } = test;
          const { a, b, c } = operands(test);
          const bias = test.withBias ? randomValues(n, seed + 3) : null;
          const activation = test.relu ? ACTIVATION_RELU : ACTIVATION_NONE;
          // The fused epilogue runs only with β = 0 (denseForward); plain GEMMs keep their β.
          const beta = test.withBias || test.relu ? 0 : test.beta;
          const plain = c.slice();
          const args = [test.transposeA, test.transposeB, m, n, k, test.alpha] as const;
          expect(engine.gemm(...args, a, b, beta, plain, bias, activation)).toBe(true);
          const owned: Float32Array[] = [];
          const residentC = place(c, (test.residency & 4) !== 0, owned);
          const fits = engine.gemm(
            ...args,
            place(a, (test.residency & 1) !== 0, owned),
            place(b, (test.residency & 2) !== 0, owned),
            beta,
            residentC,
            bias === null ? null : place(bias, (test.residency & 8) !== 0, owned),
            activation,
          );
          expect(fits).toBe(true);
          expect(bitDifferences(residentC, bits(plain))).toBe(0);
          for (const array of owned) engine.releaseResident(array);
        }),
        { numRuns: 60 },
      );
      engine.threads = 1;
    });
  }

  it("runs the fused dense forward on resident operands with the same bits (Kernels.denseForward)", () => {
    const [m, n, k] = [64, 33, 129];
    const a = randomValues(m * k, 5);
    const b = randomValues(k * n, 6);
    const bias = randomValues(n, 7);
    const plain = new Float32Array(m * n);
    kernels.denseForward(false, false, m, n, k, a, b, bias, "relu", plain);
    const owned: Float32Array[] = [];
    const output = place(new Float32Array(m * n), true, owned);
    kernels.denseForward(
      false,
      false,
      m,
      n,
      k,
      place(a, true, owned),
      place(b, true, owned),
      place(bias, true, owned),
      "relu",
      output,
    );
    expect(bitDifferences(output, bits(plain))).toBe(0);
    for (const array of owned) kernels.releaseResident(array);
  });

  it("runs binary ops on resident operands and outputs in place with the JavaScript reference's bits", () => {
    const binaryCalls = vi.spyOn(engine.residentElementwise, "binary");
    // Large all-resident ops run as range jobs over the threads (ranges.ts) instead of one direct call.
    const rangeJobs = vi.spyOn(engine, "runRange");
    const residentRuns = () => binaryCalls.mock.calls.length + rangeJobs.mock.calls.length;
    const rowOf = (rows: number, rowLength: number) =>
      Int32Array.from({ length: rows }, (_, r) => r * rowLength);
    const binaryCase = fc.record({
      op: fc.constantFrom("add", "sub", "mul", "div") as fc.Arbitrary<BinaryOp>,
      rows: fc.integer({ min: 1, max: 9 }),
      // Row lengths above and below the chunk size, and lengths that leave a tail of 1–3 elements.
      rowLength: fc.oneof(fc.integer({ min: 32, max: 70 }), fc.constantFrom(4097, 16384, 16387)),
      residency: fc.integer({ min: 1, max: 7 }),
      // 0: both arrays; 1: b broadcast (one value per row); 2: b a number.
      bKind: fc.integer({ min: 0, max: 2 }),
      outIsA: fc.boolean(),
      seed: fc.integer({ min: 1, max: 1 << 30 }),
    });
    fc.assert(
      fc.property(binaryCase, ({ op, rows, rowLength, residency, bKind, outIsA, seed }) => {
        const length = rows * rowLength;
        const aValues = randomValues(length, seed);
        const bValues = bKind === 1 ? randomValues(rows, seed + 1) : randomValues(length, seed + 1);
        const bOf = (data: Float32Array): BinaryOperand =>
          bKind === 2
            ? 0.75
            : bKind === 1
              ? { data, offsets: rowOf(rows, 1), step: 0 }
              : { data, offsets: rowOf(rows, rowLength), step: 1 };
        const expected = new Float32Array(length);
        jsKernels.binary(
          op,
          expected,
          rowLength,
          { data: aValues, offsets: rowOf(rows, rowLength), step: 1 },
          bOf(bValues),
        );
        const owned: Float32Array[] = [];
        const a = place(aValues, (residency & 1) !== 0, owned);
        const b = place(bValues, (residency & 2) !== 0, owned);
        const out = outIsA
          ? a
          : place(new Float32Array(length).fill(Number.NaN), (residency & 4) !== 0, owned);
        const calls = residentRuns();
        kernels.binary(op, out, rowLength, { data: a, offsets: rowOf(rows, rowLength), step: 1 }, bOf(b));
        const inPlace =
          (residency & 1) !== 0 ||
          (outIsA ? false : (residency & 4) !== 0) ||
          ((residency & 2) !== 0 && bKind === 0);
        expect(bitDifferences(out, bits(expected))).toBe(0);
        // The resident instance ran it whenever an operand or the output is resident (above the wasm threshold).
        if (inPlace && length >= BINARY_MINIMUM_LENGTH) expect(residentRuns()).toBeGreaterThan(calls);
        for (const array of owned) kernels.releaseResident(array);
      }),
      { numRuns: 120 },
    );
    binaryCalls.mockRestore();
    rangeJobs.mockRestore();
  });

  it("writes a resident output that starts inside an operand through a block, not lane by lane", () => {
    const length = 1000;
    const values = randomValues(length + 4, 11);
    const expected = new Float32Array(length);
    const row = new Int32Array(1);
    jsKernels.binary("add", expected, length, { data: values.subarray(0, length), offsets: row, step: 1 }, 1);
    const block = engine.residentFloat32(length + 4)!;
    block.set(values);
    // out = a shifted by one element: in-place lanes would read results they had just written.
    const out = block.subarray(1, length + 1);
    kernels.binary("add", out, length, { data: block.subarray(0, length), offsets: row, step: 1 }, 1);
    expect(bitDifferences(out, bits(expected))).toBe(0);
    kernels.releaseResident(block);
  });

  it("reuses a released block of the same length and keeps live blocks apart", () => {
    const first = engine.residentFloat32(1000)!;
    const address = first.byteOffset;
    engine.releaseResident(first);
    const again = engine.residentFloat32(1000)!;
    expect(again.byteOffset).toBe(address);
    // A double release does not put the block on the free list twice.
    engine.releaseResident(again);
    engine.releaseResident(again);
    const one = engine.residentFloat32(1000)!;
    const two = engine.residentFloat32(1000)!;
    expect(one.byteOffset).toBe(address);
    expect(two.byteOffset).not.toBe(address);

    const lengths = [1, 3, 16, 17, 1000, 4096, 5, 1000, 77];
    const live = [one, two, ...lengths.map((length) => engine.residentFloat32(length)!)];
    for (const [index, array] of live.entries()) array.fill(index + 1);
    const ranges = live.map((array) => [array.byteOffset, array.byteOffset + array.byteLength] as const);
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        const overlap = ranges[i]![0] < ranges[j]![1] && ranges[j]![0] < ranges[i]![1];
        expect(overlap, `blocks ${i} and ${j}`).toBe(false);
      }
    }
    for (const [index, array] of live.entries()) {
      expect(array.every((value) => value === index + 1)).toBe(true);
    }
    for (const array of live) engine.releaseResident(array);
  });

  it("puts the GEMM workspace past the heap after the memory grows, keeping older arrays valid", () => {
    const before = engine.residentFloat32(256)!;
    before.fill(3);
    // 16 MiB: more than the memory had, so it grows and `memory.buffer` becomes a new object.
    const large = engine.residentFloat32(4 << 20)!;
    expect(large.buffer).not.toBe(before.buffer);
    large.fill(7);
    const [m, n, k] = [96, 80, 300];
    const a = randomValues(m * k, 11);
    const b = randomValues(k * n, 12);
    const expected = new Float32Array(m * n);
    jsKernels.gemm(false, false, m, n, k, 1, a, b, 0, expected);
    const c = new Float32Array(m * n);
    expect(engine.gemm(false, false, m, n, k, 1, a, b, 0, c)).toBe(true);
    expect(large.every((value) => value === 7)).toBe(true);
    expect(before.every((value) => value === 3)).toBe(true);
    // The array made before the growth is still recognised as resident and used in place.
    const ones = new Float32Array(16 * 16).fill(1);
    before.fill(0);
    expect(engine.gemm(false, false, 16, 16, 16, 1, ones, ones, 0, before)).toBe(true);
    expect(before.every((value) => value === 16)).toBe(true);
    expect(Math.max(...c.map((value, index) => Math.abs(value - expected[index]!)))).toBeLessThan(1e-3);
    engine.releaseResident(before);
    engine.releaseResident(large);
  });

  it("has no resident arrays on unshared memory", () => {
    const unshared = compileWasmKernels("wasm-simd", false);
    expect(unshared.residentFloat32(64)).toBeNull();
  });
});

describe("residentFloat32 / releaseResident", () => {
  it("returns null with the JavaScript kernels and ignores plain arrays", () => {
    const previous = getKernels();
    setKernels(jsKernels);
    try {
      expect(residentFloat32(64)).toBeNull();
      expect(() => releaseResident(new Float32Array(4))).not.toThrow();
    } finally {
      setKernels(previous);
    }
  });

  it("rejects a length that is not an integer ≥ 0, naming the op and the value", () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => residentFloat32(bad)).toThrow(/residentFloat32.*length is .*integer ≥ 0/);
    }
    expect(() => residentFloat32("8" as unknown as number)).toThrow(/length is string/);
    expect(residentFloat32(0)).toBeNull();
  });

  it("hands out arrays of the active wasm kernels that a matmul uses in place", () => {
    useKernels("wasm-simd");
    const array = residentFloat32(10)!;
    expect(array).toBeInstanceOf(Float32Array);
    expect(array.length).toBe(10);
    expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
    releaseResident(array);
    const again = residentFloat32(10)!;
    expect(again.byteOffset).toBe(array.byteOffset);
    releaseResident(again);
  });
});
