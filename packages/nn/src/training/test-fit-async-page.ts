// Runs inside Chromium, on the page's main thread (bundled by fit-async.browser.test.ts): the same training
// with fit and with fitAsync while a 10 ms timer counts its ticks, and returns plain data to assert on.

import { initKernels } from "@descent/tensor";
import { fit } from "./fit.js";
import { fitAsync } from "./fit-async.js";
import { pageData, pageModel, pageOptions, resultHash } from "./test-fit-async-setup.js";

/** What the page saw. Times are milliseconds of `performance.now()`. */
export interface FitAsyncPageReport {
  readonly kernels: string;
  readonly steps: number;
  /** `fit`: how long it took, timer ticks while it ran, hash of its result. */
  readonly syncMs: number;
  readonly syncTicks: number;
  readonly syncHash: string;
  /** `fitAsync`: the same, and the longest stretch without a tick (from its start to its end). */
  readonly asyncMs: number;
  readonly asyncTicks: number;
  readonly asyncLongestGapMs: number;
  readonly asyncHash: string;
  /** `onProgress` calls seen. */
  readonly progressCalls: number;
}

async function check(): Promise<FitAsyncPageReport> {
  // The test compares bits with Node, which has no relaxed SIMD: both run the plain SIMD kernels.
  const kernels = await initKernels({ kernels: "wasm-simd", threads: 1 });
  const model = pageModel();
  const data = pageData();
  const ticks: number[] = [];
  const timer = setInterval(() => ticks.push(performance.now()), 10);
  const pause = (ms: number) => new Promise((resume) => setTimeout(resume, ms));
  try {
    await pause(50);
    let before = ticks.length;
    let start = performance.now();
    const synchronous = fit(model, model.init(0), data, pageOptions());
    const syncMs = performance.now() - start;
    const syncTicks = ticks.length - before;

    await pause(50);
    let progressCalls = 0;
    before = ticks.length;
    start = performance.now();
    const asynchronous = await fitAsync(model, model.init(0), data, {
      ...pageOptions(),
      onProgress: () => progressCalls++,
    });
    const end = performance.now();
    const during = ticks.slice(before).filter((time) => time <= end);
    const times = [start, ...during, end];
    let longest = 0;
    for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!);
    return {
      kernels: kernels.name,
      steps: asynchronous.step,
      syncMs,
      syncTicks,
      syncHash: resultHash(synchronous),
      asyncMs: end - start,
      asyncTicks: during.length,
      asyncLongestGapMs: longest,
      asyncHash: resultHash(asynchronous),
      progressCalls,
    };
  } finally {
    clearInterval(timer);
  }
}

(globalThis as unknown as { descentFitAsyncCheck: typeof check }).descentFitAsyncCheck = check;
