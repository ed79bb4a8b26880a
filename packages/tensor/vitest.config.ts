import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared";

// DESCENT_SKIP_BROWSER=1 (local runs without Chromium, never in CI): leave the browser test out of the run and
// say so, rather than count a stand-in test as passed.
const skipBrowser = process.env.DESCENT_SKIP_BROWSER === "1" && process.env.CI !== "true";
if (skipBrowser) {
  console.warn("DESCENT_SKIP_BROWSER=1: the kernels' browser test (*.browser.test.ts) is NOT run.");
}

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      // The browser test bundles the kernels and starts Chromium before its first check.
      hookTimeout: 120_000,
      ...(skipBrowser ? { exclude: ["**/node_modules/**", "**/*.browser.test.ts"] } : {}),
    },
  }),
);
