import type { Report, ReportTable } from "@descent/spec";
import { z } from "zod";
import { countSentences } from "./sentences.js";

/** The most sentences a finding may have; what backs it goes to `details`. */
export const MAX_FINDING_SENTENCES = 3;

/** A table of the bench's report: `ReportTable` of `@descent/spec` plus the details below its finding. */
export interface BenchTable extends ReportTable {
  /** The measurements behind the finding (which is at most three sentences), one entry each. */
  readonly details: readonly string[];
}

/** The bench's `report.json`: a `Report` of `@descent/spec` whose tables carry `details`. */
export interface BenchReport extends Report {
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

const tableSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    title: z.string().min(1),
    question: z.string().min(1),
    columns: z.array(z.object({ name: z.string().min(1), unit: z.string() })).min(1),
    rows: z.array(z.array(cell)),
    finding: z.string().min(1),
    details: z.array(z.string().min(1)),
    plots: z.array(plotSchema),
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
