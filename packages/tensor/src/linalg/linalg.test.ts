import type { DType, Shape } from "@descent/spec";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { jsKernels } from "../kernels/js-kernels.js";
import type { Kernels } from "../kernels/kernels.js";
import { getKernels, setKernels } from "../kernels/registry.js";
import { matmul } from "./matmul.js";
import { dot, outer } from "./products.js";

function make(values: ArrayLike<number>, shape: Shape, dtype: DType = "float64"): Tensor {
  return new Tensor(dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values), shape);
}

function filled(shape: number[], seed: number, dtype: DType = "float64"): Tensor {
  const size = shape.reduce((p, n) => p * n, 1);
  return make(
    Array.from({ length: size }, (_, i) => (((i + 1) * 2654435761 + seed * 40503) % 1000) / 250 - 2),
    shape,
    dtype,
  );
}

/** Element (…, i, j) of a stack of matrices, read with explicit broadcasting and transposition. */
function element(t: Tensor, batchIndex: number[], row: number, column: number, transposed: boolean): number {
  const rank = t.rank;
  const [r, c] = transposed ? [column, row] : [row, column];
  const rows = t.shape[rank - 2]!;
  const columns = t.shape[rank - 1]!;
  let flat = 0;
  const batchRank = rank - 2;
  for (let axis = 0; axis < batchRank; axis++) {
    const size = t.shape[axis]!;
    flat = flat * size + (size === 1 ? 0 : batchIndex[batchIndex.length - batchRank + axis]!);
  }
  return t.data[(flat * rows + r) * columns + c]!;
}

/** matmul by the definition, for rank ≥ 2 operands. */
function naiveMatmul(
  a: Tensor,
  b: Tensor,
  transposeA: boolean,
  transposeB: boolean,
): { shape: number[]; values: number[] } {
  const m = transposeA ? a.shape[a.rank - 1]! : a.shape[a.rank - 2]!;
  const k = transposeA ? a.shape[a.rank - 2]! : a.shape[a.rank - 1]!;
  const n = transposeB ? b.shape[b.rank - 2]! : b.shape[b.rank - 1]!;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batchRank = Math.max(batchA.length, batchB.length);
  const batch: number[] = [];
  for (let axis = 0; axis < batchRank; axis++) {
    const sizeA = batchA[axis - batchRank + batchA.length] ?? 1;
    const sizeB = batchB[axis - batchRank + batchB.length] ?? 1;
    batch.push(sizeA === 1 ? sizeB : sizeA);
  }
  const values: number[] = [];
  const batchCount = batch.reduce((p, s) => p * s, 1);
  for (let flat = 0; flat < batchCount; flat++) {
    const index: number[] = [];
    let rest = flat;
    for (let axis = batchRank - 1; axis >= 0; axis--) {
      index.unshift(rest % batch[axis]!);
      rest = Math.floor(rest / batch[axis]!);
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let total = 0;
        for (let p = 0; p < k; p++)
          total += element(a, index, i, p, transposeA) * element(b, index, p, j, transposeB);
        values.push(total);
      }
    }
  }
  return { shape: [...batch, m, n], values };
}

function expectClose(actual: ArrayLike<number>, expected: number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance * (1 + Math.abs(expected[i]!)))) {
      expect.fail(`element ${i}: ${actual[i]} ≠ ${expected[i]}`);
    }
  }
}

const size = fc.integer({ min: 1, max: 9 });
const batchPair = fc
  .array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 })
  .chain((batch) =>
    fc.tuple(
      ...[0, 1].map(() =>
        fc
          .tuple(
            fc.integer({ min: 0, max: batch.length }),
            fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
          )
          .map(([drop, ones]) => batch.slice(drop).map((s, axis) => (ones[axis] ? 1 : s))),
      ),
    ),
  ) as fc.Arbitrary<[number[], number[]]>;

describe("matmul", () => {
  afterEach(() => setKernels(jsKernels));

  it("matches the definition on random shapes: 2-D, batched with broadcast batch axes, all transposes", () => {
    fc.assert(
      fc.property(
        size,
        size,
        fc.integer({ min: 0, max: 9 }),
        batchPair,
        fc.boolean(),
        fc.boolean(),
        fc.nat(100),
        (m, n, k, [batchA, batchB], transposeA, transposeB, seed) => {
          const a = filled([...batchA, ...(transposeA ? [k, m] : [m, k])], seed);
          const b = filled([...batchB, ...(transposeB ? [n, k] : [k, n])], seed + 1);
          const expected = naiveMatmul(a, b, transposeA, transposeB);
          const result = matmul(a, b, { transposeA, transposeB });
          expect(result.shape).toEqual(expected.shape);
          expectClose(result.data, expected.values, 1e-12);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("multiplies a 2-D example exactly and in float32 by default", () => {
    const a = make([1, 2, 3, 4], [2, 2], "float32");
    const b = make([5, 6], [2, 1], "float32");
    const result = matmul(a, b);
    expect(result.dtype).toBe("float32");
    expect(result.toNested()).toEqual([[17], [39]]);
    expect(matmul(a, make([1, 0, 0, 1], [2, 2])).dtype).toBe("float64");
  });

  it("promotes 1-D operands like NumPy and drops the promoted axis", () => {
    const matrix = make([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(matmul(make([1, 1], [2]), matrix).toArray()).toEqual([5, 7, 9]);
    expect(matmul(make([1, 1], [2]), matrix).shape).toEqual([3]);
    expect(matmul(matrix, make([1, 0, 1], [3])).toArray()).toEqual([4, 10]);
    const vectorVector = matmul(make([1, 2, 3], [3]), make([4, 5, 6], [3]));
    expect(vectorVector.shape).toEqual([]);
    expect(vectorVector.item()).toBe(32);
    const stack = filled([4, 2, 3], 3);
    const batchedVector = matmul(stack, make([1, 2, 3], [3]));
    expect(batchedVector.shape).toEqual([4, 2]);
    expectClose(batchedVector.data, naiveMatmul(stack, make([1, 2, 3], [3, 1]), false, false).values, 1e-12);
    expect(matmul(make([1, 2], [2]), filled([5, 2, 3], 1)).shape).toEqual([5, 3]);
  });

  it("handles empty dimensions: k = 0 gives zeros, m = 0 gives an empty result", () => {
    expect(matmul(make([], [2, 0]), make([], [0, 3])).toNested()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(matmul(make([], [0, 4]), filled([4, 3], 1)).shape).toEqual([0, 3]);
  });

  it("throws the documented ShapeError for mismatched inner dimensions", () => {
    const x = make(new Float64Array(32 * 784), [32, 784]);
    const weights = make(new Float64Array(128 * 10), [128, 10]);
    expect(() => matmul(x, weights)).toThrow(ShapeError);
    expect(() => matmul(x, weights)).toThrow(
      "matmul: [32,784] × [128,10]: inner dimensions 784 ≠ 128: transpose one operand or check the layer sizes",
    );
    try {
      matmul(x, weights);
    } catch (error) {
      expect(String(error)).toBe(
        "ShapeError: matmul: [32,784] × [128,10]: inner dimensions 784 ≠ 128: transpose one operand or check the layer sizes",
      );
    }
  });

  it("names the flag that would fix the call, and marks transposed operands with ᵀ", () => {
    const x = make(new Float64Array(6), [2, 3]);
    const stored = make(new Float64Array(12), [4, 3]);
    expect(() => matmul(x, stored)).toThrow(
      "matmul: [2,3] × [4,3]: inner dimensions 3 ≠ 4: pass { transposeB: true } if b is stored the other way round",
    );
    expect(() => matmul(x, x, { transposeB: true, transposeA: true })).toThrow(
      "matmul: [2,3]ᵀ × [2,3]ᵀ: inner dimensions 2 ≠ 3: pass { transposeB: false } if b is stored the other way round",
    );
    expect(() =>
      matmul(make(new Float64Array(8), [4, 2]), make(new Float64Array(10), [2, 5]), { transposeA: true }),
    ).toThrow(
      "matmul: [4,2]ᵀ × [2,5]: inner dimensions 4 ≠ 2: pass { transposeA: false } if a is stored the other way round",
    );
  });

  it("rejects batch axes that do not broadcast, scalars, and transpose flags on vectors", () => {
    expect(() => matmul(filled([2, 3, 4], 1), filled([5, 4, 6], 1))).toThrow(
      "matmul: [2,3,4] × [5,4,6]: batch dimensions [2] and [5] do not broadcast (sizes must be equal or 1)",
    );
    expect(() => matmul(make([2], []), filled([2, 2], 1))).toThrow(
      "matmul: [] × [2,2]: a scalar has no matrix axes: use mul to scale a tensor",
    );
    expect(() => matmul(make([1, 2], [2]), filled([2, 2], 1), { transposeA: true })).toThrow(ValueError);
    expect(() => matmul(make([1, 2], [2]), filled([2, 2], 1), { transposeA: true })).toThrow(
      "matmul: [2]ᵀ × [2,2]: transposeA has no meaning for a 1-D operand: drop the flag",
    );
  });

  it("runs through getKernels().gemm, so another kernel plugs in", () => {
    const calls: number[][] = [];
    const spy: Kernels = {
      ...jsKernels,
      name: "spy",
      gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c) {
        calls.push([m, n, k]);
        jsKernels.gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c);
      },
    };
    setKernels(spy);
    expect(getKernels().name).toBe("spy");
    matmul(filled([3, 4], 1), filled([4, 5], 2));
    // A shared B collapses the batch into one tall GEMM; a batched B needs one call per matrix.
    matmul(filled([2, 3, 4], 1), filled([4, 5], 2));
    matmul(filled([2, 3, 4], 1), filled([2, 4, 5], 2));
    expect(calls).toEqual([
      [3, 5, 4],
      [6, 5, 4],
      [3, 5, 4],
      [3, 5, 4],
    ]);
  });

  it("widens a float32 operand that meets a float64 one, so kernels see one dtype", () => {
    const seen: string[] = [];
    setKernels({
      ...jsKernels,
      name: "dtype-check",
      gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c) {
        seen.push(`${a.constructor.name} ${b.constructor.name} ${c.constructor.name}`);
        jsKernels.gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c);
      },
    });
    matmul(filled([2, 2], 1, "float32"), filled([2, 2], 2, "float64"));
    expect(seen).toEqual(["Float64Array Float64Array Float64Array"]);
  });
});

describe("dot and outer", () => {
  it("dot is the inner product of equal-length vectors, accumulated in float64", () => {
    const result = dot(make([1, 2, 3], [3], "float32"), make([4, 5, 6], [3], "float32"));
    expect(result.shape).toEqual([]);
    expect(result.dtype).toBe("float32");
    expect(result.item()).toBe(32);
    fc.assert(
      fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { maxLength: 40 }), (values) => {
        const vector = make(values, [values.length]);
        const expected = values.reduce((s, v) => s + v * v, 0);
        expect(dot(vector, vector).item()).toBeCloseTo(expected, 8);
      }),
    );
  });

  it("dot rejects mismatched lengths and non-vectors with a ShapeError", () => {
    expect(() => dot(make([1, 2, 3], [3]), make([1, 2], [2]))).toThrow(
      "dot: [3] · [2]: lengths 3 ≠ 2: both vectors need the same length",
    );
    expect(() => dot(make([1, 2, 3, 4], [2, 2]), make([1, 2], [2]))).toThrow(
      "dot: [2,2] · [2]: dot takes two 1-D vectors: use matmul for matrices or flatten first",
    );
  });

  it("outer gives aᵢ·bⱼ and flattens its operands", () => {
    expect(outer(make([1, 2], [2]), make([3, 4, 5], [3])).toNested()).toEqual([
      [3, 4, 5],
      [6, 8, 10],
    ]);
    expect(outer(make([1, 2, 3, 4], [2, 2]), make([1], [1])).shape).toEqual([4, 1]);
    expect(outer(make([1], [1], "float32"), make([1], [1])).dtype).toBe("float64");
  });
});
