import * as T from "@descent/tensor";
import { tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { customOp } from "../api/custom-op.js";
import { add, mul } from "../ops/elementwise-binary.js";
import { sin, square } from "../ops/elementwise-unary.js";
import { sum } from "../ops/reductions.js";
import { checkGradient } from "./check-gradient.js";
import { checkGradient as fromSubpath } from "./index.js";

describe("checkGradient", () => {
  it("passes a correct gradient, counting the elements it compared", () => {
    const check = checkGradient((x) => sum(sin(x)), tensor([0.1, 0.5, -2]));
    expect(check.ok).toBe(true);
    expect(check.checked).toBe(3);
    expect(check.worst!.absoluteError).toBeLessThan(1e-8);
    expect(check.message).toMatch(/^checkGradient ok: worst element input\[\d\]/);
    expect(fromSubpath).toBe(checkGradient);
  });

  it("reports the worst element of a wrong gradient: input path, flat and multi-index, both values, errors", () => {
    // Correct except for element [1, 0] of the weights, whose gradient is off by 0.5.
    const wrong = customOp({
      name: "almostSquare",
      forward: (x) => T.square(x),
      backward: (g, _y, [x]) => {
        const gradient = T.mul(T.mul(g, x!), 2);
        gradient.data[2]! += 0.5;
        return [gradient];
      },
    });
    const inputs = {
      bias: tensor([1, 2]),
      layer: {
        weights: tensor([
          [1, 2],
          [3, 4],
        ]),
      },
    };
    const check = checkGradient((p) => add(sum(p.bias), sum(wrong(p.layer.weights))), inputs);
    expect(check.ok).toBe(false);
    expect(check.checked).toBe(6);
    const worst = check.worst!;
    expect(worst.path).toBe("layer.weights");
    expect(worst.flatIndex).toBe(2);
    expect(worst.index).toEqual([1, 0]);
    expect(worst.analytic).toBeCloseTo(6.5, 12);
    expect(worst.numeric).toBeCloseTo(6, 6);
    expect(worst.absoluteError).toBeCloseTo(0.5, 6);
    expect(worst.relativeError).toBeCloseTo(0.5 / 6.5, 6);
    expect(check.message).toMatch(/FAILED: worst element layer\.weights\[1,0\] \(flat 2\): analytic 6\.5/);
  });

  it("casts float32 inputs to float64 itself", () => {
    // In float32, central differences with h ≈ 1e-6 would be noise; in float64 they are exact to ~1e-10.
    const check = checkGradient((x) => sum(mul(square(x), x)), tensor([0.3, 1.7], undefined, "float32"));
    expect(check.ok, check.message).toBe(true);
    expect(check.worst!.absoluteError).toBeLessThan(1e-7);
  });

  it("reduces a non-scalar output with fixed random weights, so errors that cancel in a plain sum are caught", () => {
    // The backward swaps the two cotangent elements: invisible with an all-ones cotangent, not with random weights.
    const swapped = customOp({
      name: "swapped",
      forward: (x) => T.mul(x, 1),
      backward: (g) => [tensor([g.data[1]!, g.data[0]!], undefined, g.dtype)],
    });
    expect(checkGradient((x) => sum(swapped(x)), tensor([1, 1])).ok).toBe(true);
    expect(checkGradient((x) => swapped(x), tensor([1, 1])).ok).toBe(false);
    expect(checkGradient((x) => mul(x, tensor([1, 2])), tensor([1, 1])).ok).toBe(true);
  });

  it("uses the tolerances it is given", () => {
    const fivePercentOff = customOp({
      name: "fivePercentOff",
      forward: (x) => T.square(x),
      backward: (g, _y, [x]) => [T.mul(T.mul(g, x!), 2.1)],
    });
    const f = (x: Parameters<typeof fivePercentOff>[0]) => sum(fivePercentOff(x));
    expect(checkGradient(f, tensor([1, -2])).ok).toBe(false);
    expect(checkGradient(f, tensor([1, -2]), { relativeTolerance: 0.1 }).ok).toBe(true);
    expect(checkGradient(f, tensor([1, -2]), { absoluteTolerance: 0.3 }).ok).toBe(true);
    const coarse = checkGradient((x) => sum(mul(square(x), x)), tensor([1]), { step: 1e-2 });
    // (x+h)³ - (x-h)³ = 6x²h + 2h³: the step shows up as an h² error of exactly 1e-4.
    expect(coarse.worst!.absoluteError).toBeCloseTo(1e-4, 9);
  });
});
