import type { ParamTree } from "@descent/spec";
import { DescentError, ValueError } from "@descent/tensor";
import type { Model } from "../layers/sequential.js";
import { checkOptionKeys, describe, isObject } from "../layers/validate.js";
import type { TrainingData } from "./batches.js";
import { trainingSteps } from "./fit.js";
import { FIT_OPTION_KEYS } from "./fit-options.js";
import { ResidentPool } from "./resident-pool.js";
import type { FitOptions, FitResult, TrainingCheckpoint } from "./types.js";

// Why this exists: `fit` runs to the end in one call, so on a browser's main thread the page freezes until
// training ends. `fitAsync` drives the same loop (`trainingSteps`, one generator for both) and hands the
// thread back to the event loop between steps, so timers, input and rendering keep running.

/** Where training is, reported after every optimizer step. */
export interface FitProgress {
  /** Epoch in progress (0-based). */
  readonly epoch: number;
  /** The number of epochs asked for (`options.epochs`). */
  readonly epochs: number;
  /** Optimizer steps done in total (including steps before a resume). */
  readonly step: number;
  /** Batches done in this epoch, of `stepsPerEpoch`. */
  readonly batchInEpoch: number;
  /** Optimizer steps (batches) in each epoch. */
  readonly stepsPerEpoch: number;
  /** Loss of the latest batch (penalty included). */
  readonly loss: number;
}

/** Options of {@link fitAsync}: those of `fit`, and how to stop it and follow it. */
export interface FitAsyncOptions extends FitOptions {
  /** Aborting it stops training after the current step: the promise rejects with a {@link TrainingAbortedError}. */
  readonly signal?: AbortSignal;
  /** Called after every optimizer step (before the next one starts). */
  readonly onProgress?: (progress: FitProgress) => void;
  /**
   * Longest stretch of training, in milliseconds, before handing the thread back to the event loop. Steps
   * shorter than this are run several in a row; a longer step runs whole. Default 16 (one frame at 60 Hz);
   * 0 yields after every step.
   */
  readonly yieldEveryMs?: number;
}

/**
 * Thrown (as the rejection of {@link fitAsync}) when its `signal` aborts. `name` is `"AbortError"`, as for
 * `fetch`, so `error.name === "AbortError"` checks keep working; `reason` is the signal's reason.
 *
 * Training stopped at the end of a step (callbacks' `onTrainEnd` did not run). `checkpoint`, `params` and
 * `state` are where it stopped: `fitAsync(model, error.params, data, { ...options, state: error.state,
 * resume: error.checkpoint })` ends bit-identical to a run never aborted. They are null when the signal
 * was aborted before training began (nothing ran).
 */
export class TrainingAbortedError extends DescentError {
  /** The signal's `reason` (an `AbortError` `DOMException` unless the caller passed one to `abort()`). */
  readonly reason: unknown;
  /** Everything needed to resume bit-identically (pass as `options.resume`); null when nothing ran. */
  readonly checkpoint: TrainingCheckpoint | null;
  /** The parameters at the end of the last finished step; null when nothing ran. */
  readonly params: ParamTree | null;
  /** The non-trainable state at the end of the last finished step; null when nothing ran. */
  readonly state: ParamTree | null;
  constructor(
    reason: unknown,
    where: { checkpoint: TrainingCheckpoint; params: ParamTree; state: ParamTree } | null,
  ) {
    super(
      "fitAsync",
      where === null
        ? "training aborted before it began (options.signal was already aborted)"
        : `training aborted after step ${where.checkpoint.step}: resume with fitAsync(model, error.params, data, { ...options, state: error.state, resume: error.checkpoint })`,
    );
    this.name = "AbortError";
    this.reason = reason;
    this.checkpoint = where?.checkpoint ?? null;
    this.params = where?.params ?? null;
    this.state = where?.state ?? null;
  }
}

/**
 * Hands the thread back to the event loop (a macrotask, so timers, input and rendering run first).
 * `setImmediate` where it exists (Node); else a `MessageChannel` message, because browsers clamp nested
 * `setTimeout(0)` to 4 ms, and `scheduler.yield()` continuations are ranked above the page's other tasks.
 */
function macrotask(): Promise<void> {
  if (typeof setImmediate === "function") return new Promise((resume) => setImmediate(resume));
  if (typeof MessageChannel === "function") {
    return new Promise((resume) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resume();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resume) => setTimeout(resume, 0));
}

const ASYNC_OPTION_KEYS = ["signal", "onProgress", "yieldEveryMs"] as const;

/** Checks the options only {@link fitAsync} has, and returns them apart from `fit`'s (checked by the loop). */
function readAsyncOptions(op: string, options: FitAsyncOptions) {
  if (!isObject(options)) {
    throw new ValueError(op, `options is ${describe(options)}: pass { optimizer, loss, … }`);
  }
  checkOptionKeys(op, options, [...FIT_OPTION_KEYS, ...ASYNC_OPTION_KEYS]);
  const { signal, onProgress, yieldEveryMs = 16, ...fitOptions } = options;
  if (signal !== undefined && !(isObject(signal) && typeof signal.aborted === "boolean"))
    throw new ValueError(
      op,
      `options.signal is ${describe(signal)}: pass an AbortSignal (new AbortController().signal)`,
    );
  if (onProgress !== undefined && typeof onProgress !== "function")
    throw new ValueError(
      op,
      `options.onProgress is ${describe(onProgress)}: pass a function (progress) => void`,
    );
  if (typeof yieldEveryMs !== "number" || !(yieldEveryMs >= 0) || !Number.isFinite(yieldEveryMs))
    throw new ValueError(
      op,
      `options.yieldEveryMs is ${describe(yieldEveryMs)}: use a finite number of milliseconds ≥ 0`,
    );
  return { signal, onProgress, yieldEveryMs, fitOptions: fitOptions as FitOptions };
}

/**
 * `fit` that does not block the thread: it trains in slices of at most `yieldEveryMs` (default 16 ms; a
 * longer step is one slice) and yields to the event loop between them, so a page stays responsive. The
 * numbers are `fit`'s, bit for bit (the same loop runs; only the pauses differ). Aborting `signal` stops
 * after the current step with a {@link TrainingAbortedError} carrying a checkpoint to resume from;
 * `onProgress` hears every step.
 *
 * Keep the data and parameters unchanged while it runs: the loop reads them between pauses.
 *
 * @throws TrainingAbortedError (as a rejection) when `signal` aborts; every error of `fit` likewise.
 * @example
 * const controller = new AbortController();
 * stopButton.onclick = () => controller.abort();
 * const { params: trained, history } = await fitAsync(model, params, train, {
 *   optimizer: adam({ learningRate: 0.01 }),
 *   loss: "softmaxCrossEntropyFromLogits",
 *   epochs: 20,
 *   signal: controller.signal,
 *   onProgress: ({ epoch, step, loss }) => (label.textContent = `epoch ${epoch} · step ${step} · loss ${loss}`),
 * });
 */
export async function fitAsync(
  model: Model,
  params: ParamTree,
  data: TrainingData,
  options: FitAsyncOptions,
): Promise<FitResult> {
  const op = "fitAsync";
  const { signal, onProgress, yieldEveryMs, fitOptions } = readAsyncOptions(op, options);
  if (signal?.aborted) throw new TrainingAbortedError(signal.reason, null);
  const pool = new ResidentPool();
  const steps = trainingSteps(op, model, params, data, fitOptions, pool);
  try {
    let sliceStart = performance.now();
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      const { kind, context } = next.value;
      if (kind === "step" && onProgress !== undefined) {
        onProgress({
          epoch: context.epoch,
          epochs: context.epochs,
          step: context.step,
          batchInEpoch: context.batchInEpoch,
          stepsPerEpoch: context.stepsPerEpoch,
          loss: context.lastLoss,
        });
      }
      // Checked at every pause, not only after a macrotask: an abort from a callback stops at this step.
      if (!signal?.aborted && performance.now() - sliceStart >= yieldEveryMs) {
        await macrotask();
        sliceStart = performance.now();
      }
      if (signal?.aborted) {
        // `context.params` hands out a plain copy of resident parameters, so it is read before the pool goes.
        const where = { checkpoint: context.checkpoint(), params: context.params, state: context.state };
        throw new TrainingAbortedError(signal.reason, where);
      }
    }
  } finally {
    // An abandoned loop holds nothing but the pool's arrays, released here.
    pool?.releaseAll();
  }
}
