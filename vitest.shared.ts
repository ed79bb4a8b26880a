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

/**
 * Test settings that leave the browser tests (`pattern`) out of a local run when `DESCENT_SKIP_BROWSER=1`
 * (for machines without Chromium), saying so rather than counting a stand-in test as passed. CI never skips.
 */
export function browserTestsUnlessSkipped(pattern: string, what: string): { exclude?: string[] } {
  if (process.env.DESCENT_SKIP_BROWSER !== "1" || process.env.CI === "true") return {};
  console.warn(`DESCENT_SKIP_BROWSER=1: ${what} NOT run.`);
  return { exclude: ["**/node_modules/**", pattern] };
}
