import type { ParamTree } from "@descent/spec";
import { allocate, permutation } from "@descent/tensor";
import type { Model } from "../layers/sequential.js";
import { toMetric } from "../metrics/registry.js";
import { RowGatherer, type TrainingData } from "./batches.js";
import { trainingContext } from "./context.js";
import { endEpoch } from "./epoch-end.js";
import { nonFiniteErrorOfRun, nonFiniteGradients, type PreviousStep } from "./non-finite.js";
import { batchObjective } from "./objective.js";
import { ResidentPool } from "./resident-pool.js";
import { recordStep, startRun } from "./run.js";
import { chooseTrainingStep } from "./steps/choose-step.js";
import { TransientArrays } from "./steps/transient-arrays.js";
import type { FitOptions, FitResult, TrainingContext } from "./types.js";

/**
 * Trains `model` from `params` on `data` by gradient descent and returns the new parameters, state and
 * history. Pure with respect to its inputs: nothing passed in is modified.
 *
 * Each step: gather a batch (reused buffers), `valueAndGrad` of `loss(model(params, x), y) + Σ penalties`,
 * one optimizer step `params ← constraints(params + optimizer.update(g))`, a guard against non-finite
 * values. Batch / stochastic / mini-batch gradient descent are `mode` (1 step per epoch, N steps,
 * ⌈N / batchSize⌉ steps).
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
  return fitWithPool(model, params, data, options, new ResidentPool());
}

/**
 * {@link fit} with its arrays from `pool` (released when it returns or throws), or plain arrays only when
 * `pool` is null: internal, for tests that compare the two.
 */
export function fitWithPool(
  model: Model,
  params: ParamTree,
  data: TrainingData,
  options: FitOptions,
  pool: ResidentPool | null,
): FitResult {
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
 * Pausing changes no number, so both give the same bits. The batch buffer and the step's reused arrays
 * come from `pool` (null: plain arrays); the caller releases it once the generator is finished or abandoned.
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
  const run = startRun(op, model, params, data, options);
  const { optimizer, shuffle, guard, regularizers, constraints, callbacks } = run.settings;
  const step = chooseTrainingStep(optimizer, {
    regularizers,
    constraints,
    guard,
    pool,
    layout: run.layout,
  });
  const context = trainingContext(run, step);
  const inputGatherer = new RowGatherer(
    data.inputs,
    run.batchSize,
    (dtype, length) => pool?.take(dtype, length) ?? allocate(dtype, length),
  );
  const targetGatherer = new RowGatherer(data.targets, run.batchSize);
  const stepMetrics = options.stepMetrics ? (options.metrics ?? []).map(toMetric) : [];
  for (const metric of stepMetrics) (run.history.steps as Record<string, number[]>)[metric.name] ??= [];
  const objective = batchObjective(run, step.allocateGradient, new TransientArrays(pool));

  const afterStep: TrainingPause = { kind: "step", context };
  const afterEpoch: TrainingPause = { kind: "epoch", context };
  for (const callback of callbacks) callback.onTrainBegin?.(context);
  // The step before the current one: if its update overflowed, the next step's loss or gradients show it.
  let previous: PreviousStep | null = null;
  for (; run.epoch < run.settings.epochs && !run.stopTraining; run.epoch++) {
    run.epochShuffleState = run.shuffleRandom.getState();
    const order = shuffle ? permutation(run.shuffleRandom, run.sampleCount) : null;
    run.epochInProgress = true;
    if (run.batchInEpoch === 0) for (const callback of callbacks) callback.onEpochBegin?.(context);
    for (; run.batchInEpoch < run.stepsPerEpoch && !run.stopTraining; ) {
      const start = run.batchInEpoch * run.batchSize;
      const size = Math.min(run.batchSize, run.sampleCount - start);
      const x = inputGatherer.gather(order, start, size);
      const y = targetGatherer.gather(order, start, size);
      const { params, optimizerState, state } = run.current;
      const { loss, gradients, output, state: newState } = objective(params, state, x, y);
      const next = step.apply(gradients, optimizerState, params, run.learningRateScale);
      // The one non-finite check, for every step kind: an overflow with finite gradients shows at the next step.
      if (guard && !(next.finite && Number.isFinite(loss))) {
        const bad = nonFiniteGradients(gradients);
        if (bad.length > 0 || !Number.isFinite(loss))
          throw nonFiniteErrorOfRun(run, step.expose, previous, bad, loss, gradients, x);
      }
      if (previous !== null) step.retire(previous.params);
      previous = { params, step: run.step, epoch: run.epoch, batchInEpoch: run.batchInEpoch, loss };
      run.current = {
        params: next.params,
        state: newState ?? state,
        optimizerState: next.optimizerState,
      };
      recordStep(run, loss, size, stepMetrics, output, y);
      for (const callback of callbacks) callback.onStepEnd?.(context);
      yield afterStep;
    }
    if (run.batchInEpoch < run.stepsPerEpoch) break;
    const logs = endEpoch(run);
    for (const callback of callbacks) callback.onEpochEnd?.(context, logs);
    // Paused while `epochEnding`: a checkpoint taken here resumes at the next epoch, not this one again.
    yield afterEpoch;
    run.epochEnding = false;
  }
  if (guard && previous !== null && nonFiniteGradients(run.current.params).length > 0)
    throw nonFiniteErrorOfRun(run, step.expose, previous, [], Number.NaN, {}, data.inputs);
  if (run.stopTraining && run.history.stopReason === "completed") run.history.stopReason = "stopped";
  for (const callback of callbacks) callback.onTrainEnd?.(context);
  const { state } = run.current;
  return {
    params: step.expose(run.current.params),
    state,
    optimizerState: step.exposeState(run.current.optimizerState),
    history: run.history,
    step: run.step,
  };
}
