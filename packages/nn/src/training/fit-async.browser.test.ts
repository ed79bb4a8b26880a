// fitAsync on a real page's main thread (Debian's Chromium, driven by playwright-core): while it trains, a
// 10 ms timer keeps firing; while fit trains the same model on the same page, it cannot fire at all. Both
// end with the bits of a fit in Node. Run by CI, which installs Chromium; `DESCENT_SKIP_BROWSER=1` leaves
// this file out of local runs (never in CI) and says so.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { useKernels } from "@descent/tensor";
import { build } from "esbuild";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH, serveCheckPage, type TestSite } from "../../../../chromium.shared";
import { fit } from "./fit.js";
import type { FitAsyncPageReport } from "./test-fit-async-page.js";
import { EPOCHS, pageData, pageModel, pageOptions, resultHash, SAMPLES } from "./test-fit-async-setup.js";

const ENTRY = fileURLToPath(new URL("./test-fit-async-page.ts", import.meta.url));

describe("fitAsync on a page's main thread in Chromium", () => {
  let context: BrowserContext;
  let profile: string;
  let site: TestSite;
  let report: FitAsyncPageReport;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium (or DESCENT_SKIP_BROWSER=1)`,
      );
    }
    const bundled = await build({
      entryPoints: [ENTRY],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      // Workspace packages from their TypeScript sources, as the tests run them.
      conditions: ["source"],
      write: false,
      logLevel: "warning",
    });
    site = await serveCheckPage(bundled.outputFiles[0]!.text, "descent fitAsync", { "": {} });
    profile = mkdtempSync(join(tmpdir(), "descent-nn-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    try {
      await page.goto(site.url);
      await page.waitForFunction(() => "descentFitAsyncCheck" in globalThis);
      report = await page.evaluate(() =>
        (
          globalThis as unknown as { descentFitAsyncCheck(): Promise<FitAsyncPageReport> }
        ).descentFitAsyncCheck(),
      );
      if (errors.length > 0) throw new Error(`the page threw: ${errors.join("; ")}`);
    } finally {
      await page.close();
    }
  });

  afterAll(async () => {
    await context?.close();
    await site?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  it("keeps a 10 ms timer firing while fitAsync trains; fit on the same page lets it fire not once", () => {
    expect(report.kernels).toBe("wasm-simd");
    expect(report.steps).toBe((SAMPLES / 64) * EPOCHS);
    // The contrast that shows this test can fail: the synchronous loop holds the thread from start to end.
    expect(report.syncTicks, `fit took ${report.syncMs.toFixed(0)} ms`).toBe(0);
    expect(report.syncMs).toBeGreaterThan(500);
    expect(report.asyncTicks, `fitAsync took ${report.asyncMs.toFixed(0)} ms`).toBeGreaterThanOrEqual(20);
    // A generous bound: slices are ~16 ms; only a machine stalled for half a second could exceed it.
    expect(report.asyncLongestGapMs).toBeLessThan(500);
    expect(report.progressCalls).toBe(report.steps);
  });

  it("ends with the bits of fit in Node, as does fit on the page", () => {
    useKernels("wasm-simd");
    const model = pageModel();
    const expected = resultHash(fit(model, model.init(0), pageData(), pageOptions()));
    expect(report.syncHash).toBe(expected);
    expect(report.asyncHash).toBe(expected);
  });
});
