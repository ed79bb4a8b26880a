// Why this exists: range jobs (ranges.ts, assembly/range.ts) split a memory-bound kernel over the GEMM's
// threads. Each chunk must run the kernel on exactly its own sub-range: a wrong offset, a lost last chunk or a
// finiteness flag that one chunk fails to report would still give plausible numbers. These tests compare every
// range kernel on 2 threads with the one-thread module call and the JavaScript reference, bit for bit, on sizes
// whose last chunk is partial, and check that the worker really ran chunks and that GEMMs published between
// range jobs still give their bits.

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { jsKernels } from "../js-kernels.js";
import type { AdamCoefficients, RowOperand, WindowGeometry } from "../kernels.js";
import { seededFloat32 } from "../testing/float32-arrays.js";
import { BINARY_MUL, RANGE_BINARY } from "./generated/layout.js";
import { bitDifferences, bits } from "./testing/gemm-check.js";
import { RANGE_CHUNK_BYTES, THREADED_RANGE_MINIMUM_BYTES } from "./thresholds.js";
import { compileWasmKernels } from "./wasm-kernels.js";

describe("range jobs of the wasm engine (memory-bound kernels on both threads)", () => {
  const kernels = compileWasmKernels("wasm-simd", true);
  const engine = kernels.engine;
  const owned: Float32Array[] = [];
  beforeAll(async () => {
    engine.threads = 2;
    await engine.startWorkers();
  });
  afterAll(() => {
    for (const array of owned) engine.releaseResident(array);
    engine.terminate();
  });

  /** A resident copy of `values`. */
  function resident(values: Float32Array): Float32Array {
    const array = engine.residentFloat32(values.length)!;
    array.set(values);
    owned.push(array);
    return array;
  }

  /**
   * Runs `body` once and returns how many range jobs it published. Whether the worker wins a chunk of a
   * small job depends on scheduling (the calling thread may finish before the worker wakes on a loaded
   * machine), so the kernel tests check that the threaded path ran and its bits; one test below checks, on a
   * job long enough to wait for it, that the worker computes chunks.
   */
  function rangeJobs(body: () => void): number {
    const spy = vi.spyOn(engine, "runRange");
    try {
      body();
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  }

  /** `array` as a binary op's operand read whole, one row. */
  function whole(array: Float32Array): RowOperand {
    return { data: array, offsets: Int32Array.of(0), step: 1 };
  }

  // Elements: above the threaded threshold, and not a whole number of chunks (the last one is partial).
  const length = THREADED_RANGE_MINIMUM_BYTES / 4 + RANGE_CHUNK_BYTES / 4 + 1000;

  it("a job whose last chunk is one vector long runs it, and touches nothing past its range", () => {
    const bytes = RANGE_CHUNK_BYTES + 16;
    const count = bytes / 4;
    const a = resident(seededFloat32(count, 12));
    const b = resident(seededFloat32(count, 13));
    const out = resident(new Float32Array(count + 4).fill(Number.NaN));
    const expected = new Float32Array(count);
    jsKernels.binary("mul", expected, count, whole(a), whole(b));
    engine.runRange(RANGE_BINARY, bytes, RANGE_CHUNK_BYTES, [
      BINARY_MUL,
      out.byteOffset,
      a.byteOffset,
      b.byteOffset,
    ]);
    expect(bitDifferences(out.subarray(0, count), bits(expected))).toBe(0);
    expect(Array.from(out.subarray(count), Number.isNaN)).toEqual([true, true, true, true]);
  });

  it("binary ops on resident arrays give the JavaScript reference's bits", () => {
    for (const op of ["add", "sub", "mul", "div"] as const) {
      const a = resident(seededFloat32(length, 2, 0.05));
      const b = resident(seededFloat32(length, 3, 0.05));
      const out = resident(new Float32Array(length).fill(Number.NaN));
      const expected = new Float32Array(length);
      jsKernels.binary(op, expected, length, whole(a), whole(b));
      const ran = rangeJobs(() => kernels.binary(op, out, length, whole(a), whole(b)));
      expect(ran, op).toBeGreaterThan(0);
      expect(bitDifferences(out, bits(expected)), op).toBe(0);
    }
  });

  it("the scaled add reports a non-finite result from any chunk, and matches the reference", () => {
    const p = seededFloat32(length, 4);
    const u = seededFloat32(length, 5);
    const factor = -0.0123;
    const expected = new Float32Array(length);
    expect(jsKernels.scaledAdd(expected, p, u, factor)).toBe(true);
    const pResident = resident(p);
    const uResident = resident(u);
    const out = resident(new Float32Array(length).fill(Number.NaN));
    let finite = false;
    const ran = rangeJobs(() => {
      finite = kernels.scaledAdd(out, pResident, uResident, factor);
    });
    expect(ran).toBeGreaterThan(0);
    expect(finite).toBe(true);
    expect(bitDifferences(out, bits(expected))).toBe(0);
    // One non-finite value in the first, a middle and the last (partial) chunk: each is reported.
    const vectorLength = length & ~3;
    for (const at of [0, RANGE_CHUNK_BYTES / 4 + 5, vectorLength - 1]) {
      uResident.set(u);
      uResident[at] = Number.POSITIVE_INFINITY;
      expect(kernels.scaledAdd(out, pResident, uResident, factor), `∞ at ${at}`).toBe(false);
      expect(out[at]).toBe(Number.NEGATIVE_INFINITY);
      uResident[at] = u[at]!;
      expect(kernels.scaledAdd(out, pResident, uResident, factor), `restored at ${at}`).toBe(true);
    }
  });

  it("Adam's step on resident arrays gives the reference's bits", () => {
    const coefficients: AdamCoefficients = {
      beta1: 0.9,
      beta2: 0.999,
      inverseCorrection1: 1 / (1 - 0.9 ** 3),
      inverseCorrection2: 1 / (1 - 0.999 ** 3),
      epsilonRoot: 0,
      epsilon: 1e-8,
    };
    const g = seededFloat32(length, 6, 0.02);
    const m = seededFloat32(length, 7);
    const v = Float32Array.from(seededFloat32(length, 8), Math.abs);
    const expected = [new Float32Array(length), new Float32Array(length), new Float32Array(length)] as const;
    jsKernels.adamUpdate(g, m, v, ...expected, coefficients);
    const [gR, mR, vR] = [resident(g), resident(m), resident(v)];
    const outputs = [0, 1, 2].map(() => resident(new Float32Array(length).fill(Number.NaN)));
    const ran = rangeJobs(() =>
      kernels.adamUpdate(gR, mR, vR, outputs[0]!, outputs[1]!, outputs[2]!, coefficients),
    );
    expect(ran).toBeGreaterThan(0);
    outputs.forEach((output, index) => {
      expect(bitDifferences(output, bits(expected[index]!)), `output ${index}`).toBe(0);
    });
  });

  it("the relu backward splits by columns and gives the reference's values and bias sums", () => {
    // 64 columns: two chunks of 128 bytes; 40: a partial last chunk (10 vectors, chunks of 8 and 2).
    for (const columns of [64, 40]) {
      const rows = Math.ceil(THREADED_RANGE_MINIMUM_BYTES / (3 * 4 * columns)) + 7;
      const size = rows * columns;
      const g = seededFloat32(size, 16);
      // relu's outputs: about half of them 0.
      const y = seededFloat32(size, 17).map((value) => Math.max(value, 0));
      // An infinite cotangent on an active unit, a NaN output (its mask is NaN) and a −0 cotangent, in
      // several chunks (NaN payloads of ∞·0 differ between runtimes: not drawn here).
      g[3] = Number.POSITIVE_INFINITY;
      y[3] = 1;
      y[columns + 20] = Number.NaN;
      g[7 * columns + 17] = -0;
      const bias = seededFloat32(columns, 18);
      const expectedOut = new Float32Array(size);
      const expectedBias = Float32Array.from(bias);
      jsKernels.reluBackward(g, y, expectedOut, expectedBias, columns);
      const out = resident(new Float32Array(size).fill(Number.NaN));
      const biasGradient = Float32Array.from(bias);
      const ran = rangeJobs(() => kernels.reluBackward(resident(g), resident(y), out, biasGradient, columns));
      expect(ran, `${columns} columns`).toBeGreaterThan(0);
      expect(bitDifferences(out, bits(expectedOut)), `${columns} columns`).toBe(0);
      expect(bitDifferences(biasGradient, bits(expectedBias)), `${columns} columns' bias`).toBe(0);
    }
  });

  it("max pooling of resident images splits by image and gives the reference's values and winners", () => {
    // 9 images of 24×24×16 (36 KiB each): one image a chunk would be 9 chunks; RANGE_CHUNK_BYTES packs
    // whole images, so the last chunk has fewer.
    for (const [kernel, stride, padTop] of [
      [2, 2, 0],
      [3, 2, 1],
    ] as const) {
      const outSize = Math.floor((24 + 2 * padTop - kernel) / stride) + 1;
      const geometry: WindowGeometry = {
        batch: 9,
        height: 24,
        width: 24,
        channels: 16,
        kernelHeight: kernel,
        kernelWidth: kernel,
        strideHeight: stride,
        strideWidth: stride,
        padTop,
        padLeft: padTop,
        outHeight: outSize,
        outWidth: outSize,
      };
      const input = seededFloat32(9 * 24 * 24 * 16, 9, 0.05);
      const outputs = 9 * outSize * outSize * 16;
      const expectedOutput = new Float32Array(outputs);
      const expectedArgmax = new Int32Array(outputs);
      jsKernels.maxPoolForward(input, geometry, expectedOutput, expectedArgmax);
      const inputResident = resident(input);
      const output = resident(new Float32Array(outputs).fill(Number.NaN));
      const argmaxBlock = resident(new Float32Array(outputs));
      const argmax = new Int32Array(argmaxBlock.buffer, argmaxBlock.byteOffset, outputs);
      const ran = rangeJobs(() => kernels.maxPoolForward(inputResident, geometry, output, argmax));
      expect(ran, `${kernel}×${kernel}`).toBeGreaterThan(0);
      expect(bitDifferences(output, bits(expectedOutput))).toBe(0);
      expect(Array.from(argmax)).toEqual(Array.from(expectedArgmax));
    }
  });

  it("the worker computes chunks of a range job", () => {
    // 4 MiB of outputs: 64 chunks, long enough for a woken worker to join; repeated until it has (almost
    // always the first time).
    const count = (4 << 20) / 4;
    const a = resident(seededFloat32(count, 14));
    const b = resident(seededFloat32(count, 15));
    const out = resident(new Float32Array(count));
    const before = engine.chunksByThread()[1]!;
    for (let round = 0; round < 200 && engine.chunksByThread()[1]! === before; round++)
      kernels.binary("add", out, count, whole(a), whole(b));
    expect(engine.chunksByThread()[1]! - before).toBeGreaterThan(0);
  });

  it("GEMMs published between range jobs keep their bits", () => {
    const a = seededFloat32(96 * 80, 10);
    const b = seededFloat32(80 * 72, 11);
    // The bits of a fresh engine that never ran a range job (GEMM bits do not depend on the thread count).
    const fresh = compileWasmKernels("wasm-simd", true);
    const expected = new Float32Array(96 * 72);
    fresh.gemm(false, false, 96, 72, 80, 1, a, b, 0, expected);
    fresh.engine.terminate();
    const scratch = resident(new Float32Array(length));
    for (let round = 0; round < 5; round++) {
      kernels.zero(scratch);
      const c = new Float32Array(96 * 72).fill(Number.NaN);
      kernels.gemm(false, false, 96, 72, 80, 1, a, b, 0, c);
      expect(bitDifferences(c, bits(expected)), `round ${round}`).toBe(0);
    }
  });
});
