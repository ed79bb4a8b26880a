import { defineConfig, mergeConfig } from "vitest/config";
import { browserTestsUnlessSkipped, sharedConfig } from "../../vitest.shared";

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      // The browser test bundles a page, starts Chromium and trains twice there before its first check.
      hookTimeout: 180_000,
      ...browserTestsUnlessSkipped(
        "**/*.browser.test.ts",
        "the fitAsync browser test (*.browser.test.ts) is",
      ),
    },
  }),
);
