// The kernels in a real browser (Debian's Chromium, driven by playwright-core): on a cross-origin-isolated
// page the GEMM runs on Web Workers over shared memory; on a plain page it stays on one thread. Both must
// give the same bits as one thread. Run by CI, which installs Chromium; `DESCENT_SKIP_BROWSER=1` leaves
// this file out of local runs (never in CI) and says so.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH, serveCheckPage, type TestSite } from "../../../../../chromium.shared";
import type { BrowserReport } from "./testing/browser-check.js";

const ENTRY = fileURLToPath(new URL("./testing/browser-check.ts", import.meta.url));

/** The page's headers: COOP + COEP make it cross-origin isolated, which is what unlocks SharedArrayBuffer. */
const ISOLATION_HEADERS = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
};

describe("kernels in Chromium", () => {
  let context: BrowserContext;
  let profile: string;
  let site: TestSite;

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
      write: false,
      logLevel: "warning",
    });
    site = await serveCheckPage(bundled.outputFiles[0]!.text, "descent kernels", {
      isolated: ISOLATION_HEADERS,
      plain: {},
    });
    profile = mkdtempSync(join(tmpdir(), "descent-tensor-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  });

  afterAll(async () => {
    await context?.close();
    await site?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  async function loadReport(folder: "isolated" | "plain"): Promise<BrowserReport> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    try {
      await page.goto(`${site.url}${folder}/`);
      await page.waitForFunction(() => "descentBrowserCheck" in globalThis);
      const result = await page.evaluate(() =>
        (globalThis as unknown as { descentBrowserCheck(): Promise<BrowserReport> }).descentBrowserCheck(),
      );
      if (errors.length > 0) throw new Error(`the ${folder} page threw: ${errors.join("; ")}`);
      return result;
    } finally {
      await page.close();
    }
  }

  // Each page runs its checks once; both tests read the isolated page's report.
  const reports = new Map<string, Promise<BrowserReport>>();
  const report = (folder: "isolated" | "plain") => {
    if (!reports.has(folder)) reports.set(folder, loadReport(folder));
    return reports.get(folder)!;
  };

  it("runs the GEMM on Web Workers over shared memory when the page is cross-origin isolated, with 1-thread bits", async () => {
    const isolated = await report("isolated");
    expect(isolated.crossOriginIsolated).toBe(true);
    expect(isolated.sharedMemory).toBe(true);
    // Chromium runs plain and relaxed SIMD without flags: both variants are checked.
    expect(isolated.variants.map((variant) => variant.variant)).toEqual(["wasm-simd", "wasm-relaxed-simd"]);
    for (const variant of isolated.variants) {
      expect(variant.shared, variant.variant).toBe(true);
      expect(variant.effectiveThreads, variant.variant).toBe(2);
      expect(variant.readyWorkers, variant.variant).toBeGreaterThanOrEqual(1);
      expect(variant.workerChunks, `${variant.variant}: chunks computed by the Web Worker`).toBeGreaterThan(
        0,
      );
      expect(variant.threadDifferences, `${variant.variant}: bits differing from 1 thread`).toBe(0);
      expect(variant.worstExcess, `${variant.variant}: excess over the float32 bound`).toBe(0);
    }
    // What an application gets from initKernels(): the fastest kernels, on min(2, cores) threads.
    expect(isolated.initKernels).toEqual({
      name: "wasm-relaxed-simd",
      threads: Math.min(2, isolated.hardwareConcurrency),
    });
  });

  it("stays on one thread without cross-origin isolation, with the same bits as the isolated page", async () => {
    const isolated = await report("isolated");
    const plain = await report("plain");
    expect(plain.crossOriginIsolated).toBe(false);
    expect(plain.sharedMemory).toBe(false);
    expect(plain.variants.map((variant) => variant.variant)).toEqual(["wasm-simd", "wasm-relaxed-simd"]);
    for (const variant of plain.variants) {
      expect(variant.shared, variant.variant).toBe(false);
      expect(variant.effectiveThreads, variant.variant).toBe(1);
      expect(variant.workerChunks, variant.variant).toBe(0);
      expect(variant.threadDifferences, variant.variant).toBe(0);
      expect(variant.worstExcess, variant.variant).toBe(0);
      // The unshared build computes every element with the same instructions as the shared one.
      const twin = isolated.variants.find((other) => other.variant === variant.variant);
      expect(variant.resultHashes, variant.variant).toEqual(twin?.resultHashes);
    }
    expect(plain.initKernels).toEqual({ name: "wasm-relaxed-simd", threads: 1 });
  });
});
