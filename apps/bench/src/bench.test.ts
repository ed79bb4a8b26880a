import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  countSentences,
  experimentIds,
  experiments,
  MAX_FINDING_SENTENCES,
  runBenchmarks,
  validateReport,
} from "./index.js";

describe("descent-bench in tiny mode", () => {
  it("runs every experiment, validates against the schema, holds no NaN, and writes all four outputs", async () => {
    const outDirectory = mkdtempSync(join(tmpdir(), "descent-bench-test-"));
    const report = await runBenchmarks({
      experiments,
      mode: "tiny",
      seed: 7,
      outDirectory,
      showProgress: false,
    });

    expect(report.tables.map((table) => table.id)).toEqual(experimentIds);
    expect(() => validateReport(report)).not.toThrow();
    const json = readFileSync(join(outDirectory, "report.json"), "utf8");
    expect(json).not.toMatch(/NaN|Infinity/);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(report)));
    const markdown = readFileSync(join(outDirectory, "report.md"), "utf8");
    for (const table of report.tables) {
      expect(table.rows.length, `${table.id} has rows`).toBeGreaterThan(0);
      expect(table.finding.length, `${table.id} has a finding`).toBeGreaterThan(10);
      expect(
        countSentences(table.finding),
        `${table.id}'s finding is at most ${MAX_FINDING_SENTENCES} sentences: ${table.finding}`,
      ).toBeLessThanOrEqual(MAX_FINDING_SENTENCES);
      for (const detail of table.details) expect(markdown).toContain(`- ${detail}`);
    }
    expect(
      report.tables.filter((table) => table.details.length > 0).length,
      "the longer findings moved their measurements to details",
    ).toBeGreaterThan(5);
    const files = readdirSync(outDirectory);
    expect(files).toEqual(expect.arrayContaining(["report.json", "report.md", "report.html"]));
    const plotCount = report.tables.reduce((count, table) => count + table.plots.length, 0);
    expect(files.filter((file) => file.endsWith(".svg"))).toHaveLength(plotCount);
    const html = readFileSync(join(outDirectory, "report.html"), "utf8");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html.match(/<ul class="details">/g) ?? []).toHaveLength(
      report.tables.filter((table) => table.details.length > 0).length,
    );
  });

  it("rejects a report with a NaN cell or a ragged row, naming the path", () => {
    const base = {
      meta: {
        seed: 1,
        mode: "tiny" as const,
        nodeVersion: "v20",
        cpuModel: "cpu",
        cpuCores: 2,
        gitCommit: null,
        date: "2026-01-01",
        durationsSeconds: {},
      },
      tables: [
        {
          id: "demo",
          title: "t",
          question: "q",
          columns: [{ name: "a", unit: "" }],
          rows: [[Number.NaN]],
          finding: "f",
          details: [],
          plots: [],
        },
      ],
    };
    expect(() => validateReport(base)).toThrow(/tables\.0\.rows\.0\.0: must be a finite number/);
    const ragged = { ...base, tables: [{ ...base.tables[0]!, rows: [[1, 2]] }] };
    expect(() => validateReport(ragged)).toThrow(/row has 2 cells but the table has 1 columns/);
    const long = {
      ...base,
      tables: [{ ...base.tables[0]!, rows: [[1]], finding: "One. Two. Three. Four." }],
    };
    expect(() => validateReport(long)).toThrow(
      /tables\.0\.finding: has 4 sentences; a finding has at most 3/,
    );
    const short = {
      ...long,
      tables: [{ ...long.tables[0]!, finding: "One. Two. Three.", details: ["Four."] }],
    };
    expect(() => validateReport(short)).not.toThrow();
  });
});
