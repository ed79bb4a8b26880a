import { defineConfig, mergeConfig } from "vitest/config";
import { browserTestsUnlessSkipped, sharedConfig } from "../../vitest.shared";

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      testTimeout: 300_000,
      ...browserTestsUnlessSkipped(
        "**/*.browser.test.ts",
        "the report plots' browser test (*.browser.test.ts) is",
      ),
    },
  }),
);
