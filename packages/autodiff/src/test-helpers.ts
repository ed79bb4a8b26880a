import type { Shape } from "@descent/spec";
import { createRandom, type Tensor, uniform } from "@descent/tensor";
import fc from "fast-check";
import { expect } from "vitest";
import type { TracedOf } from "./api/types.js";
import type { Operand } from "./core/traced.js";
import { type CheckGradientOptions, checkGradient } from "./testing/check-gradient.js";

/** Shared helpers of the tests (not exported by the package). */

/** Property runs per op: each run does 2 evaluations per input element. */
export const RUNS = { numRuns: 25 } as const;

/** A shape of rank `minRank…maxRank` with sizes 1…`maxSize`. */
export function shapeArbitrary(minRank = 0, maxRank = 3, maxSize = 3): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max: maxSize }), { minLength: minRank, maxLength: maxRank });
}

/** Two shapes that broadcast together: the second drops leading axes and/or sets sizes to 1; maybe swapped. */
export function broadcastPairArbitrary(): fc.Arbitrary<[number[], number[]]> {
  return shapeArbitrary(0, 3).chain((shape) =>
    fc
      .tuple(
        fc.integer({ min: 0, max: shape.length }),
        fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
        fc.boolean(),
      )
      .map(([dropped, ones, swap]): [number[], number[]] => {
        const other = shape.slice(dropped).map((size, i) => (ones[i + dropped] ? 1 : size));
        return swap ? [other, shape] : [shape, other];
      }),
  );
}

/** A seed for {@link randomTensor}. */
export const seedArbitrary = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/**
 * A float64 tensor of uniform values in `[low, high)`; with `awayFrom`, values closer than `margin`
 * to it are pushed `margin` away (to stay off kinks and singularities).
 */
export function randomTensor(
  seed: number,
  shape: Shape,
  options: { low?: number; high?: number; awayFrom?: number; margin?: number } = {},
): Tensor {
  const t = uniform(createRandom(seed), shape, {
    low: options.low ?? -2,
    high: options.high ?? 2,
    dtype: "float64",
  });
  if (options.awayFrom !== undefined) {
    const margin = options.margin ?? 0.1;
    const data = t.data;
    for (let i = 0; i < data.length; i++) {
      const offset = data[i]! - options.awayFrom;
      if (Math.abs(offset) < margin) data[i] = options.awayFrom + (offset < 0 ? -margin : margin);
    }
  }
  return t;
}

/** Asserts that backpropagation agrees with central differences (the message names the worst element). */
export function expectGradientsMatch<Input>(
  fn: (inputs: TracedOf<Input>) => Operand,
  inputs: Input,
  options?: CheckGradientOptions,
): void {
  const check = checkGradient(fn, inputs, options);
  expect(check.ok, check.message).toBe(true);
}
