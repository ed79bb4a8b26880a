import { type Traced, valueAndGrad } from "@descent/autodiff";
import { applyUpdates, fusedStep } from "@descent/optimizers";
import type { DType, FloatDType, ParamTree, Tensor as TensorLike } from "@descent/spec";
import { allocate, createRandom, permutation, type Random, type Tensor, ValueError } from "@descent/tensor";
import type { Model } from "../layers/sequential.js";
import { describe, isObject } from "../layers/validate.js";
import { toMetric } from "../metrics/registry.js";
import { addTrees, flattenTree, scaleTree } from "../tree/tree.js";
import { RowGatherer, resolveBatchSize, sampleCountOf, type TrainingData } from "./batches.js";
import { parseTrainingCheckpoint } from "./checkpoint-schema.js";
import { evaluateInto } from "./evaluate.js";
import { checkValidationData, readFitOptions } from "./fit-options.js";
import { toLoss } from "./loss-registry.js";
import { nonFiniteError, nonFiniteGradients, type PreviousStep } from "./non-finite.js";
import { ParameterArrays, recycleGradients, withGradientPool } from "./recycling.js";
import { ResidentPool } from "./resident-pool.js";
import { checkResume } from "./resume.js";
import type {
  EpochLogs,
  FitOptions,
  FitResult,
  History,
  TrainingCheckpoint,
  TrainingContext,
} from "./types.js";

function isModel(value: unknown): value is Model {
  const model = value as Partial<Model> | null;
  return (
    typeof model === "object" &&
    model !== null &&
    typeof model.apply === "function" &&
    typeof model.initState === "function"
  );
}

function dtypeOfTree(params: ParamTree): FloatDType {
  const first = flattenTree(params)[0];
  return first ? first[1].dtype : "float32";
}

/**
 * Trains `model` from `params` on `data` by gradient descent and returns the new parameters, state and
 * history. Pure with respect to its inputs: nothing passed in is modified.
 *
 * Each step: gather a batch (reused buffers), `valueAndGrad` of `loss(model(params, x), y) + Σ penalties`,
 * guard against non-finite values, `optimizer.update`, `applyUpdates`, constraints. Batch / stochastic /
 * mini-batch gradient descent are `mode` (1 step per epoch, N steps, ⌈N / batchSize⌉ steps).
 *
 * Deterministic: the same seed, data, parameters and options give bit-identical parameters, and
 * resuming from `context.checkpoint()` (saved with `checkpoint(...)`) ends bit-identical to an
 * uninterrupted run.
 *
 * @throws NonFiniteError when the loss or a gradient turns NaN/∞ (unless `nonFiniteGuard: false`).
 * @example
 * const { params: trained, history } = fit(model, params, train, {
 *   optimizer: sgd({ learningRate: 0.1 }),
 *   loss: "softmaxCrossEntropyFromLogits",
 *   epochs: 5,
 *   batchSize: 64,
 *   validationData: test,
 *   metrics: ["accuracy"],
 * });
 */
export function fit(model: Model, params: ParamTree, data: TrainingData, options: FitOptions): FitResult {
  const pool = ResidentPool.open();
  try {
    const steps = trainingSteps("fit", model, params, data, options, pool);
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
    }
  } finally {
    // Nothing resident left the loop (results, callbacks and errors got plain copies).
    pool?.releaseAll();
  }
}

/** Where the training loop pauses: after an optimizer step (and its callbacks), or after an epoch's end. */
export interface TrainingPause {
  readonly kind: "step" | "epoch";
  /** The run's live context: a checkpoint taken here resumes at the next step (or epoch). */
  readonly context: TrainingContext;
}

/**
 * The training loop of {@link fit} and `fitAsync`, as a generator: it pauses after every optimizer step
 * (once its callbacks ran) and after every epoch's end (validation and `onEpochEnd` done), and returns the
 * result. `fit` drives it to the end without stopping; `fitAsync` yields to the event loop between pauses.
 * Pausing changes no number, so both give the same bits. Buffers come from `pool` where that is safe
 * (see resident-pool.ts); the caller releases it once the generator is finished or abandoned.
 *
 * @example
 * const steps = trainingSteps("fit", model, params, data, options, null);
 * let next = steps.next();
 * while (!next.done) next = steps.next();
 * const result = next.value;
 */
export function* trainingSteps(
  op: string,
  model: Model,
  params: ParamTree,
  data: TrainingData,
  options: FitOptions,
  pool: ResidentPool | null,
): Generator<TrainingPause, FitResult, undefined> {
  if (!isModel(model))
    throw new ValueError(
      op,
      `model is ${describe(model)}: pass a model (e.g. from sequential) as first argument`,
    );
  if (!isObject(params))
    throw new ValueError(op, `params is ${describe(params)}: pass the tree made by model.init()`);
  const {
    optimizer,
    epochs,
    seed,
    shuffle,
    guard,
    regularizers,
    constraints,
    callbacks,
    evaluationBatchSize,
  } = readFitOptions(op, options);
  const loss = toLoss(op, options.loss);
  const count = sampleCountOf(op, data, "data");
  if (options.validationData !== undefined) {
    sampleCountOf(op, options.validationData, "options.validationData");
    checkValidationData(op, data, options.validationData);
  }
  const batchSize = resolveBatchSize(op, options, count);
  const stepsPerEpoch = Math.ceil(count / batchSize);
  const resume =
    options.resume === undefined ? undefined : parseTrainingCheckpoint(options.resume, op, "options.resume");
  const resumedOptimizerState = resume
    ? checkResume(op, resume, { seed, count, stepsPerEpoch, optimizer, params })
    : undefined;

  // Built-in optimizers ending in a learning rate update and apply in one pass (same numbers).
  const fused = fusedStep(optimizer);
  // Regularizers and constraints are handed the parameters and might keep them: plain arrays then.
  const residentParameters = fused !== undefined && regularizers.length === 0 && constraints.length === 0;
  const parameterArrays = new ParameterArrays(residentParameters ? pool : null);
  // Gradients become resident once the optimizer has shown it releases them (keeps none in its state).
  let residentGradients = false;

  const root = createRandom(seed);
  const shuffleRandom: Random = root.fork();
  const layerRandom: Random = root.fork();
  const history: History = resume
    ? structuredClone(resume.history)
    : { epochs: [], steps: { loss: [] }, stopReason: "completed" };
  history.stopReason = "completed";

  let current = {
    params,
    state: options.state ?? model.initState(dtypeOfTree(params)),
    optimizerState: resume ? resumedOptimizerState : optimizer.init(params),
  };
  let epoch = resume?.epoch ?? 0;
  let step = resume?.step ?? 0;
  let batchInEpoch = resume?.batchInEpoch ?? 0;
  let epochLossSum = resume?.epochLossSum ?? 0;
  let epochSampleCount = resume?.epochSampleCount ?? 0;
  let lastLoss = Number.NaN;
  let learningRateScale = resume?.learningRateScale ?? 1;
  let stopTraining = false;
  if (resume) {
    layerRandom.setState(resume.layerRandomState);
    shuffleRandom.setState(resume.shuffleRandomState);
    for (const callback of callbacks) {
      // Own keys only: a callback named "constructor" must not be handed Object.
      if (Object.hasOwn(resume.callbacks, callback.name))
        callback.setState?.(resume.callbacks[callback.name]);
    }
  }
  // Where the epoch `epoch` starts: the shuffler's state before it draws that epoch's order.
  let epochShuffleState: readonly number[] = shuffleRandom.getState();
  // True from an epoch's first draw to its end: a checkpoint taken outside resumes at the next epoch.
  let epochInProgress = false;
  // True while onEpochEnd runs, when `epoch` still names the finished epoch.
  let epochEnding = false;

  const context: TrainingContext = {
    model,
    epochs,
    stepsPerEpoch,
    sampleCount: count,
    batchSize,
    hasValidation: options.validationData !== undefined,
    get epoch() {
      return epoch;
    },
    get step() {
      return step;
    },
    get batchInEpoch() {
      return batchInEpoch;
    },
    get lastLoss() {
      return lastLoss;
    },
    history,
    get params() {
      current = { ...current, params: parameterArrays.expose(current.params) };
      return current.params;
    },
    set params(value: ParamTree) {
      current = { ...current, params: value };
    },
    get state() {
      return current.state;
    },
    set state(value: ParamTree) {
      current = { ...current, state: value };
    },
    get optimizerState() {
      return current.optimizerState;
    },
    set optimizerState(value: unknown) {
      current = { ...current, optimizerState: value };
    },
    get learningRateScale() {
      return learningRateScale;
    },
    set learningRateScale(value: number) {
      if (!(value >= 0) || !Number.isFinite(value))
        throw new ValueError(op, `learningRateScale is ${value}: use a finite number ≥ 0`);
      learningRateScale = value;
    },
    get stopTraining() {
      return stopTraining;
    },
    set stopTraining(value: boolean) {
      stopTraining = value;
    },
    checkpoint(): TrainingCheckpoint {
      const callbackStates: Record<string, unknown> = {};
      for (const callback of callbacks) {
        if (callback.getState) callbackStates[callback.name] = callback.getState();
      }
      // At the end of an epoch the next thing to run is the next epoch, from the shuffler's current state
      // (resuming at `epoch` would train the finished epoch twice).
      const atBoundary = epochEnding || !epochInProgress;
      return {
        step,
        epoch: epochEnding ? epoch + 1 : epoch,
        batchInEpoch,
        seed,
        shuffleRandomState: atBoundary ? shuffleRandom.getState() : [...epochShuffleState],
        layerRandomState: layerRandom.getState(),
        optimizerState: current.optimizerState,
        learningRateScale,
        epochLossSum,
        epochSampleCount,
        history: structuredClone(history),
        callbacks: callbackStates,
      };
    },
  };

  const inputGatherer = new RowGatherer(
    data.inputs,
    batchSize,
    (dtype, length) => pool?.take(dtype, length) ?? allocate(dtype, length),
  );
  const targetGatherer = new RowGatherer(data.targets, batchSize);
  let pendingState: ParamTree | undefined;
  const onState = (state: ParamTree) => {
    pendingState = state;
  };
  const stepMetrics = options.stepMetrics ? (options.metrics ?? []).map(toMetric) : [];
  for (const metric of stepMetrics) (history.steps as Record<string, number[]>)[metric.name] ??= [];
  let batchOutput: TensorLike | undefined;
  const objective = valueAndGrad((p: ParamTree, x: Tensor, y: TensorLike<DType>): Traced => {
    const output = model.apply(p, x, { training: true, random: layerRandom, state: current.state, onState });
    batchOutput = output.value;
    return loss(output, y) as Traced;
  });

  const afterStep: TrainingPause = { kind: "step", context };
  const afterEpoch: TrainingPause = { kind: "epoch", context };
  for (const callback of callbacks) callback.onTrainBegin?.(context);
  let order: Int32Array | null = null;
  // The step before the current one: if its update overflowed, the next step's loss or gradients show it.
  let previous: PreviousStep | null = null;
  /** The error for a non-finite loss, gradient or update here; it keeps plain copies (nothing resident leaves fit). */
  const nonFinite = (badGradients: string[], loss: number, gradients: ParamTree, inputs: TensorLike) =>
    nonFiniteError(
      badGradients,
      loss,
      gradients,
      inputs,
      previous === null || pool === null ? previous : { ...previous, params: pool.plain(previous.params) },
      pool === null ? current.params : pool.plain(current.params),
      history,
      { step, epoch, batchInEpoch, learningRateScale },
    );
  for (; epoch < epochs && !stopTraining; epoch++) {
    epochShuffleState = shuffleRandom.getState();
    order = shuffle ? permutation(shuffleRandom, count) : null;
    epochInProgress = true;
    if (batchInEpoch === 0) for (const callback of callbacks) callback.onEpochBegin?.(context);
    for (; batchInEpoch < stepsPerEpoch && !stopTraining; ) {
      const start = batchInEpoch * batchSize;
      const size = Math.min(batchSize, count - start);
      const x = inputGatherer.gather(order, start, size);
      const y = targetGatherer.gather(order, start, size);
      pendingState = undefined;
      const { value, gradients: rawGradients } = withGradientPool(residentGradients ? pool : null, () =>
        objective(current.params, x, y),
      );
      let gradients = rawGradients as ParamTree;
      let batchLoss = (value as unknown as TensorLike).data[0]!;
      if (regularizers.length > 0) {
        for (const regularizer of regularizers) {
          batchLoss += regularizer.penalty(current.params);
          gradients = addTrees(gradients, regularizer.gradient(current.params));
        }
      }
      let nextParams: ParamTree;
      let optimizerState: unknown;
      const diagnose = () => {
        const bad = nonFiniteGradients(gradients);
        if (bad.length > 0 || !Number.isFinite(batchLoss)) {
          throw nonFinite(bad, batchLoss, gradients, x);
        }
      };
      if (fused !== undefined) {
        const stepped = fused(gradients, current.optimizerState, current.params, {
          scale: learningRateScale,
          allocate: parameterArrays.allocate,
        });
        // A finite step with a finite loss needs no other check; otherwise find what went wrong as the
        // plain path does (an overflow with finite gradients shows at the next step, as there).
        if (guard && !(stepped.finite && Number.isFinite(batchLoss))) diagnose();
        nextParams = stepped.params;
        optimizerState = stepped.state;
        // A constraint might keep the tree it is given: reuse arrays only when none runs.
        if (constraints.length === 0) parameterArrays.adopt(nextParams);
        if (stepped.gradientsReleased && regularizers.length === 0) {
          recycleGradients(gradients, pool);
          residentGradients = pool !== null;
        } else if (residentGradients) {
          // The optimizer kept this step's gradients after all: they must outlive fit, so they are never
          // released (nor reused), and later gradients are plain.
          for (const [, tensor] of flattenTree(gradients)) pool!.abandon(tensor.data);
          residentGradients = false;
        }
      } else {
        if (guard) diagnose();
        const result = optimizer.update(gradients, current.optimizerState, current.params);
        optimizerState = result.state;
        nextParams = applyUpdates(
          current.params,
          learningRateScale === 1 ? result.updates : scaleTree(result.updates, learningRateScale),
        );
      }
      for (const constraint of constraints) nextParams = constraint.apply(nextParams);
      if (previous !== null) parameterArrays.retire(previous.params);
      previous = { params: current.params, step, epoch, batchInEpoch, loss: batchLoss };
      current = { params: nextParams, state: pendingState ?? current.state, optimizerState };
      lastLoss = batchLoss;
      history.steps.loss.push(batchLoss);
      for (const metric of stepMetrics) {
        let value: number;
        try {
          value = metric.compute(batchOutput!, y);
        } catch {
          value = Number.NaN;
        }
        (history.steps as Record<string, number[]>)[metric.name]!.push(value);
      }
      epochLossSum += batchLoss * size;
      epochSampleCount += size;
      step++;
      batchInEpoch++;
      for (const callback of callbacks) callback.onStepEnd?.(context);
      yield afterStep;
    }
    if (batchInEpoch < stepsPerEpoch) break;
    const logs: Record<string, number> = { epoch, loss: epochLossSum / epochSampleCount };
    const evaluation = {
      metrics: options.metrics ?? [],
      batchSize: evaluationBatchSize,
      loss,
    };
    if (options.trainingMetrics && evaluation.metrics.length > 0) {
      evaluateInto(logs, "", model, current.params, current.state, data, { ...evaluation, loss: undefined });
    }
    if (options.validationData) {
      evaluateInto(
        logs,
        "validation",
        model,
        current.params,
        current.state,
        options.validationData,
        evaluation,
      );
    }
    history.epochs.push(logs as EpochLogs);
    batchInEpoch = 0;
    epochLossSum = 0;
    epochSampleCount = 0;
    epochInProgress = false;
    epochEnding = true;
    for (const callback of callbacks) callback.onEpochEnd?.(context, logs as EpochLogs);
    // Paused while `epochEnding`: a checkpoint taken here resumes at the next epoch, not this one again.
    yield afterEpoch;
    epochEnding = false;
  }
  if (guard && previous !== null && nonFiniteGradients(current.params).length > 0) {
    throw nonFinite([], Number.NaN, {}, data.inputs);
  }
  if (stopTraining && history.stopReason === "completed") history.stopReason = "stopped";
  for (const callback of callbacks) callback.onTrainEnd?.(context);
  return {
    params: parameterArrays.expose(current.params),
    state: current.state,
    optimizerState: current.optimizerState,
    history,
    step,
  };
}
