import { join } from "node:path";
import { ValueError } from "@descent/tensor";
import type { Experiment, ExperimentContext, Mode } from "../experiment.js";
import type { BenchTable } from "../report/schema.js";
import { writeFileAtomic } from "../writers/atomic-write.js";
import {
  gitCommit,
  machineInfo,
  PARTIAL_FILE,
  PARTIAL_SCHEMA_VERSION,
  type PartialReport,
  partialReportSchema,
} from "./partial-report.js";
import { encodeUnitPart } from "./unit-codec.js";
import { assignShards, planUnits, WHOLE_EXPERIMENT } from "./units.js";

/** `--shard index/count`: this process runs shard `index` (1-based) of `count`. */
export interface ShardId {
  readonly index: number;
  readonly count: number;
}

/** Options of one shard of a benchmark run. */
export interface ShardRunOptions {
  /** Every experiment of the whole run (all shards), in report order. */
  readonly experiments: readonly Experiment<unknown>[];
  readonly mode: Mode;
  readonly seed: number;
  readonly shard: ShardId;
  /** Folder for `partial-report.json`; `null` writes nothing. */
  readonly outDirectory: string | null;
  /** Called before each unit with a one-line description (the CLI prints it on stderr). */
  readonly log?: (line: string) => void;
  readonly fashionMnistDirectory?: string;
}

/**
 * Parses `i/N` as `--shard` takes it: integers with 1 ≤ i ≤ N.
 *
 * @throws ValueError naming the text and the expected form.
 * @example
 * parseShardId("2/3"); // { index: 2, count: 3 }
 */
export function parseShardId(text: string): ShardId {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || index < 1 || index > count) {
    throw new ValueError(
      "--shard",
      `takes i/N with integers 1 ≤ i ≤ N (shard i of N, e.g. 2/3), got "${text}"`,
    );
  }
  return { index, count };
}

/**
 * Runs this shard's work units one after the other (never two at once: timings would interfere) and writes
 * `partial-report.json`, validated against its schema, for `descent-bench merge`.
 *
 * @example
 * await runShard({ experiments, mode: "tiny", seed: 7, shard: { index: 1, count: 3 }, outDirectory: "out/shard-1" });
 */
export async function runShard(options: ShardRunOptions): Promise<PartialReport> {
  const { experiments, mode, seed, shard } = options;
  const mine = assignShards(planUnits(experiments, mode), shard.count)[shard.index - 1]!;
  const byId = new Map(experiments.map((experiment) => [experiment.id, experiment]));
  const date = new Date().toISOString();
  const units: unknown[] = [];
  for (const [position, unit] of mine.entries()) {
    const experiment = byId.get(unit.experimentId)!;
    options.log?.(
      `shard ${shard.index}/${shard.count}: unit ${position + 1}/${mine.length} ${unit.experimentId}/${unit.unitId} (estimated ${unit.cost} s)`,
    );
    const context: ExperimentContext = {
      mode,
      seed,
      fashionMnistDirectory: options.fashionMnistDirectory ?? "/usr/share/datasets/fashion-mnist",
      progress() {},
    };
    const settings = experiment.settings[mode];
    const started = performance.now();
    if (unit.unitId === WHOLE_EXPERIMENT) {
      const result = await experiment.run(settings, context);
      const table: BenchTable = {
        id: experiment.id,
        title: experiment.title,
        question: experiment.question,
        ...result,
      };
      const seconds = (performance.now() - started) / 1000;
      units.push({
        kind: "table",
        experimentId: experiment.id,
        unitId: "*",
        cost: unit.cost,
        seconds,
        table,
      });
    } else {
      const part = encodeUnitPart(await experiment.units!.run(settings, unit.unitId, context));
      const seconds = (performance.now() - started) / 1000;
      units.push({
        kind: "part",
        experimentId: experiment.id,
        unitId: unit.unitId,
        cost: unit.cost,
        seconds,
        part,
      });
    }
  }
  const report = {
    schemaVersion: PARTIAL_SCHEMA_VERSION,
    shard: { index: shard.index, count: shard.count },
    seed,
    mode,
    commit: gitCommit() ?? "unknown",
    experiments: experiments.map((experiment) => experiment.id),
    machine: machineInfo(),
    date,
    units,
  };
  const checked = partialReportSchema.safeParse(report);
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ValueError(
      "runShard",
      `the partial report does not match its schema:\n  ${problems.join("\n  ")}`,
    );
  }
  if (options.outDirectory) {
    writeFileAtomic(join(options.outDirectory, PARTIAL_FILE), `${JSON.stringify(report, null, 2)}\n`);
  }
  return checked.data;
}
