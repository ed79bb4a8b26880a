import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared";

// DESCENT_SKIP_BROWSER=1 (local runs without Chromium, never in CI): leave the browser tests out of the run
// and say so, rather than count a stand-in test as passed.
const skipBrowser = process.env.DESCENT_SKIP_BROWSER === "1" && process.env.CI !== "true";
if (skipBrowser) {
  console.warn("DESCENT_SKIP_BROWSER=1: the browser end-to-end tests (test/e2e) are NOT run.");
}

// Browser tests build the page and drive Chromium: give them time, and run files one at a time (2 cores).
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      testTimeout: 120_000,
      hookTimeout: 240_000,
      fileParallelism: false,
      ...(skipBrowser ? { exclude: ["**/node_modules/**", "test/e2e/**"] } : {}),
    },
  }),
);
