import * as T from "@descent/tensor";
import { tensor } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { grad } from "../api/value-and-grad.js";
import type { Operand, Traced } from "../core/traced.js";
import {
  broadcastPairArbitrary,
  expectGradientsMatch,
  RUNS,
  randomTensor,
  seedArbitrary,
} from "../test-helpers.js";
import { add, clip, div, maximum, minimum, mul, pow, sub, where } from "./elementwise-binary.js";
import { equal, greater, greaterEqual, less, lessEqual, notEqual } from "./non-differentiable.js";
import { sum } from "./reductions.js";

type Binary = (a: Operand, b: Operand) => Traced;
const away = { low: -2, high: 2, awayFrom: 0, margin: 0.3 };
const cases: [string, Binary, object, object][] = [
  ["add", add, {}, {}],
  ["sub", sub, {}, {}],
  ["mul", mul, {}, {}],
  ["div", div, {}, away],
  ["pow", pow, { low: 0.3, high: 2 }, {}],
];

describe("element-wise binary gradients (with broadcasting)", () => {
  for (const [name, op, domainA, domainB] of cases) {
    it(`${name} matches central differences for broadcast shapes`, () => {
      fc.assert(
        fc.property(broadcastPairArbitrary(), seedArbitrary, ([shapeA, shapeB], seed) => {
          const inputs = {
            a: randomTensor(seed, shapeA, domainA),
            b: randomTensor(seed + 1, shapeB, domainB),
          };
          expectGradientsMatch(({ a, b }) => op(a, b), inputs);
        }),
        RUNS,
      );
    });
  }

  for (const [name, op] of [
    ["maximum", maximum],
    ["minimum", minimum],
  ] as const) {
    it(`${name} matches central differences away from ties`, () => {
      fc.assert(
        fc.property(broadcastPairArbitrary(), seedArbitrary, ([shapeA, shapeB], seed) => {
          const inputs = { a: randomTensor(seed, shapeA), b: randomTensor(seed + 1, shapeB) };
          fc.pre(T.min(T.abs(T.sub(inputs.a, inputs.b))).item() > 0.01);
          expectGradientsMatch(({ a, b }) => op(a, b), inputs);
        }),
        RUNS,
      );
    });
  }

  it("numbers are constants on either side", () => {
    const x = randomTensor(1, [2, 3], away);
    expectGradientsMatch((x) => sub(2, div(3, mul(add(x, 1), 0.5))), x);
    expectGradientsMatch((x) => add(pow(2, x), pow(x, 3)), x);
  });

  it("pow: ∂/∂b of aᵇ is 0 at a = 0 (not NaN)", () => {
    const gradient = grad((b: Traced) => sum(pow(tensor([0, 2], undefined, "float64"), b)))(
      tensor([2, 3], undefined, "float64"),
    );
    expect(gradient.toArray()).toEqual([0, 8 * Math.log(2)]);
  });

  it("where routes the gradient to the picked operand", () => {
    fc.assert(
      fc.property(broadcastPairArbitrary(), seedArbitrary, ([shapeA, shapeB], seed) => {
        const condition = greater(randomTensor(seed + 7, shapeA), 0);
        const inputs = { a: randomTensor(seed, shapeA), b: randomTensor(seed + 1, shapeB) };
        expectGradientsMatch(({ a, b }) => mul(where(condition, a, b), 3), inputs);
      }),
      RUNS,
    );
    const [ga, gb] = grad((a: Traced, b: Traced) => sum(where(tensor([1, 0, 1]), a, b)), { argnums: [0, 1] })(
      tensor([1, 2, 3]),
      tensor([4]),
    );
    expect(ga.toArray()).toEqual([1, 0, 1]);
    expect(gb.toArray()).toEqual([1]);
  });

  it("clip passes the gradient inside [min, max], bounds included", () => {
    expectGradientsMatch((x) => clip(x, -0.5, 0.7), tensor([-2, -0.3, 0.1, 0.6, 1.5], undefined, "float64"));
    const gradient = grad((x: Traced) => sum(clip(x, -1, 1)))(tensor([-2, -1, 0, 1, 2]));
    expect(gradient.toArray()).toEqual([0, 1, 1, 1, 0]);
  });
});

describe("ties of maximum and minimum, pinned exactly", () => {
  const both = (op: Binary, a: number[], b: number[]) => {
    const [ga, gb] = grad((a: Traced, b: Traced) => sum(op(a, b)), { argnums: [0, 1] })(
      tensor(a, undefined, "float64"),
      tensor(b, undefined, "float64"),
    );
    return [ga.toArray(), gb.toArray()];
  };

  it("maximum splits a tie half/half", () => {
    expect(both(maximum, [1, 2, 3], [3, 2, 1])).toEqual([
      [0, 0.5, 1],
      [1, 0.5, 0],
    ]);
  });

  it("minimum splits a tie half/half", () => {
    expect(both(minimum, [1, 2, 3], [3, 2, 1])).toEqual([
      [1, 0.5, 0],
      [0, 0.5, 1],
    ]);
  });

  it("maximum(x, 0) passes half the gradient at 0 (unlike relu)", () => {
    expect(grad((x: Traced) => sum(maximum(x, 0)))(tensor([-1, 0, 1])).toArray()).toEqual([0, 0.5, 1]);
  });

  it("comparisons have zero gradient", () => {
    for (const op of [equal, notEqual, greater, greaterEqual, less, lessEqual]) {
      expect(both(op, [1, 2], [2, 2])).toEqual([
        [0, 0],
        [0, 0],
      ]);
    }
  });
});
