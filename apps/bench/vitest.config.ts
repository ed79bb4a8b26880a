import { defineConfig, mergeConfig } from "vitest/config";
import { browserTestsUnlessSkipped, sharedConfig } from "../../vitest.shared";

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      testTimeout: 300_000,
      // tfjs-core reads `long` (CommonJS) through a namespace import; loaded by Node outside Vite it got a
      // namespace without `fromString`, so TensorFlow.js "could not run" in the tests and peers lost its peers.
      server: { deps: { inline: [/@tensorflow\/tfjs-core/] } },
      ...browserTestsUnlessSkipped(
        "**/*.browser.test.ts",
        "the report plots' browser test (*.browser.test.ts) is",
      ),
    },
  }),
);
