import { describe, expect, it } from "vitest";
import { gemmGflops, median, medianSeconds, perCallSeconds } from "./measure.js";

describe("measure", () => {
  it("median takes the middle value, or the mean of the two middle values", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/no values/);
  });

  it("gemmGflops counts 2n³ operations", () => {
    expect(gemmGflops(1000, 1)).toBeCloseTo(2, 12);
    expect(gemmGflops(1024, 0.05)).toBeCloseTo((2 * 1024 ** 3) / 0.05 / 1e9, 9);
  });

  it("medianSeconds stops at maxRuns and drops the warm-up run", () => {
    let calls = 0;
    const seconds = medianSeconds(() => void calls++, { maxRuns: 4, budgetSeconds: 1e9 });
    expect(calls).toBe(4);
    expect(seconds).toBeGreaterThanOrEqual(0);
  });

  it("perCallSeconds times whole batches of calls, at least three of them, and divides by the batch size", () => {
    let calls = 0;
    // A zero budget and a zero batch length: one call per batch, and the three batches it always times.
    const seconds = perCallSeconds(() => void calls++, { budgetSeconds: 0, batchSeconds: 0 });
    expect(calls).toBe(1 + 3);
    expect(Number.isFinite(seconds)).toBe(true);
    expect(seconds).toBeGreaterThanOrEqual(0);
  });

  it("perCallSeconds doubles the batch until one batch lasts batchSeconds", () => {
    let calls = 0;
    let clock = 0;
    const realNow = performance.now.bind(performance);
    // A fake clock where every call takes 1 ms: a 4 ms batch needs 4 calls (1, 2, then 4 in the doubling).
    performance.now = () => clock;
    try {
      const seconds = perCallSeconds(
        () => {
          calls++;
          clock += 1;
        },
        { budgetSeconds: 0, batchSeconds: 0.004 },
      );
      expect(seconds).toBeCloseTo(0.001, 12);
      expect(calls).toBe(1 + 2 + 4 + 3 * 4);
    } finally {
      performance.now = realNow;
    }
  });
});
