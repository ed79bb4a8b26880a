import { ValueError } from "@descent/tensor";
import type {
  CombinedResult,
  Experiment,
  ExperimentContext,
  ExperimentResult,
  ExperimentUnits,
  Mode,
} from "../experiment.js";
import { decodeUnitPart, encodeUnitPart } from "./unit-codec.js";

/** The id of the unit that stands for a whole experiment (one that lists no finer `units`). */
export const WHOLE_EXPERIMENT = "*";

/** One work unit of a run: which experiment, which unit of it (`"*"` for the whole experiment), its cost. */
export interface PlannedUnit {
  readonly experimentId: string;
  readonly unitId: string;
  readonly cost: number;
}

/**
 * Every work unit of a run, in report order: an experiment's own `units` when it lists them, else the whole
 * experiment as one unit with its declared cost for the mode.
 *
 * @example
 * planUnits(experiments, "tiny").map((unit) => `${unit.experimentId}/${unit.unitId}`);
 */
export function planUnits(experiments: readonly Experiment<unknown>[], mode: Mode): PlannedUnit[] {
  return experiments.flatMap((experiment) => {
    const settings = experiment.settings[mode];
    const units = experiment.units
      ? experiment.units.list(settings)
      : [{ id: WHOLE_EXPERIMENT, cost: experiment.cost[mode] }];
    const seen = new Set<string>();
    for (const unit of units) {
      if (seen.has(unit.id) || (unit.id === WHOLE_EXPERIMENT && experiment.units)) {
        throw new ValueError(
          "planUnits",
          `${experiment.id} lists the unit id "${unit.id}" twice or uses the reserved "*"; unit ids must be unique`,
        );
      }
      if (!(Number.isFinite(unit.cost) && unit.cost > 0)) {
        throw new ValueError(
          "planUnits",
          `${experiment.id}/${unit.id} declares cost ${unit.cost}; a cost is a positive number of seconds`,
        );
      }
      seen.add(unit.id);
    }
    return units.map((unit) => ({ experimentId: experiment.id, unitId: unit.id, cost: unit.cost }));
  });
}

/**
 * Assigns units to `count` shards by declared cost: longest processing time first, each to the shard with the
 * least cost so far (ties: the lower shard index; equal costs keep report order). Deterministic: every shard
 * of a run computes the same assignment. Returns, per shard (index 0 = shard 1), its units in report order.
 *
 * @example
 * assignShards(planUnits(experiments, "quick"), 3)[0]; // the units `--shard 1/3` runs
 */
export function assignShards(units: readonly PlannedUnit[], count: number): PlannedUnit[][] {
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new ValueError("assignShards", `shard count ${count} must be an integer ≥ 1`);
  }
  const order = units.map((unit, index) => ({ unit, index }));
  order.sort((a, b) => b.unit.cost - a.unit.cost || a.index - b.index);
  const loads = new Array<number>(count).fill(0);
  const assigned: number[][] = Array.from({ length: count }, () => []);
  for (const { index, unit } of order) {
    let lightest = 0;
    for (let shard = 1; shard < count; shard++) if (loads[shard]! < loads[lightest]!) lightest = shard;
    loads[lightest]! += unit.cost;
    assigned[lightest]!.push(index);
  }
  return assigned.map((indices) => indices.sort((a, b) => a - b).map((index) => units[index]!));
}

/**
 * Runs a split experiment whole: every unit in order (each part through the same exact JSON a shard's partial
 * report uses, so an unsharded run and a merged sharded run combine identical parts), then `combine`.
 *
 * @example
 * const result = await runAllUnits(depthUnits, depth.settings.tiny, context); // what defineExperiment makes `run`
 */
export async function runAllUnits<Settings, Part>(
  units: ExperimentUnits<Settings, Part>,
  settings: Settings,
  context: ExperimentContext,
): Promise<ExperimentResult> {
  const list = units.list(settings);
  const parts = new Map<string, Part>();
  for (const [index, unit] of list.entries()) {
    context.progress(index / list.length, unit.id);
    const part = await units.run(settings, unit.id, context);
    parts.set(unit.id, decodeUnitPart(JSON.parse(JSON.stringify(encodeUnitPart(part)))) as Part);
  }
  context.progress(1, "done");
  return withoutRowUnits(units.combine(settings, parts, context));
}

/**
 * The table of a combined result, without its row provenance.
 *
 * @example
 * const { rows } = withoutRowUnits(units.combine(settings, parts, context));
 */
export function withoutRowUnits(result: CombinedResult): ExperimentResult {
  const { rowUnits: _rowUnits, ...table } = result;
  return table;
}
