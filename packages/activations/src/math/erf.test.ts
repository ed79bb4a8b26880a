import { describe, expect, it } from "vitest";
import { erf, erfc } from "./erf.js";

// [x, erf(x), erfc(x)] from mpmath at 40 digits, rounded to float64.
const REFERENCE: [number, number, number][] = [
  [0.0, 0.0, 1.0],
  [0.1, 0.1124629160182849, 0.887537083981715],
  [-0.5, -0.5204998778130465, 1.5204998778130465],
  [0.7499, 0.7110913357245858, 0.2889086642754142],
  [0.75, 0.7111556336535151, 0.28884436634648486],
  [1, 0.8427007929497149, 0.15729920705028513],
  [-1.5, -0.9661051464753108, 1.9661051464753108],
  [2.5, 0.999593047982555, 0.0004069520174449589],
  [3.7, 0.9999998328489421, 1.6715105790914599e-7],
  [-5, -0.9999999999984626, 1.9999999999984626],
  [8, 1.0, 1.1224297172982926e-29],
  [15, 1.0, 7.212994172451207e-100],
  [26, 1.0, 5.663192408856143e-296],
];

function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

describe("erf / erfc", () => {
  it("match 40-digit references (erf to 4e-16, erfc to 1e-13 relative even in the far tail)", () => {
    for (const [x, expectedErf, expectedErfc] of REFERENCE) {
      expect([x, relativeError(erf(x), expectedErf) < 4e-16]).toEqual([x, true]);
      expect([x, relativeError(erfc(x), expectedErfc) < 1e-13]).toEqual([x, true]);
    }
  });

  it("handles infinities, NaN and the odd symmetry", () => {
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erf(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erf(Number.NaN)).toBeNaN();
    expect(erfc(Number.NaN)).toBeNaN();
    for (const x of [0.3, 0.9, 2, 4.5]) expect(erf(-x)).toBe(-erf(x));
  });
});
