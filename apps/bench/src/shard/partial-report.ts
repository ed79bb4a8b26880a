import { execFileSync } from "node:child_process";
import { arch, cpus, hostname, platform, release } from "node:os";
import { z } from "zod";
import type { BenchTable, MachineInfo } from "../report/schema.js";
import { machineSchema, tableSchema } from "../report/schema.js";

/** The version of the partial-report format; `merge` refuses any other. Bump it when the format changes. */
export const PARTIAL_SCHEMA_VERSION = 1;

/** The file a shard writes into its `--out` folder. */
export const PARTIAL_FILE = "partial-report.json";

const finiteNumber = z.number().refine(Number.isFinite, { message: "must be a finite number" });

/** The schema of a shard's `partial-report.json` (`PartialReport`), checked by `descent-bench merge`. */
export const partialReportSchema = z
  .object({
    schemaVersion: z.literal(PARTIAL_SCHEMA_VERSION),
    shard: z.object({ index: z.number().int().positive(), count: z.number().int().positive() }),
    seed: z.number().int().nonnegative(),
    mode: z.enum(["tiny", "quick", "full"]),
    /** `git rev-parse --short=12 HEAD` of the run, or `"unknown"` outside a git checkout. */
    commit: z.string().min(1),
    /** The experiments of the whole run (every shard), in report order. */
    experiments: z.array(z.string().min(1)).min(1),
    machine: machineSchema,
    date: z.string(),
    units: z.array(
      z.discriminatedUnion("kind", [
        z.object({
          kind: z.literal("table"),
          experimentId: z.string(),
          unitId: z.literal("*"),
          cost: finiteNumber,
          seconds: finiteNumber,
          table: tableSchema,
        }),
        z.object({
          kind: z.literal("part"),
          experimentId: z.string(),
          unitId: z.string().min(1),
          cost: finiteNumber,
          seconds: finiteNumber,
          /** The unit's plain-data part, numbers JSON cannot hold written as `{ "$number": "NaN" }`. */
          part: z.unknown(),
        }),
      ]),
    ),
  })
  .refine((report) => report.shard.index <= report.shard.count, {
    path: ["shard"],
    message: "shard index must be between 1 and the shard count",
  });

/** A shard's partial report: who ran what where, and each unit's result (a whole table, or a split experiment's part). */
export type PartialReport = z.infer<typeof partialReportSchema>;

/** One unit's result in a partial report. */
export type PartialUnit = PartialReport["units"][number];

/** A whole experiment's result in a partial report: its table. */
export type PartialTableUnit = Extract<PartialUnit, { kind: "table" }> & { readonly table: BenchTable };

/**
 * The machine this process runs on, as a partial report records it.
 *
 * @example
 * machineInfo().cpus; // 2
 */
export function machineInfo(): MachineInfo {
  return {
    hostname: hostname(),
    os: `${platform()} ${release()}`,
    arch: arch(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cpus: cpus().length,
    nodeVersion: process.version,
  };
}

/**
 * The commit of the run: `DESCENT_BENCH_COMMIT` when set (a container image without `.git` states the commit it
 * was built from), else `git rev-parse --short=12 HEAD`, else `null`.
 *
 * @example
 * gitCommit() ?? "unknown";
 */
export function gitCommit(): string | null {
  const stated = process.env.DESCENT_BENCH_COMMIT?.trim();
  if (stated) return stated;
  try {
    return execFileSync("git", ["rev-parse", "--short=12", "HEAD"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return null;
  }
}
