import { defineConfig } from "vitest/config";

/** Shared Vitest settings: resolve workspace packages to their TypeScript sources (`source` condition), so tests never need a build. */
export const sharedConfig = defineConfig({
  resolve: { conditions: ["source", "module", "import", "default"] },
  ssr: { resolve: { conditions: ["source", "module", "import", "default"] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    // The JSON report feeds scripts/test-summary.mjs, which prints one closing line for the whole repo.
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
  },
});
