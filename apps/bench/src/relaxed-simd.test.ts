import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { enableRelaxedSimd } from "./relaxed-simd.js";

const run = promisify(execFile);
const benchDirectory = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

describe("enableRelaxedSimd", () => {
  it("sets V8's flag only on Node 20 and 21", () => {
    // Node ≥ 22 runs relaxed SIMD by default (and may drop the flag); older Node is not supported.
    expect(enableRelaxedSimd("22.12.0")).toBe(false);
    expect(enableRelaxedSimd("24.0.0")).toBe(false);
    expect(enableRelaxedSimd("18.20.0")).toBe(false);
  });

  it("makes a fresh process pick the relaxed-SIMD kernels, as the CLI does before anything initialises them", async () => {
    // A child process: V8 flags are per process, and this one's kernels are already initialised.
    const script = `
      import { enableRelaxedSimd } from "./src/relaxed-simd.ts";
      const set = enableRelaxedSimd();
      const { initKernels } = await import("@descent/tensor");
      const info = await initKernels();
      console.log(JSON.stringify({ set, name: info.name, relaxedSimd: info.relaxedSimd }));
    `;
    const { stdout } = await run(
      process.execPath,
      ["--conditions=source", "--import", tsx, "--input-type=module", "-e", script],
      { cwd: benchDirectory, env: { ...process.env, DESCENT_KERNELS: "" } },
    );
    const result = JSON.parse(stdout.trim()) as { set: boolean; name: string; relaxedSimd: boolean };
    const major = Number(process.versions.node.split(".")[0]);
    expect(result.set).toBe(major < 22);
    expect(result.relaxedSimd).toBe(true);
    expect(result.name).toBe("wasm-relaxed-simd");
  }, 60_000);
});
