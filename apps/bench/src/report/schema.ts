import type { Report, ReportMeta, ReportTable } from "@descent/spec";
import { z } from "zod";
import { countSentences } from "./sentences.js";

/** The most sentences a finding may have; what backs it goes to `details`. */
export const MAX_FINDING_SENTENCES = 3;

/** A table of the bench's report: `ReportTable` of `@descent/spec` plus the details below its finding. */
export interface BenchTable extends ReportTable {
  /** The measurements behind the finding (which is at most three sentences), one entry each. */
  readonly details: readonly string[];
  /** In a merged report: for each row, the 1-based index of the shard (see `meta.shards`) that measured it. */
  readonly rowShards?: readonly number[];
}

/** Where a merged report's rows were measured: one entry per shard of a `descent-bench --shard` run. */
export interface ShardProvenance {
  /** 1-based shard index (`--shard index/count`). */
  readonly index: number;
  readonly count: number;
  readonly machine: MachineInfo;
  /** The units the shard ran, `experimentId/unitId` (`*` = the whole experiment). */
  readonly units: readonly string[];
  /** Sum of the declared costs of its units (seconds, estimated). */
  readonly estimatedCost: number;
  /** Wall time of its units, measured on its machine. */
  readonly seconds: number;
}

/** The machine a shard ran on. */
export interface MachineInfo {
  readonly hostname: string;
  /** `os.platform()` and `os.release()`, e.g. `linux 6.1.0`. */
  readonly os: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cpus: number;
  readonly nodeVersion: string;
}

/** A bench report's meta: `ReportMeta` of `@descent/spec`, plus the shards of a merged run. */
export interface BenchMeta extends ReportMeta {
  /** Present in a report merged from shards (`descent-bench merge`): which shard ran where. */
  readonly shards?: readonly ShardProvenance[];
}

/** The bench's `report.json`: a `Report` of `@descent/spec` whose tables carry `details`. */
export interface BenchReport extends Report {
  readonly meta: BenchMeta;
  readonly tables: readonly BenchTable[];
}

const finiteNumber = z
  .number()
  .refine(Number.isFinite, { message: "must be a finite number (no NaN or Infinity)" });
const cell = z.unknown().superRefine((value, context) => {
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      context.addIssue({ code: "custom", message: "must be a finite number (no NaN or Infinity)" });
  } else if (typeof value !== "string" && typeof value !== "boolean" && value !== null) {
    context.addIssue({
      code: "custom",
      message: `must be a number, string, boolean or null, got ${typeof value}`,
    });
  }
}) as z.ZodType<string | number | boolean | null>;

const plotSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  kind: z.enum(["line", "scatter", "bar", "heatmap"]),
  xLabel: z.string(),
  yLabel: z.string(),
  xScale: z.enum(["linear", "log"]).optional(),
  yScale: z.enum(["linear", "log"]).optional(),
  series: z.array(z.object({ name: z.string(), points: z.array(z.tuple([finiteNumber, finiteNumber])) })),
});

/** The machine a shard ran on (`MachineInfo`). */
export const machineSchema = z.object({
  hostname: z.string(),
  os: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  cpus: z.number().int().positive(),
  nodeVersion: z.string(),
});

const shardProvenanceSchema = z.object({
  index: z.number().int().positive(),
  count: z.number().int().positive(),
  machine: machineSchema,
  units: z.array(z.string()),
  estimatedCost: finiteNumber,
  seconds: finiteNumber,
});

/** The schema of one table of `report.json` (`BenchTable`). */
export const tableSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    title: z.string().min(1),
    question: z.string().min(1),
    columns: z.array(z.object({ name: z.string().min(1), unit: z.string() })).min(1),
    rows: z.array(z.array(cell)),
    finding: z.string().min(1),
    details: z.array(z.string().min(1)),
    plots: z.array(plotSchema),
    rowShards: z.array(z.number().int().positive()).optional(),
  })
  .superRefine((table, context) => {
    const sentences = countSentences(table.finding);
    if (sentences > MAX_FINDING_SENTENCES) {
      context.addIssue({
        code: "custom",
        path: ["finding"],
        message: `has ${sentences} sentences; a finding has at most ${MAX_FINDING_SENTENCES}, what backs it goes to details`,
      });
    }
    table.rows.forEach((row, index) => {
      if (row.length !== table.columns.length) {
        context.addIssue({
          code: "custom",
          path: ["rows", index],
          message: `row has ${row.length} cells but the table has ${table.columns.length} columns`,
        });
      }
    });
    if (table.rowShards && table.rowShards.length !== table.rows.length) {
      context.addIssue({
        code: "custom",
        path: ["rowShards"],
        message: `names the shard of ${table.rowShards.length} rows but the table has ${table.rows.length}`,
      });
    }
  });

/** The schema of `report.json` (its TypeScript type is `BenchReport`, a `Report` of `@descent/spec` with details). */
export const reportSchema = z.object({
  meta: z.object({
    seed: z.number().int(),
    mode: z.enum(["tiny", "quick", "full"]),
    nodeVersion: z.string(),
    cpuModel: z.string(),
    cpuCores: z.number().int().positive(),
    gitCommit: z.string().nullable(),
    date: z.string(),
    durationsSeconds: z.record(z.string(), finiteNumber),
    shards: z.array(shardProvenanceSchema).optional(),
  }),
  tables: z.array(tableSchema),
});

/**
 * Validates a report before it is written.
 *
 * @throws Error listing every problem with its path (e.g. `tables.3.rows.2.4: must be a finite number`).
 */
export function validateReport(report: BenchReport): BenchReport {
  const result = reportSchema.safeParse(report);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`report.json does not match its schema:\n  ${problems.join("\n  ")}`);
  }
  return report;
}
