import { tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { grad } from "../api/value-and-grad.js";
import type { Operand, Traced } from "../core/traced.js";
import { expectGradientsMatch, RUNS, randomTensor, seedArbitrary, shapeArbitrary } from "../test-helpers.js";
import { mul } from "./elementwise-binary.js";
import { type Axis, logSumExp, max, mean, min, prod, sum } from "./reductions.js";
import { cumsum, norm, standardDeviation, variance } from "./statistics.js";

type Reduction = (x: Operand, axis?: Axis, keepDims?: boolean) => Traced;

/** A shape, and an axis argument for it: undefined (all), one axis (maybe negative) or a list. */
const shapeAndAxis = shapeArbitrary(1, 3).chain((shape) =>
  fc.tuple(
    fc.constant(shape),
    fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: -shape.length, max: shape.length - 1 }),
      fc.subarray(shape.map((_, i) => i)),
    ),
    fc.boolean(),
  ),
);

const cases: [string, Reduction, object][] = [
  ["sum", sum, {}],
  ["mean", mean, {}],
  ["max", max, {}],
  ["min", min, {}],
  ["logSumExp", logSumExp, {}],
  ["prod", prod, { low: 0.5, high: 1.5 }],
  ["variance", variance, {}],
  ["standardDeviation", standardDeviation, {}],
];

describe("reduction gradients", () => {
  for (const [name, op, domain] of cases) {
    it(`${name} matches central differences over any axes, with and without keepDims`, () => {
      fc.assert(
        fc.property(shapeAndAxis, seedArbitrary, ([shape, axis, keepDims], seed) => {
          expectGradientsMatch((x) => op(x, axis, keepDims), randomTensor(seed, shape, domain));
        }),
        RUNS,
      );
    });
  }

  it("variance and standardDeviation with Bessel's correction", () => {
    const x = randomTensor(4, [3, 4]);
    expectGradientsMatch((x) => variance(x, 1, false, { correction: 1 }), x);
    expectGradientsMatch((x) => standardDeviation(x, 0, true, { correction: 1 }), x);
  });

  for (const order of [1, 2, "inf"] as const) {
    it(`norm of order ${order} matches central differences`, () => {
      fc.assert(
        fc.property(shapeAndAxis, seedArbitrary, ([shape, axis, keepDims], seed) => {
          const x = randomTensor(seed, shape, { low: -2, high: 2, awayFrom: 0 });
          expectGradientsMatch((x) => norm(x, { order, axis, keepDims }), x);
        }),
        RUNS,
      );
    });
  }

  it("cumsum matches central differences along each axis", () => {
    fc.assert(
      fc.property(shapeArbitrary(1, 3), seedArbitrary, fc.nat(), (shape, seed, pick) => {
        const axis = pick % shape.length;
        expectGradientsMatch((x) => cumsum(x, axis), randomTensor(seed, shape));
      }),
      RUNS,
    );
  });
});

describe("reduction ties and special points, pinned exactly", () => {
  const at = (f: (x: Traced) => Traced, values: number[][]) =>
    grad((x: Traced) => sum(f(x)))(tensor(values, undefined, "float64")).toNested();

  it("max and min share the gradient equally among tied elements", () => {
    expect(at((x) => max(x), [[1, 3, 3, 0]])).toEqual([[0, 0.5, 0.5, 0]]);
    expect(
      at(
        (x) => max(x, 1),
        [
          [1, 3, 3],
          [2, 2, 2],
        ],
      ),
    ).toEqual([
      [0, 0.5, 0.5],
      [1 / 3, 1 / 3, 1 / 3],
    ]);
    expect(
      at(
        (x) => min(x, 0),
        [
          [1, 3],
          [1, 2],
        ],
      ),
    ).toEqual([
      [0.5, 0],
      [0.5, 1],
    ]);
  });

  it("prod is exact with zeros: the zero gets the product of the others, two zeros give 0", () => {
    expect(
      at(
        (x) => prod(x, 1),
        [
          [2, 3, 4],
          [2, 0, 4],
          [0, 0, 5],
        ],
      ),
    ).toEqual([
      [12, 8, 6],
      [0, 8, 0],
      [0, 0, 0],
    ]);
  });

  it("the norm's gradient at 0 is 0 for every order; standardDeviation's at a constant slice is 0", () => {
    for (const order of [1, 2, "inf"] as const)
      expect(at((x) => norm(x, { order }), [[0, 0]])).toEqual([[0, 0]]);
    expect(at((x) => norm(x, { order: "inf" }), [[-3, 3, 1]])).toEqual([[-0.5, 0.5, 0]]);
    expect(at((x) => standardDeviation(x, 1), [[2, 2, 2]])).toEqual([[0, 0, 0]]);
  });

  it("logSumExp's gradient is the softmax", () => {
    const gradient = at((x) => mul(logSumExp(x, 1), 1), [[0, Math.log(3)]]) as number[][];
    expect(gradient[0]![0]).toBeCloseTo(0.25, 15);
    expect(gradient[0]![1]).toBeCloseTo(0.75, 15);
  });
});
