import { type FitOptions, fit, type Model, type TrainingData } from "@descent/nn";
import { sgd } from "@descent/optimizers";
import type { ParamTree } from "@descent/spec";
import { firstRows } from "./datasets.js";
import { PeakMemory, settledHeapBytes } from "./memory.js";

/** One measurement taken during training (evaluation time excluded from `seconds`). */
export interface TracePoint {
  /** Epochs done, fractional inside an epoch (0 = before training). */
  readonly epoch: number;
  /** Optimizer steps done. */
  readonly step: number;
  /** Training seconds so far, evaluations excluded. */
  readonly seconds: number;
  /** What `measure` returned at this point (e.g. `{ loss, accuracy }`). */
  readonly values: Readonly<Record<string, number>>;
}

/** Options of {@link tracedFit}: `fit`'s options plus what to measure and how often. */
export interface TracedFitOptions extends Omit<FitOptions, "callbacks"> {
  /** Measurements per epoch, equally spaced in steps (≥ 1; the last at the epoch's end). */
  readonly measurementsPerEpoch?: number;
  /** Called on the current parameters at each measurement point (its time is not counted). */
  readonly measure: (params: ParamTree) => Record<string, number>;
  /** Called after every epoch with the fraction of epochs done. */
  readonly onProgress?: (fraction: number) => void;
}

/** What {@link tracedFit} returns. */
export interface Trace {
  readonly points: readonly TracePoint[];
  /** Training seconds of each epoch, measurements excluded. */
  readonly epochSeconds: readonly number[];
  readonly stepsPerEpoch: number;
  /** Peak of V8 heap + ArrayBuffer bytes during training above the settled heap before it, in MB (10⁶ B). */
  readonly peakMegabytes: number;
  readonly params: ParamTree;
}

/**
 * Runs descent's `fit` and records, without counting their cost, measurements of the parameters at
 * equally spaced steps, the training time of every epoch, and the peak memory.
 *
 * `seconds(t) = wall(t) − Σ measurement time before t`
 *
 * @example
 * const trace = await tracedFit(model, params, train, {
 *   optimizer: sgd({ learningRate: 0.1 }), loss: "softmaxCrossEntropyFromLogits", epochs: 5,
 *   measure: (p) => evaluate(model, p, train, { loss: "softmaxCrossEntropyFromLogits" }),
 * });
 */
export async function tracedFit(
  model: Model,
  params: ParamTree,
  data: TrainingData,
  options: TracedFitOptions,
): Promise<Trace> {
  const { measure, onProgress, measurementsPerEpoch = 1, ...fitOptions } = options;
  const points: TracePoint[] = [];
  const epochSeconds: number[] = [];
  let paused = 0;
  let started = 0;
  let epochStarted = 0;
  const elapsed = () => (performance.now() - started) / 1000 - paused;
  const record = (epoch: number, step: number, current: ParamTree) => {
    const seconds = elapsed();
    const before = performance.now();
    points.push({ epoch, step, seconds, values: measure(current) });
    paused += (performance.now() - before) / 1000;
  };
  let checkpoints: Set<number> = new Set();
  let stepsPerEpoch = 0;
  const epochs = fitOptions.epochs ?? 1;

  const peak = new PeakMemory(await settledHeapBytes());
  started = performance.now();
  record(0, 0, params);
  const result = fit(model, params, data, {
    ...fitOptions,
    callbacks: [
      {
        name: "trace",
        onTrainBegin(context) {
          stepsPerEpoch = context.stepsPerEpoch;
          const count = Math.max(1, Math.min(measurementsPerEpoch, context.stepsPerEpoch));
          checkpoints = new Set(
            Array.from({ length: count }, (_, k) => Math.round(((k + 1) * context.stepsPerEpoch) / count)),
          );
        },
        onEpochBegin() {
          epochStarted = elapsed();
        },
        onStepEnd(context) {
          peak.sample();
          const done = context.batchInEpoch;
          if (checkpoints.has(done) && done < context.stepsPerEpoch) {
            record(context.epoch + done / context.stepsPerEpoch, context.step, context.params);
          }
        },
        onEpochEnd(context) {
          epochSeconds.push(elapsed() - epochStarted);
          record(context.epoch + 1, context.step, context.params);
          onProgress?.((context.epoch + 1) / epochs);
        },
      },
    ],
  });
  return {
    points,
    epochSeconds,
    stepsPerEpoch,
    peakMegabytes: peak.megabytes,
    params: result.params,
  };
}

/**
 * The first point whose `values[key]` is at or below (`"below"`) or at or above (`"above"`) `target`, or
 * `undefined` when training never got there.
 *
 * @example firstReaching(trace.points, "loss", 0.5, "below")?.seconds
 */
export function firstReaching(
  points: readonly TracePoint[],
  key: string,
  target: number,
  direction: "below" | "above",
): TracePoint | undefined {
  return points.find((point) => {
    const value = point.values[key];
    return value !== undefined && (direction === "below" ? value <= target : value >= target);
  });
}

/**
 * Trains a throwaway copy briefly (a few mini-batches, a few single samples and one full batch of up
 * to 256 samples), so that the first timed run does not pay for JIT compilation and kernel start-up.
 *
 * @example warmUp(model, params, train);
 */
export function warmUp(model: Model, params: ParamTree, data: TrainingData): void {
  const count = Math.min(256, data.inputs.shape[0]!);
  const subset = firstRows({ name: "warm-up", ...data }, count);
  const options = {
    optimizer: sgd({ learningRate: 0.01 }),
    loss: "softmaxCrossEntropyFromLogits" as const,
    seed: 0,
  };
  fit(model, params, subset, { ...options, mode: "mini-batch", batchSize: 32 });
  fit(model, params, firstRows(subset, Math.min(16, count)), { ...options, mode: "stochastic" });
  fit(model, params, subset, { ...options, mode: "batch" });
}
