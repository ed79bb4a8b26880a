import { describe, expect, it } from "vitest";
import { wasmSupport } from "./support.js";
import { describeWasmGemm } from "./testing/gemm-suite.js";
import { describeWasmWindowsGemm } from "./testing/windows-gemm-suite.js";

describe("WebAssembly support", () => {
  it("detects SIMD128 and shared memory on Node ≥ 20", () => {
    expect(wasmSupport()).toMatchObject({ simd: true, sharedMemory: true });
  });
});

describeWasmGemm("wasm-simd", "shared");
describeWasmGemm("wasm-simd", "unshared");
describeWasmWindowsGemm("wasm-simd", "shared");
describeWasmWindowsGemm("wasm-simd", "unshared");
