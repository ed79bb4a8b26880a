// Every plot of a real report draws something a reader can see. Why this exists: the peers bar charts
// (log scale) once rendered every bar with zero height, and nothing short of a browser's layout noticed.
// A tiny run of the whole bench writes report.html and the SVGs; Debian's Chromium (driven by
// playwright-core) lays them out, and each plot's marks must have non-empty boxes. Run by CI, which
// installs Chromium; `DESCENT_SKIP_BROWSER=1` leaves this file out of local runs (never in CI) and says so.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Report } from "@descent/spec";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../../../chromium.shared";
import { experiments } from "../experiments/registry.js";
import { runBenchmarks } from "../runner.js";
import { type DrawnPlot, expectVisibleMarks } from "./testing/visible-marks.js";

/** In the page: every top-level SVG's mark elements with their laid-out boxes (Vega tags marks `role-mark`). */
function drawnPlots(page: Page): Promise<DrawnPlot[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll("svg"))
      .filter((svg) => !svg.parentElement?.closest("svg"))
      .map((svg) => ({
        marks: Array.from(svg.querySelectorAll("g.role-mark")).flatMap((group) => {
          const type =
            Array.from(group.classList)
              .find((name) => name.startsWith("mark-"))
              ?.slice(5) ?? "?";
          return Array.from(group.children).map((element) => {
            const box = element.getBoundingClientRect();
            return { type, width: box.width, height: box.height };
          });
        }),
      })),
  );
}

describe("the plots of a tiny report, laid out by Chromium", () => {
  let outDirectory: string;
  let report: Report;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium (or DESCENT_SKIP_BROWSER=1 to leave this test out locally)`,
      );
    }
    outDirectory = mkdtempSync(join(tmpdir(), "descent-bench-plots-"));
    report = await runBenchmarks({ experiments, mode: "tiny", seed: 7, outDirectory, showProgress: false });
    profile = mkdtempSync(join(tmpdir(), "descent-bench-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      viewport: { width: 1200, height: 900 },
      args: CHROMIUM_ARGS,
    });
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (outDirectory) rmSync(outDirectory, { recursive: true, force: true });
  });

  const plotsOf = () =>
    report.tables.flatMap((table) => table.plots.map((plot) => ({ name: `${table.id}-${plot.id}`, plot })));

  it("report.html: every plot has marks, and every bar, cell, point and line that holds a value has a non-empty box", async () => {
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(outDirectory, "report.html")).href);
    const drawn = await drawnPlots(page);
    await page.close();
    const expected = plotsOf();
    expect(expected.length, "the tiny report has plots").toBeGreaterThan(10);
    expect(drawn).toHaveLength(expected.length);
    for (const [index, { name, plot }] of expected.entries()) expectVisibleMarks(name, plot, drawn[index]!);
  });

  it("each SVG file, opened on its own, draws the same visible marks", async () => {
    const page = await context.newPage();
    for (const { name, plot } of plotsOf()) {
      const file = join(outDirectory, `${name}.svg`);
      expect(readFileSync(file, "utf8")).toMatch(/^<svg/);
      await page.goto(pathToFileURL(file).href);
      const drawn = await drawnPlots(page);
      expect(drawn, `${name}.svg holds one plot`).toHaveLength(1);
      expectVisibleMarks(name, plot, drawn[0]!);
    }
    await page.close();
  });
});
