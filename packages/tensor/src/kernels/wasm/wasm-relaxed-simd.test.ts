import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { wasmSupport } from "./support.js";
import { describeWasmGemm } from "./testing/gemm-suite.js";

if (wasmSupport().relaxedSimd) {
  describeWasmGemm("wasm-relaxed-simd", "shared");
  describeWasmGemm("wasm-relaxed-simd", "unshared");
} else {
  // Never pass silently: this runtime cannot run the relaxed kernels, so the same suite runs in a child
  // vitest under `node --experimental-wasm-relaxed-simd` (a V8 flag, so the child uses the threads pool,
  // whose workers share the process's V8 flags).
  describe("wasm-relaxed-simd gemm", () => {
    it("this runtime lacks relaxed SIMD: the suite runs in a child `node --experimental-wasm-relaxed-simd` vitest and passes", () => {
      const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), "../../..");
      const vitest = join(
        dirname(createRequire(import.meta.url).resolve("vitest/package.json")),
        "vitest.mjs",
      );
      const output = mkdtempSync(join(tmpdir(), "descent-relaxed-"));
      try {
        const report = join(output, "report.json");
        const child = spawnSync(
          process.execPath,
          [
            "--experimental-wasm-relaxed-simd",
            vitest,
            "run",
            "src/kernels/wasm/wasm-relaxed-simd.test.ts",
            "--pool=threads",
            "--reporter=json",
            `--outputFile=${report}`,
          ],
          { cwd: packageDirectory, encoding: "utf8", timeout: 120_000 },
        );
        expect(child.status, `${child.stdout}\n${child.stderr}`).toBe(0);
        const results = JSON.parse(readFileSync(report, "utf8")) as {
          numPassedTests: number;
          numFailedTests: number;
          testResults: { assertionResults: { fullName: string; status: string }[] }[];
        };
        const names = results.testResults.flatMap((file) =>
          file.assertionResults.map((test) => test.fullName),
        );
        expect(results.numFailedTests).toBe(0);
        for (const memory of ["shared", "unshared"]) {
          const suite = `wasm-relaxed-simd gemm (${memory} memory) `;
          expect(names.filter((name) => name.startsWith(suite)).length, suite).toBeGreaterThanOrEqual(8);
        }
        expect(results.numPassedTests).toBe(names.length);
      } finally {
        rmSync(output, { recursive: true, force: true });
      }
    });
  });
}
