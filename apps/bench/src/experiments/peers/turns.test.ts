/**
 * Why this exists: PyTorch leaves OpenBLAS threads spinning for ~0.1 s after its turn, and the library whose
 * epoch came next lost a core to them (descent's MLP measured 45,000–70,000 samples/s right after a torch-like
 * turn, 65,000–100,000 after a 0.3 s pause). measureInTurns must pause before every timed epoch.
 */
import { describe, expect, it } from "vitest";
import { type Contender, measureInTurns, type TurnPlan } from "./turns.js";
import type { PeerTrainer } from "./types.js";

const plan: TurnPlan = {
  count: 8,
  epochs: 3,
  warmUpEpochs: 0,
  warmUpSeconds: 0,
  repetitions: 1,
  settleSeconds: 0.05,
  gemmSizes: [],
  gemmMaxRuns: 0,
  gemmBudgetSeconds: 0,
  overheadShapes: [],
  failurePrefix: "not run",
};

/** A library whose epochs (`epochMilliseconds` long) only record when they started and ended, and restarts. */
function recording(
  label: string,
  log: { label: string; start: number; end: number }[],
  epochMilliseconds = 5,
): Contender {
  const trainer: PeerTrainer = {
    samplesPerEpoch: 8,
    backend: () => label,
    restart: async () => {
      log.push({ label: `${label} restart`, start: performance.now(), end: performance.now() });
    },
    async epoch() {
      const start = performance.now();
      await new Promise((resolve) => setTimeout(resolve, epochMilliseconds));
      log.push({ label, start, end: performance.now() });
      return 0.005;
    },
    testAccuracy: async () => 1,
    gemm: async () => ({ gflops: 1 }),
    addMicroseconds: async () => 1,
    dispose() {},
  };
  return { library: label, backend: label, label, create: async () => trainer };
}

describe("measureInTurns", () => {
  it("pauses settleSeconds before every timed epoch, the libraries taking turns", async () => {
    const log: { label: string; start: number; end: number }[] = [];
    const outcomes = await measureInTurns(
      [recording("first", log), recording("second", log)],
      plan,
      1,
      () => {},
    );
    const epochs = log.filter((entry) => !entry.label.endsWith(" restart"));
    expect(epochs.map((entry) => entry.label)).toEqual([
      "first",
      "second",
      "first",
      "second",
      "first",
      "second",
    ]);
    for (let index = 1; index < epochs.length; index++) {
      // setTimeout may fire a little early by the clock: 45 ms of a 50 ms pause is the bound.
      expect(epochs[index]!.start - epochs[index - 1]!.end).toBeGreaterThanOrEqual(45);
    }
    expect(outcomes.map((outcome) => outcome.run?.epochSeconds.length)).toEqual([3, 3]);
  });

  it("warms each library up for warmUpEpochs and at least warmUpSeconds before its timed epochs", async () => {
    const log: { label: string; start: number; end: number }[] = [];
    await measureInTurns(
      [recording("quick", log, 10), recording("slow", log, 120)],
      { ...plan, epochs: 1, settleSeconds: 0, warmUpEpochs: 1, warmUpSeconds: 0.1 },
      1,
      () => {},
    );
    const warmUpEpochs = (label: string) =>
      log
        .slice(
          0,
          log.findIndex((entry) => entry.label === `${label} restart`),
        )
        .filter((entry) => entry.label === label).length;
    // 10 ms epochs: about ten of them fill 0.1 s; one 120 ms epoch is both the least count and past 0.1 s.
    expect(warmUpEpochs("quick")).toBeGreaterThanOrEqual(8);
    expect(warmUpEpochs("slow")).toBe(1);
  });
});
