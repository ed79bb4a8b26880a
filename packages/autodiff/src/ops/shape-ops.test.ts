import { tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { grad } from "../api/value-and-grad.js";
import type { Traced } from "../core/traced.js";
import { expectGradientsMatch, RUNS, randomTensor, seedArbitrary, shapeArbitrary } from "../test-helpers.js";
import { sum } from "./reductions.js";
import { broadcastTo, expandDims, flatten, permute, reshape, squeeze, transpose } from "./shape-ops.js";

describe("shape-op gradients", () => {
  it("reshape (to a flat vector and back, with -1)", () => {
    fc.assert(
      fc.property(shapeArbitrary(1, 3), seedArbitrary, (shape, seed) => {
        expectGradientsMatch(
          (x) => reshape(reshape(x, [-1]), [...shape].reverse()),
          randomTensor(seed, shape),
        );
      }),
      RUNS,
    );
  });

  it("transpose (default reverses) and permute with a random permutation", () => {
    fc.assert(
      fc.property(
        shapeArbitrary(1, 4).chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            fc.shuffledSubarray(
              shape.map((_, i) => i),
              { minLength: shape.length },
            ),
          ),
        ),
        seedArbitrary,
        ([shape, axes], seed) => {
          const x = randomTensor(seed, shape);
          expectGradientsMatch((x) => transpose(x), x);
          expectGradientsMatch((x) => permute(x, axes), x);
          expectGradientsMatch(
            (x) =>
              transpose(
                x,
                axes.map((axis) => axis - shape.length),
              ),
            x,
          );
        },
      ),
      RUNS,
    );
  });

  it("broadcastTo sums the gradient over broadcast axes", () => {
    fc.assert(
      fc.property(
        shapeArbitrary(0, 3),
        fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
        seedArbitrary,
        (shape, leading, seed) => {
          const x = randomTensor(
            seed,
            shape.map((size, i) => (i % 2 === 0 ? 1 : size)),
          );
          expectGradientsMatch((x) => broadcastTo(x, [...leading, ...shape]), x);
        },
      ),
      RUNS,
    );
    expect(grad((x: Traced) => sum(broadcastTo(x, [3, 2])))(tensor([1, 2])).toArray()).toEqual([3, 3]);
  });

  it("expandDims, squeeze and flatten", () => {
    fc.assert(
      fc.property(shapeArbitrary(1, 3), seedArbitrary, (shape, seed) => {
        const x = randomTensor(seed, shape);
        expectGradientsMatch((x) => expandDims(x, -1), x);
        expectGradientsMatch((x) => squeeze(expandDims(x, 0)), x);
        expectGradientsMatch((x) => squeeze(expandDims(x, 1), [1]), x);
        expectGradientsMatch((x) => flatten(expandDims(x, 0)), x);
        expectGradientsMatch((x) => flatten(x, 0), x);
      }),
      RUNS,
    );
  });
});
