import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { wasmSupport } from "./support.js";
import { describeWasmGemm } from "./testing/gemm-suite.js";
import { describeWasmWindowsGemm } from "./testing/windows-gemm-suite.js";

if (wasmSupport().relaxedSimd) {
  describeWasmGemm("wasm-relaxed-simd", "shared");
  describeWasmGemm("wasm-relaxed-simd", "unshared");
  describeWasmWindowsGemm("wasm-relaxed-simd", "shared");
  describeWasmWindowsGemm("wasm-relaxed-simd", "unshared");
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
      // The verbose reporter alone: the shared config's JSON report file stays the parent run's.
      const child = spawnSync(
        process.execPath,
        [
          "--experimental-wasm-relaxed-simd",
          vitest,
          "run",
          "src/kernels/wasm/wasm-relaxed-simd.test.ts",
          "--pool=threads",
          "--reporter=verbose",
        ],
        {
          cwd: packageDirectory,
          encoding: "utf8",
          timeout: 120_000,
          env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
        },
      );
      const output = `${child.stdout}\n${child.stderr}`;
      expect(child.status, output).toBe(0);
      const passed = output.split("\n").filter((line) => line.includes("✓"));
      for (const memory of ["shared", "unshared"]) {
        const suite = `wasm-relaxed-simd gemm (${memory} memory) > `;
        expect(
          passed.filter((line) => line.includes(suite)).length,
          `${suite}\n${output}`,
        ).toBeGreaterThanOrEqual(8);
      }
      for (const memory of ["shared", "unshared"]) {
        const suite = `wasm-relaxed-simd gemm packing im2col panels from images (${memory} memory) > `;
        expect(
          passed.filter((line) => line.includes(suite)).length,
          `${suite}\n${output}`,
        ).toBeGreaterThanOrEqual(memory === "shared" ? 2 : 1);
      }
      // A failed test's line starts with ×; test names may contain × themselves ("6×8").
      expect(output).not.toMatch(/\bfailed\b|^\s*×/m);
    });
  });
}
