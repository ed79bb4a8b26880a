import { describe, expect, it } from "vitest";
import {
  gemmGflops,
  median,
  medianSeconds,
  medianSecondsInTurns,
  perCallSeconds,
  timedTurn,
} from "./measure.js";

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

  it("medianSecondsInTurns alternates the contenders, prepares each run untimed, and stops each under its own budget", async () => {
    let clock = 0;
    const realNow = performance.now.bind(performance);
    // A fake clock in milliseconds: the slow contender's runs take 1 s, the fast one's 0.1 s (then 0.2 s).
    performance.now = () => clock;
    const order: string[] = [];
    const turn = (name: string, milliseconds: (run: number) => number) => {
      let runs = 0;
      return timedTurn(
        () => {
          order.push(name);
          clock += milliseconds(runs++);
        },
        () => {
          order.push(`prepare ${name}`);
          clock += 5000; // untimed
        },
      );
    };
    try {
      const [slow, fast] = await medianSecondsInTurns(
        [turn("slow", () => 1000), turn("fast", (run) => (run < 3 ? 100 : 200))],
        { maxRuns: 5, budgetSeconds: 1.5 },
      );
      // The slow one leaves after two runs (2 s ≥ 1.5 s); the fast one reaches maxRuns (0.8 s < 1.5 s).
      expect(order.filter((name) => !name.startsWith("prepare"))).toEqual([
        "slow",
        "fast",
        "slow",
        "fast",
        "fast",
        "fast",
        "fast",
      ]);
      expect(order.slice(0, 4)).toEqual(["prepare slow", "slow", "prepare fast", "fast"]);
      // Warm-up runs left out: slow median([1]) = 1; fast median([0.1, 0.1, 0.2, 0.2]) = 0.15.
      expect(slow).toBeCloseTo(1, 12);
      expect(fast).toBeCloseTo(0.15, 12);
    } finally {
      performance.now = realNow;
    }
  });

  it("medianSecondsInTurns makes a quick contender's later turns calls back to back, and divides by their count", async () => {
    let clock = 0;
    const realNow = performance.now.bind(performance);
    performance.now = () => clock;
    let calls = 0;
    try {
      // 5 ms calls and 20 ms turns: the warm-up call, then turns of 4 calls, until 3 turns (maxRuns).
      const [seconds] = await medianSecondsInTurns(
        [
          timedTurn(() => {
            calls++;
            clock += 5;
          }),
        ],
        { maxRuns: 3, budgetSeconds: 10, turnSeconds: 0.02 },
      );
      expect(calls).toBe(1 + 4 + 4);
      expect(seconds).toBeCloseTo(0.005, 12);
    } finally {
      performance.now = realNow;
    }
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
