import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DescentError } from "@descent/tensor";
import type { Experiment, ExperimentContext } from "../experiment.js";
import { type BenchReport, type BenchTable, type ShardProvenance, validateReport } from "../report/schema.js";
import { writeReport } from "../runner.js";
import {
  PARTIAL_FILE,
  PARTIAL_SCHEMA_VERSION,
  type PartialReport,
  partialReportSchema,
} from "./partial-report.js";
import { decodeUnitPart } from "./unit-codec.js";
import { assignShards, planUnits, WHOLE_EXPERIMENT } from "./units.js";

/** Why `descent-bench merge` refused a set of partial reports. */
export type MergeRefusal =
  | "unreadable"
  | "schema"
  | "commit"
  | "seed"
  | "mode"
  | "shard-count"
  | "experiments"
  | "repeated-shard"
  | "missing-shard"
  | "units";

/** `descent-bench merge` refused its partial reports; `reason` says why and the message names the files. */
export class ShardMergeError extends DescentError {
  readonly reason: MergeRefusal;
  constructor(reason: MergeRefusal, message: string) {
    super("descent-bench merge", message);
    this.name = "ShardMergeError";
    this.reason = reason;
  }
}

/** A partial report and the file it was read from. */
export interface LoadedPartial {
  readonly source: string;
  readonly report: PartialReport;
}

/**
 * Reads and validates one shard's partial report: a folder holding `partial-report.json`, or the file itself.
 *
 * @throws ShardMergeError (`unreadable` or `schema`) naming the file and every problem with its path.
 * @example
 * readPartial("bench-results/shard-2-of-3").report.shard; // { index: 2, count: 3 }
 */
export function readPartial(path: string): LoadedPartial {
  const source = existsSync(path) && statSync(path).isDirectory() ? join(path, PARTIAL_FILE) : path;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(source, "utf8"));
  } catch (error) {
    throw new ShardMergeError(
      "unreadable",
      `${source}: cannot read it as JSON (${(error as Error).message})`,
    );
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== PARTIAL_SCHEMA_VERSION) {
    throw new ShardMergeError(
      "schema",
      `${source}: schemaVersion ${JSON.stringify(version)}, this descent-bench reads version ${PARTIAL_SCHEMA_VERSION}; run the shards and the merge with one version`,
    );
  }
  const parsed = partialReportSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ShardMergeError(
      "schema",
      `${source} does not match the partial-report schema:\n  ${problems.join("\n  ")}`,
    );
  }
  return { source, report: parsed.data };
}

function requireSame(
  partials: readonly LoadedPartial[],
  reason: MergeRefusal,
  what: string,
  pick: (report: PartialReport) => unknown,
): void {
  const first = partials[0]!;
  for (const other of partials.slice(1)) {
    if (JSON.stringify(pick(other.report)) !== JSON.stringify(pick(first.report))) {
      throw new ShardMergeError(
        reason,
        `shards of different ${what}: ${first.source} has ${JSON.stringify(pick(first.report))}, ${other.source} has ${JSON.stringify(pick(other.report))}; merge only the shards of one run`,
      );
    }
  }
}

function checkShardSet(partials: readonly LoadedPartial[]): void {
  if (partials.length === 0) throw new ShardMergeError("missing-shard", "no partial reports given");
  requireSame(partials, "commit", "commits", (report) => report.commit);
  requireSame(partials, "seed", "seeds", (report) => report.seed);
  requireSame(partials, "mode", "modes", (report) => report.mode);
  requireSame(partials, "shard-count", "shard counts", (report) => report.shard.count);
  requireSame(partials, "experiments", "experiment lists (--only)", (report) => report.experiments);
  const bySlot = new Map<number, string>();
  for (const { source, report } of partials) {
    const earlier = bySlot.get(report.shard.index);
    if (earlier !== undefined) {
      throw new ShardMergeError(
        "repeated-shard",
        `shard ${report.shard.index}/${report.shard.count} is given twice: ${earlier} and ${source}; pass each shard once`,
      );
    }
    bySlot.set(report.shard.index, source);
  }
  const count = partials[0]!.report.shard.count;
  const missing = Array.from({ length: count }, (_, slot) => slot + 1).filter((index) => !bySlot.has(index));
  if (missing.length) {
    throw new ShardMergeError(
      "missing-shard",
      `shard${missing.length > 1 ? "s" : ""} ${missing.map((index) => `${index}/${count}`).join(", ")} missing (got ${[...bySlot.keys()].sort((a, b) => a - b).join(", ")} of ${count}); run ${missing.length > 1 ? "them" : "it"} and merge again`,
    );
  }
}

/**
 * Combines the partial reports of one sharded run into the report an unsharded run of the same commit, seed and
 * mode writes: tables in report order, split experiments combined from their units' parts. Each row keeps the
 * shard that measured it (`rowShards`, machines in `meta.shards`); timings are never averaged across shards.
 *
 * @throws ShardMergeError when the shards differ in commit, seed, mode, shard count or experiments, when a
 *   shard is missing or repeated, or when a shard's units are not the ones its index was assigned.
 * @example
 * const report = mergePartials(["a", "b", "c"].map(readPartial), experiments);
 */
export function mergePartials(
  partials: readonly LoadedPartial[],
  registry: readonly Experiment<unknown>[],
): BenchReport {
  checkShardSet(partials);
  const sorted = [...partials].sort((a, b) => a.report.shard.index - b.report.shard.index);
  const first = sorted[0]!.report;
  const { mode, seed } = first;
  const byId = new Map(registry.map((experiment) => [experiment.id, experiment]));
  const unknown = first.experiments.filter((id) => !byId.has(id));
  if (unknown.length) {
    throw new ShardMergeError(
      "experiments",
      `unknown experiment id(s) ${unknown.join(", ")}: merge with the descent-bench of commit ${first.commit}`,
    );
  }
  const experiments = first.experiments.map((id) => byId.get(id)!);
  const assignment = assignShards(planUnits(experiments, mode), first.shard.count);
  for (const { source, report } of sorted) {
    const expected = assignment[report.shard.index - 1]!.map((unit) => `${unit.experimentId}/${unit.unitId}`);
    const got = report.units.map((unit) => `${unit.experimentId}/${unit.unitId}`);
    if (JSON.stringify(expected) !== JSON.stringify(got)) {
      throw new ShardMergeError(
        "units",
        `${source} ran units ${got.join(", ") || "(none)"} but shard ${report.shard.index}/${report.shard.count} is assigned ${expected.join(", ") || "(none)"}; run it with this descent-bench`,
      );
    }
  }

  const results = new Map<string, { shard: number; unit: PartialReport["units"][number] }>();
  for (const { report } of sorted) {
    for (const unit of report.units)
      results.set(`${unit.experimentId}/${unit.unitId}`, { shard: report.shard.index, unit });
  }
  const context: ExperimentContext = { mode, seed, fashionMnistDirectory: "", progress() {} };
  const durationsSeconds: Record<string, number> = {};
  const tables: BenchTable[] = experiments.map((experiment) => {
    const settings = experiment.settings[mode];
    const whole = results.get(`${experiment.id}/${WHOLE_EXPERIMENT}`);
    if (whole?.unit.kind === "table") {
      durationsSeconds[experiment.id] = whole.unit.seconds;
      return { ...whole.unit.table, rowShards: whole.unit.table.rows.map(() => whole.shard) };
    }
    const parts = new Map<string, unknown>();
    const shardOfUnit = new Map<string, number>();
    let seconds = 0;
    for (const { id } of experiment.units!.list(settings)) {
      const { shard, unit } = results.get(`${experiment.id}/${id}`)!;
      if (unit.kind !== "part")
        throw new ShardMergeError("units", `${experiment.id}/${id} holds a table, not a part`);
      parts.set(id, decodeUnitPart(unit.part));
      shardOfUnit.set(id, shard);
      seconds += unit.seconds;
    }
    durationsSeconds[experiment.id] = seconds;
    const { rowUnits, ...result } = experiment.units!.combine(settings, parts, context);
    return {
      id: experiment.id,
      title: experiment.title,
      question: experiment.question,
      ...result,
      rowShards: rowUnits.map((unitId) => shardOfUnit.get(unitId)!),
    };
  });
  const shards: ShardProvenance[] = sorted.map(({ report }) => ({
    index: report.shard.index,
    count: report.shard.count,
    machine: report.machine,
    units: report.units.map((unit) => `${unit.experimentId}/${unit.unitId}`),
    estimatedCost: report.units.reduce((total, unit) => total + unit.cost, 0),
    seconds: report.units.reduce((total, unit) => total + unit.seconds, 0),
  }));
  return validateReport({
    meta: {
      seed,
      mode,
      nodeVersion: first.machine.nodeVersion,
      cpuModel: first.machine.cpuModel,
      cpuCores: first.machine.cpus,
      gitCommit: first.commit === "unknown" ? null : first.commit,
      date: sorted.map(({ report }) => report.date).sort()[0]!,
      durationsSeconds,
      shards,
    },
    tables,
  });
}

/**
 * `descent-bench merge <dirs…> --out <dir>`: reads and validates every partial report, merges them, and writes
 * `report.{json,md,html}` and the SVG plots as an unsharded run does.
 *
 * @example
 * await mergeShardDirectories(["out/shard-1-of-2", "out/shard-2-of-2"], experiments, "out/merged");
 */
export async function mergeShardDirectories(
  directories: readonly string[],
  registry: readonly Experiment<unknown>[],
  outDirectory: string | null,
): Promise<BenchReport> {
  const report = mergePartials(directories.map(readPartial), registry);
  if (outDirectory) await writeReport(report, outDirectory);
  return report;
}
