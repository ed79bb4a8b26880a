import { defineConfig, mergeConfig } from "vitest/config";
import { browserTestsUnlessSkipped, sharedConfig } from "../../vitest.shared";

// Browser tests build the page and drive Chromium: give them time, and run files one at a time (2 cores).
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      testTimeout: 120_000,
      hookTimeout: 240_000,
      fileParallelism: false,
      ...browserTestsUnlessSkipped("test/e2e/**", "the browser end-to-end tests (test/e2e) are"),
    },
  }),
);
