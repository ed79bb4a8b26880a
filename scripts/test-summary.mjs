#!/usr/bin/env node
// Sums the test results of every workspace (Vitest JSON reports, written by `pnpm test`) into one
// closing line: "tests: N passed, M failed". Exits non-zero when a report is missing or anything failed.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
let passed = 0;
let failed = 0;
const missing = [];
for (const group of ["packages", "apps"]) {
  for (const folder of readdirSync(join(root, group))) {
    const directory = join(root, group, folder);
    if (!existsSync(join(directory, "vitest.config.ts"))) continue;
    const reportPath = join(directory, ".test-results", "vitest.json");
    if (!existsSync(reportPath)) {
      missing.push(`${group}/${folder}`);
      continue;
    }
    const report = JSON.parse(readFileSync(reportPath, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests + report.numPendingTests + report.numTodoTests;
    console.log(
      `${`${group}/${folder}`.padEnd(24)} ${String(report.numPassedTests).padStart(5)} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`,
    );
  }
}
if (missing.length) {
  console.error(`no test report for ${missing.join(", ")}: run \`pnpm test\` first`);
  failed += missing.length;
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
