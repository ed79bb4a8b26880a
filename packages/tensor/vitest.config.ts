import { defineConfig, mergeConfig } from "vitest/config";
import { browserTestsUnlessSkipped, sharedConfig } from "../../vitest.shared";

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      // The browser test bundles the kernels and starts Chromium before its first check.
      hookTimeout: 120_000,
      ...browserTestsUnlessSkipped(
        "**/*.browser.test.ts",
        "the kernels' browser test (*.browser.test.ts) is",
      ),
    },
  }),
);
