import { describe, expect, it } from "vitest";
import { defineExperiment, type Experiment } from "../experiment.js";
import { experiments } from "../experiments/registry.js";
import { isTimingColumn, isTimingLabel } from "../report/non-timing.js";
import { parseShardId } from "./run-shard.js";
import { decodeUnitPart, encodeUnitPart } from "./unit-codec.js";
import { assignShards, type PlannedUnit, planUnits } from "./units.js";

const units = (costs: readonly number[]): PlannedUnit[] =>
  costs.map((cost, index) => ({ experimentId: "e", unitId: `u${index}`, cost }));
const load = (shard: readonly PlannedUnit[]) => shard.reduce((total, unit) => total + unit.cost, 0);

describe("assignShards (greedy longest processing time)", () => {
  it("balances by cost, not by count: one costly unit alone, the cheap ones together", () => {
    const [first, second] = assignShards(units([1, 1, 10, 1, 1, 1, 1, 1, 1, 1, 1]), 2);
    expect(first!.map((unit) => unit.unitId)).toEqual(["u2"]);
    expect(second).toHaveLength(10);
  });

  it("puts every unit in exactly one shard, in report order, and is deterministic", () => {
    const plan = units([5, 4, 3, 3, 2, 2, 1, 0.5]);
    const shards = assignShards(plan, 3);
    expect(
      shards
        .flat()
        .map((unit) => unit.unitId)
        .sort(),
    ).toEqual(plan.map((unit) => unit.unitId).sort());
    for (const shard of shards) {
      const order = shard.map((unit) => plan.indexOf(unit));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    expect(shards.map(load)).toEqual([7, 7, 6.5]);
    expect(assignShards(plan, 3)).toEqual(shards);
  });

  it("leaves a shard empty when there are fewer units than shards, and refuses a bad count", () => {
    expect(assignShards(units([1]), 3).map((shard) => shard.length)).toEqual([1, 0, 0]);
    expect(() => assignShards(units([1]), 0)).toThrow(/shard count 0 must be an integer ≥ 1/);
  });

  it("splits the registry's grids into units and keeps the tiny shards within 25 % of each other by cost", () => {
    const plan = planUnits(experiments, "tiny");
    expect(plan.filter((unit) => unit.experimentId === "depth").length).toBeGreaterThan(1);
    expect(plan.filter((unit) => unit.experimentId === "regularization").length).toBeGreaterThan(1);
    const loads = assignShards(plan, 3).map(load);
    expect(Math.max(...loads) / Math.min(...loads)).toBeLessThan(1.25);
  });

  it("refuses a unit without a positive cost, naming it", () => {
    const broken = defineExperiment<number>({
      id: "broken",
      title: "t",
      question: "q",
      settings: { tiny: 1, quick: 1, full: 1 },
      cost: { tiny: 0, quick: 1, full: 1 },
      run: () => Promise.reject(new Error("not run")),
    }) as Experiment<unknown>;
    expect(() => planUnits([broken], "tiny")).toThrow(/broken\/\* declares cost 0/);
  });
});

describe("--shard i/N", () => {
  it("takes integers with 1 ≤ i ≤ N and names the text it refuses", () => {
    expect(parseShardId("2/3")).toEqual({ index: 2, count: 3 });
    expect(parseShardId("1/1")).toEqual({ index: 1, count: 1 });
    for (const bad of ["0/3", "4/3", "1.5/3", "a/b", "3", "-1/3", ""]) {
      expect(() => parseShardId(bad), bad).toThrow(
        expect.objectContaining({ name: "ValueError", message: expect.stringContaining(`got "${bad}"`) }),
      );
    }
  });
});

describe("a unit's part in a partial report", () => {
  it("round-trips NaN, ±Infinity and -0 exactly through JSON", () => {
    const part = {
      losses: [1.5, Number.NaN, Number.POSITIVE_INFINITY],
      zero: -0,
      low: Number.NEGATIVE_INFINITY,
      n: null,
    };
    const back = decodeUnitPart(JSON.parse(JSON.stringify(encodeUnitPart(part)))) as typeof part;
    expect(back.losses[1]).toBeNaN();
    expect(back.losses[2]).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(back.zero, -0)).toBe(true);
    expect(back.low).toBe(Number.NEGATIVE_INFINITY);
    expect(back.n).toBeNull();
  });

  it("refuses what would not survive the trip, naming its path", () => {
    expect(() => encodeUnitPart({ runs: [{ norms: new Float32Array(2) }] })).toThrow(
      /part\.runs\[0\]\.norms is a Float32Array; .*plain data/,
    );
  });
});

describe("timing fields", () => {
  it("are the columns and axes that measure time or memory, not a theory's value", () => {
    expect(isTimingColumn({ name: "time per epoch", unit: "s (median, measurements excluded)" })).toBe(true);
    expect(isTimingColumn({ name: "samples_per_s", unit: "samples/s" })).toBe(true);
    expect(
      isTimingColumn({ name: "add_1_us", unit: "µs per element-wise add, result read back (median)" }),
    ).toBe(true);
    expect(isTimingColumn({ name: "peak memory", unit: "MB: peak V8 heap" })).toBe(true);
    expect(
      isTimingColumn({ name: "time exponent, theory", unit: "slope of log(n·P) on the same sizes" }),
    ).toBe(false);
    expect(isTimingColumn({ name: "test accuracy", unit: "fraction" })).toBe(false);
    expect(isTimingColumn({ name: "epochs to target loss", unit: "epochs until training loss ≤ 1.5" })).toBe(
      false,
    );
    expect(isTimingLabel("seconds of training (log)")).toBe(true);
    expect(isTimingLabel("final training loss")).toBe(false);
  });
});
