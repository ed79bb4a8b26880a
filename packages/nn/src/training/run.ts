import type { DType, Metric, ParamTree, Tensor as TensorLike, TreeLayout } from "@descent/spec";
import { createRandom, layoutLeaves, type Random, treeLayout, ValueError } from "@descent/tensor";
import type { Model } from "../layers/sequential.js";
import { describe, isObject } from "../layers/validate.js";
import { resolveBatchSize, sampleCountOf, type TrainingData } from "./batches.js";
import { parseTrainingCheckpoint } from "./checkpoint-schema.js";
import { checkValidationData, readFitOptions } from "./fit-options.js";
import { type LossFunction, toLoss } from "./loss-registry.js";
import { checkResume } from "./resume.js";
import type { FitOptions, History } from "./types.js";

/** Parameters, non-trainable state and optimizer state between two steps. */
export interface RunValues {
  readonly params: ParamTree;
  readonly state: ParamTree;
  readonly optimizerState: unknown;
}

/** One run of the training loop: its checked settings, and where it is (what a checkpoint saves). */
export interface TrainingRun {
  readonly op: string;
  readonly model: Model;
  readonly data: TrainingData;
  readonly options: FitOptions;
  readonly settings: ReturnType<typeof readFitOptions>;
  readonly loss: LossFunction;
  /** The parameters' layout, checked once when the run starts: steps read parameters and gradients by it. */
  readonly layout: TreeLayout;
  readonly sampleCount: number;
  readonly batchSize: number;
  readonly stepsPerEpoch: number;
  readonly shuffleRandom: Random;
  readonly layerRandom: Random;
  readonly history: History;
  current: RunValues;
  epoch: number;
  step: number;
  batchInEpoch: number;
  epochLossSum: number;
  epochSampleCount: number;
  lastLoss: number;
  learningRateScale: number;
  stopTraining: boolean;
  /** Where the epoch `epoch` starts: the shuffler's state before it draws that epoch's order. */
  epochShuffleState: readonly number[];
  /** True from an epoch's first draw to its end: a checkpoint taken outside resumes at the next epoch. */
  epochInProgress: boolean;
  /** True while onEpochEnd runs, when `epoch` still names the finished epoch. */
  epochEnding: boolean;
}

function isModel(value: unknown): value is Model {
  const model = value as Partial<Model> | null;
  return (
    typeof model === "object" &&
    model !== null &&
    typeof model.apply === "function" &&
    typeof model.initState === "function"
  );
}

/**
 * Checks the arguments of `fit` (throwing errors that name `op`) and sets up its run: from the start, or
 * where `options.resume` left off (random generators, history, counters and callbacks' states restored).
 */
export function startRun(
  op: string,
  model: Model,
  params: ParamTree,
  data: TrainingData,
  options: FitOptions,
): TrainingRun {
  if (!isModel(model))
    throw new ValueError(
      op,
      `model is ${describe(model)}: pass a model (e.g. from sequential) as first argument`,
    );
  if (!isObject(params))
    throw new ValueError(op, `params is ${describe(params)}: pass the tree made by model.init()`);
  const settings = readFitOptions(op, options);
  const { optimizer, seed, callbacks } = settings;
  const loss = toLoss(op, options.loss);
  const sampleCount = sampleCountOf(op, data, "data");
  if (options.validationData !== undefined) {
    sampleCountOf(op, options.validationData, "options.validationData");
    checkValidationData(op, data, options.validationData);
  }
  const batchSize = resolveBatchSize(op, options, sampleCount);
  const stepsPerEpoch = Math.ceil(sampleCount / batchSize);
  const resume =
    options.resume === undefined ? undefined : parseTrainingCheckpoint(options.resume, op, "options.resume");
  const optimizerState = resume
    ? checkResume(op, resume, { seed, count: sampleCount, stepsPerEpoch, optimizer, params })
    : optimizer.init(params);

  const root = createRandom(seed);
  const shuffleRandom = root.fork();
  const layerRandom = root.fork();
  if (resume) {
    layerRandom.setState(resume.layerRandomState);
    shuffleRandom.setState(resume.shuffleRandomState);
    for (const callback of callbacks) {
      // Own keys only: a callback named "constructor" must not be handed Object.
      if (Object.hasOwn(resume.callbacks, callback.name))
        callback.setState?.(resume.callbacks[callback.name]);
    }
  }
  const history: History = resume
    ? structuredClone(resume.history)
    : { epochs: [], steps: { loss: [] }, stopReason: "completed" };
  history.stopReason = "completed";
  const layout = treeLayout(params, { op });
  return {
    op,
    model,
    data,
    options,
    settings,
    loss,
    layout,
    sampleCount,
    batchSize,
    stepsPerEpoch,
    shuffleRandom,
    layerRandom,
    history,
    current: {
      params,
      state: options.state ?? model.initState(layoutLeaves(layout, params)[0]?.dtype ?? "float32"),
      optimizerState,
    },
    epoch: resume?.epoch ?? 0,
    step: resume?.step ?? 0,
    batchInEpoch: resume?.batchInEpoch ?? 0,
    epochLossSum: resume?.epochLossSum ?? 0,
    epochSampleCount: resume?.epochSampleCount ?? 0,
    lastLoss: Number.NaN,
    learningRateScale: resume?.learningRateScale ?? 1,
    stopTraining: false,
    epochShuffleState: shuffleRandom.getState(),
    epochInProgress: false,
    epochEnding: false,
  };
}

/**
 * Records a finished step of `size` samples: its loss (and step metrics on the batch's `output`, NaN
 * where one cannot be computed) in the history, the epoch's running loss, and the counters.
 */
export function recordStep(
  run: TrainingRun,
  loss: number,
  size: number,
  stepMetrics: readonly Metric[],
  output: TensorLike | undefined,
  targets: TensorLike<DType>,
): void {
  run.lastLoss = loss;
  run.history.steps.loss.push(loss);
  for (const metric of stepMetrics) {
    let value: number;
    try {
      value = metric.compute(output!, targets);
    } catch {
      value = Number.NaN;
    }
    (run.history.steps as Record<string, number[]>)[metric.name]!.push(value);
  }
  run.epochLossSum += loss * size;
  run.epochSampleCount += size;
  run.step++;
  run.batchInEpoch++;
}
