import { afterEach, describe, expect, it, vi } from "vitest";
import { ValueError } from "../core/errors.js";
import { jsKernels } from "./js-kernels.js";
import type { Kernels } from "./kernels.js";
import {
  availableKernels,
  getKernels,
  initKernels,
  kernelInfo,
  kernelMemoryBytes,
  setKernels,
  setThreadCount,
  useKernels,
} from "./registry.js";
import { wasmSupport } from "./wasm/support.js";
import { compileWasmKernels } from "./wasm/wasm-kernels.js";

const relaxed = wasmSupport().relaxedSimd;
const fastest = relaxed ? "wasm-relaxed-simd" : "wasm-simd";

afterEach(() => {
  vi.unstubAllEnvs();
  setThreadCount(2);
});

describe("kernel selection", () => {
  it("picks the fastest kernels this runtime supports on first use, with min(2, cores) threads", () => {
    expect(getKernels().name).toBe(fastest);
    expect(kernelInfo()).toEqual({
      name: fastest,
      threads: 2,
      relaxedSimd: relaxed,
      available: relaxed ? ["js", "wasm-simd", "wasm-relaxed-simd"] : ["js", "wasm-simd"],
    });
    expect(availableKernels()).toEqual(kernelInfo().available);
  });

  it("switches by name and reports it", () => {
    expect(useKernels("js")).toBe(jsKernels);
    expect(kernelInfo()).toMatchObject({ name: "js", threads: 1, relaxedSimd: false });
    expect(useKernels("wasm-simd").name).toBe("wasm-simd");
    expect(getKernels().name).toBe("wasm-simd");
    expect(kernelInfo()).toMatchObject({ name: "wasm-simd", threads: 2, relaxedSimd: false });
  });

  it(
    relaxed
      ? "switches to relaxed SIMD (this runtime has it)"
      : "refuses relaxed SIMD (this runtime lacks it), naming the Node flag; wasm-relaxed-simd.test.ts runs it in a child",
    () => {
      if (relaxed) {
        expect(useKernels("wasm-relaxed-simd").name).toBe("wasm-relaxed-simd");
        expect(kernelInfo().relaxedSimd).toBe(true);
      } else {
        expect(() => useKernels("wasm-relaxed-simd")).toThrow(ValueError);
        expect(() => useKernels("wasm-relaxed-simd")).toThrow(
          /--experimental-wasm-relaxed-simd.*'wasm-simd'/,
        );
      }
    },
  );

  it("rejects unknown names and invalid thread counts with the fix", () => {
    expect(() => useKernels("gpu" as never)).toThrow(
      /kernels 'gpu' unavailable: expected one of 'js', 'wasm-simd'/,
    );
    for (const count of [0, 1.5, 65, Number.NaN]) {
      expect(() => setThreadCount(count)).toThrow(
        /setThreadCount: thread count must be an integer from 1 to 64/,
      );
    }
  });

  it("applies the thread count to the active and later wasm kernels", () => {
    useKernels("wasm-simd");
    setThreadCount(1);
    expect(kernelInfo().threads).toBe(1);
    useKernels("js");
    useKernels("wasm-simd");
    expect(kernelInfo().threads).toBe(1);
  });

  it("initKernels compiles asynchronously, starts the workers and reports", async () => {
    const info = await initKernels({ kernels: "wasm-simd", threads: 2 });
    expect(info).toMatchObject({ name: "wasm-simd", threads: 2 });
    expect(getKernels().name).toBe("wasm-simd");
    await expect(initKernels({ threads: 0 })).rejects.toThrow(ValueError);
  });

  it("accepts custom kernels and refuses objects without every member", () => {
    const custom: Kernels = { ...jsKernels, name: "custom" };
    setKernels(custom);
    expect(getKernels()).toBe(custom);
    expect(kernelInfo()).toMatchObject({ name: "custom", threads: 1, relaxedSimd: false });
    expect(() => setKernels({ name: "broken" } as unknown as Kernels)).toThrow(ValueError);
    const { unary: _, ...withoutUnary } = jsKernels;
    expect(() => setKernels(withoutUnary as unknown as Kernels)).toThrow(/unary/);
  });

  it("reads threads and memory from the engine the active kernels carry, also kernels compiled elsewhere", () => {
    const outside = compileWasmKernels("wasm-simd");
    setKernels(outside);
    expect(outside.engine.residentFloat32(1 << 20)).not.toBeNull();
    expect(kernelMemoryBytes()).toBe(outside.engine.memoryBytes);
    setThreadCount(2);
    expect(outside.engine.threads).toBe(2);
    expect(kernelInfo()).toMatchObject({ name: "wasm-simd", threads: outside.engine.effectiveThreads });
    setKernels(jsKernels);
    expect(kernelMemoryBytes()).toBe(0);
    outside.engine.terminate();
  });

  it("honours DESCENT_KERNELS and DESCENT_THREADS at first use", async () => {
    vi.resetModules();
    vi.stubEnv("DESCENT_KERNELS", "js");
    const forcedJs = await import("./registry.js");
    expect(forcedJs.kernelInfo()).toMatchObject({ name: "js", threads: 1 });

    vi.resetModules();
    vi.stubEnv("DESCENT_KERNELS", "wasm-simd");
    vi.stubEnv("DESCENT_THREADS", "1");
    const forcedWasm = await import("./registry.js");
    expect(forcedWasm.kernelInfo()).toMatchObject({ name: "wasm-simd", threads: 1 });

    vi.resetModules();
    vi.stubEnv("DESCENT_KERNELS", "fortran");
    const invalid = await import("./registry.js");
    expect(() => invalid.getKernels()).toThrow(
      /getKernels \(DESCENT_KERNELS\): kernels 'fortran' unavailable/,
    );
  });
});
