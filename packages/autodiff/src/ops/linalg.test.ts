import { tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { grad } from "../api/value-and-grad.js";
import type { Traced } from "../core/traced.js";
import { expectGradientsMatch, RUNS, randomTensor, seedArbitrary } from "../test-helpers.js";
import { dot, matmul, outer } from "./linalg.js";
import { sum } from "./reductions.js";

const size = fc.integer({ min: 1, max: 3 });

describe("matmul gradients", () => {
  it("2-D, for all four transpose combinations", () => {
    fc.assert(
      fc.property(
        size,
        size,
        size,
        fc.boolean(),
        fc.boolean(),
        seedArbitrary,
        (m, k, n, transposeA, transposeB, seed) => {
          const inputs = {
            a: randomTensor(seed, transposeA ? [k, m] : [m, k]),
            b: randomTensor(seed + 1, transposeB ? [n, k] : [k, n]),
          };
          expectGradientsMatch(({ a, b }) => matmul(a, b, { transposeA, transposeB }), inputs);
        },
      ),
      RUNS,
    );
  });

  it("batched, with broadcast batch axes (the gradient sums over them)", () => {
    fc.assert(
      fc.property(
        size,
        size,
        size,
        fc.constantFrom<[number[], number[]]>([[2], [2]], [[2], []], [[], [3]], [[2, 1], [3]], [[1], [2]]),
        fc.boolean(),
        fc.boolean(),
        seedArbitrary,
        (m, k, n, [batchA, batchB], transposeA, transposeB, seed) => {
          const inputs = {
            a: randomTensor(seed, [...batchA, ...(transposeA ? [k, m] : [m, k])]),
            b: randomTensor(seed + 1, [...batchB, ...(transposeB ? [n, k] : [k, n])]),
          };
          expectGradientsMatch(({ a, b }) => matmul(a, b, { transposeA, transposeB }), inputs);
        },
      ),
      RUNS,
    );
  });

  it("1-D operands (vector × matrix, matrix × vector, vector × vector, batched × vector)", () => {
    expectGradientsMatch(({ a, b }) => matmul(a, b), { a: randomTensor(1, [3]), b: randomTensor(2, [3, 2]) });
    expectGradientsMatch(({ a, b }) => matmul(a, b), { a: randomTensor(3, [2, 3]), b: randomTensor(4, [3]) });
    expectGradientsMatch(({ a, b }) => matmul(a, b), { a: randomTensor(5, [3]), b: randomTensor(6, [3]) });
    expectGradientsMatch(({ a, b }) => matmul(a, b), {
      a: randomTensor(7, [2, 2, 3]),
      b: randomTensor(8, [3]),
    });
    expectGradientsMatch(({ a, b }) => matmul(a, b), {
      a: randomTensor(9, [3]),
      b: randomTensor(10, [2, 3, 2]),
    });
  });

  it("dot and outer", () => {
    expectGradientsMatch(({ a, b }) => dot(a, b), { a: randomTensor(1, [4]), b: randomTensor(2, [4]) });
    expectGradientsMatch(({ a, b }) => outer(a, b), { a: randomTensor(3, [3]), b: randomTensor(4, [2]) });
  });

  it("gives ∂/∂W sum(x·W) = xᵀ·1 exactly", () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const gradient = grad((w: Traced) => sum(matmul(x, w)))(tensor([[1], [1]]));
    expect(gradient.toNested()).toEqual([[4], [6]]);
  });
});
