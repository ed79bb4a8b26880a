// Runs inside Chromium (bundled by workers.browser.test.ts): the kernels as a web page sees them. It checks
// the GEMM of every variant the page supports on 1 and 2 threads, and returns plain data that the test asserts on.

import { initKernels } from "../../registry.js";
import { type WasmVariant, wasmSupport } from "../support.js";
import { THREADED_GEMM_MINIMUM_WORK } from "../thresholds.js";
import { compileWasmKernels } from "../wasm-kernels.js";
import { bitDifferences, bits, type GemmCase, runGemm, worstExcess } from "./gemm-check.js";

/** Large enough to be threaded (≥ THREADED_GEMM_MINIMUM_WORK), with edges off every tile and KC multiple. */
export const browserCases: readonly GemmCase[] = [
  { transposeA: false, transposeB: false, m: 131, n: 67, k: 257, alpha: 1, beta: 0, seed: 41 },
  { transposeA: true, transposeB: false, m: 96, n: 130, k: 70, alpha: 0.5, beta: 1.5, seed: 42 },
  { transposeA: false, transposeB: true, m: 65, n: 129, k: 100, alpha: -1, beta: 0, seed: 43 },
  { transposeA: true, transposeB: true, m: 133, n: 33, k: 129, alpha: 2, beta: -1, seed: 44 },
];

/** What one variant did on this page. */
export interface VariantReport {
  readonly variant: WasmVariant;
  /** Whether its engine uses shared memory (and so may use workers). */
  readonly shared: boolean;
  /** Threads the engine could use with 2 asked for. */
  readonly effectiveThreads: number;
  /** Workers that entered their loop. */
  readonly readyWorkers: number;
  /** Compute chunks the workers ran while the 2-thread results were checked. */
  readonly workerChunks: number;
  /** Elements whose bits differ between the 1-thread and 2-thread results, over all cases and rounds. */
  readonly threadDifferences: number;
  /** Largest excess over the float32 error bound against the float64 reference (0 = all within). */
  readonly worstExcess: number;
  /** FNV-1a hash of each case's 1-thread result bits, to compare pages. */
  readonly resultHashes: readonly number[];
}

/** The whole page's report. */
export interface BrowserReport {
  readonly crossOriginIsolated: boolean;
  readonly sharedMemory: boolean;
  readonly hardwareConcurrency: number;
  readonly variants: readonly VariantReport[];
  /** `initKernels()` with defaults, as an application calls it. */
  readonly initKernels: { readonly name: string; readonly threads: number };
}

function hash(values: Uint32Array): number {
  let state = 0x811c9dc5;
  for (const word of values) state = Math.imul(state ^ word, 0x01000193) >>> 0;
  return state;
}

async function checkVariant(variant: WasmVariant, shared: boolean): Promise<VariantReport> {
  const kernels = compileWasmKernels(variant, shared);
  const engine = kernels.engine;
  try {
    engine.threads = 1;
    const single = browserCases.map((gemm) => runGemm(kernels, gemm));
    const singleBits = single.map(bits);
    engine.threads = 2;
    await engine.startWorkers();
    const before = engine.chunksByThread();
    let workerChunks = 0;
    let threadDifferences = 0;
    // Threads claim chunks dynamically: repeat until a worker has taken some (almost always at once).
    for (let round = 0; round < 50 && workerChunks === 0; round++) {
      browserCases.forEach((gemm, index) => {
        threadDifferences += bitDifferences(runGemm(kernels, gemm), singleBits[index]!);
      });
      const after = engine.chunksByThread();
      workerChunks = after.slice(1).reduce((sum, count, thread) => sum + count - before[thread + 1]!, 0);
    }
    return {
      variant,
      shared: engine.shared,
      effectiveThreads: engine.effectiveThreads,
      readyWorkers: engine.readyWorkers,
      workerChunks,
      threadDifferences,
      worstExcess: Math.max(...browserCases.map((gemm, index) => worstExcess(gemm, single[index]!))),
      resultHashes: singleBits.map(hash),
    };
  } finally {
    engine.terminate();
  }
}

/** Checks every supported variant, then starts the kernels the way an application does. */
export async function browserCheck(): Promise<BrowserReport> {
  for (const gemm of browserCases) {
    if (gemm.m * gemm.n * gemm.k < THREADED_GEMM_MINIMUM_WORK)
      throw new Error("browser case too small to thread");
  }
  const support = wasmSupport();
  const variants: VariantReport[] = [];
  if (support.simd) variants.push(await checkVariant("wasm-simd", support.sharedMemory));
  if (support.relaxedSimd) variants.push(await checkVariant("wasm-relaxed-simd", support.sharedMemory));
  const info = await initKernels();
  return {
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    sharedMemory: support.sharedMemory,
    hardwareConcurrency: navigator.hardwareConcurrency,
    variants,
    initKernels: { name: info.name, threads: info.threads },
  };
}

(globalThis as { descentBrowserCheck?: typeof browserCheck }).descentBrowserCheck = browserCheck;
