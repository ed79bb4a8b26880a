import { tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { grad } from "../api/value-and-grad.js";
import type { Traced } from "../core/traced.js";
import { expectGradientsMatch, RUNS, randomTensor, seedArbitrary, shapeArbitrary } from "../test-helpers.js";
import { add, mul } from "./elementwise-binary.js";
import { sum } from "./reductions.js";
import { concat, gather, pad, slice, split, stack, tile, unstack } from "./slicing.js";

/** A shape and a block inside it: begin (sometimes negative) and size (sometimes -1). */
const shapeAndBlock = shapeArbitrary(1, 3, 4).chain((shape) =>
  fc
    .tuple(
      fc.constant(shape),
      fc.tuple(...shape.map((dimension) => fc.integer({ min: 0, max: dimension - 1 }))),
      fc.array(fc.boolean(), { minLength: shape.length * 2, maxLength: shape.length * 2 }),
    )
    .map(([shape, begin, flags]) => {
      const size = begin.map((start, axis) =>
        flags[axis] ? -1 : Math.max(1, Math.floor((shape[axis]! - start) / 2)),
      );
      const signedBegin = begin.map((start, axis) =>
        flags[shape.length + axis] ? start - shape[axis]! : start,
      );
      return { shape, begin: signedBegin, size };
    }),
);

describe("slicing, joining and repeating gradients", () => {
  it("slice (negative begin, size -1) pads the gradient back", () => {
    fc.assert(
      fc.property(shapeAndBlock, seedArbitrary, ({ shape, begin, size }, seed) => {
        expectGradientsMatch((x) => slice(x, begin, size), randomTensor(seed, shape));
      }),
      RUNS,
    );
    expect(grad((x: Traced) => sum(slice(x, [1], [2])))(tensor([1, 2, 3, 4])).toArray()).toEqual([
      0, 1, 1, 0,
    ]);
  });

  it("pad takes the inner block of the gradient", () => {
    fc.assert(
      fc.property(shapeArbitrary(1, 3), seedArbitrary, fc.nat(), (shape, seed, pick) => {
        const paddings = shape.map((_, axis): [number, number] => [
          (pick >> axis) & 1,
          (pick >> (axis + 3)) & 3,
        ]);
        expectGradientsMatch((x) => pad(x, paddings, 0.5), randomTensor(seed, shape));
      }),
      RUNS,
    );
  });

  it("concat, stack, split and unstack along any axis", () => {
    fc.assert(
      fc.property(shapeArbitrary(1, 3), seedArbitrary, fc.nat(), (shape, seed, pick) => {
        const axis = pick % shape.length;
        const other = shape.map((size, a) => (a === axis ? size + 1 : size));
        const inputs = {
          a: randomTensor(seed, shape),
          b: randomTensor(seed + 1, other),
          c: randomTensor(seed + 2, shape),
        };
        expectGradientsMatch(({ a, b }) => concat([a, b], axis), inputs);
        expectGradientsMatch(({ a, c }) => stack([a, c, a], axis - shape.length - 1), inputs);
        const parts = [1, shape[axis]!];
        expectGradientsMatch(({ b }) => {
          const [first, second] = split(b, parts, axis);
          return add(mul(sum(first!), 2), sum(mul(second!, second!)));
        }, inputs);
        expectGradientsMatch(({ a }) => {
          const slices = unstack(a, axis);
          return slices.reduce((total, s, i) => add(total, sum(mul(s, i + 1))), sum(slices[0]!));
        }, inputs);
      }),
      RUNS,
    );
  });

  it("split parts that are not used get zero gradient", () => {
    const gradient = grad((x: Traced) => sum(split(x, 2)[1]!))(tensor([1, 2, 3, 4]));
    expect(gradient.toArray()).toEqual([0, 0, 1, 1]);
  });

  it("gather scatter-adds the gradient back, summing repeated indices", () => {
    fc.assert(
      fc.property(
        shapeArbitrary(1, 3),
        seedArbitrary,
        fc.nat(),
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        (shape, seed, pick, raw) => {
          const axis = pick % shape.length;
          const indices = raw.map((index) => index % shape[axis]!);
          expectGradientsMatch((x) => gather(x, indices, axis), randomTensor(seed, shape));
          expectGradientsMatch((x) => gather(x, tensor([indices]), axis), randomTensor(seed, shape));
        },
      ),
      RUNS,
    );
    const gradient = grad((x: Traced) => sum(gather(x, [2, 0, 2])))(
      tensor([
        [1, 1],
        [1, 1],
        [1, 1],
      ]),
    );
    expect(gradient.toNested()).toEqual([
      [1, 1],
      [0, 0],
      [2, 2],
    ]);
  });

  it("gather's gradient (a scatter-add) is differentiable again: grad of grad through gather", () => {
    // f(x) = Σ gather(x, [0, 0, 1])² = 2·x₀² + x₁², so ∇f = [4x₀, 2x₁, 0] and
    // h(x) = Σ ∇f(x)·x = 4x₀² + 2x₁² has ∇h = [8x₀, 4x₁, 0].
    const f = (x: Traced) => {
      const picked = gather(x, [0, 0, 1]);
      return sum(mul(picked, picked));
    };
    const x = tensor([1.5, -2, 3], undefined, "float64");
    expect(grad(f)(x).toArray()).toEqual([6, -4, 0]);
    const secondOrder = grad((y: Traced) => sum(mul(grad(f)(y), y)))(x);
    expect(secondOrder.toArray()).toEqual([12, -8, 0]);
  });

  it("tile sums the gradient of the copies", () => {
    fc.assert(
      fc.property(
        shapeArbitrary(1, 3),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 3 }),
        seedArbitrary,
        (shape, reps, seed) => {
          expectGradientsMatch((x) => tile(x, reps.slice(0, shape.length)), randomTensor(seed, shape));
        },
      ),
      RUNS,
    );
    expect(grad((x: Traced) => sum(tile(x, [3])))(tensor([1, 2])).toArray()).toEqual([3, 3]);
  });
});
