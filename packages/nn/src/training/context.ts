import { structuresEqual, treeLayout, ValueError } from "@descent/tensor";
import type { TrainingRun } from "./run.js";
import { runCheckpoint } from "./run-checkpoint.js";
import type { TrainingStep } from "./steps/training-step.js";
import type { TrainingContext } from "./types.js";

/**
 * The live view of `run` that callbacks get: counters read through, writable fields written back, and
 * `params` handed out through `step.expose` (so the step never writes what a callback holds).
 */
export function trainingContext(run: TrainingRun, step: TrainingStep): TrainingContext {
  return {
    model: run.model,
    epochs: run.settings.epochs,
    stepsPerEpoch: run.stepsPerEpoch,
    sampleCount: run.sampleCount,
    batchSize: run.batchSize,
    hasValidation: run.options.validationData !== undefined,
    get epoch() {
      return run.epoch;
    },
    get step() {
      return run.step;
    },
    get batchInEpoch() {
      return run.batchInEpoch;
    },
    get lastLoss() {
      return run.lastLoss;
    },
    history: run.history,
    get params() {
      run.current = { ...run.current, params: step.expose(run.current.params) };
      return run.current.params;
    },
    set params(value) {
      // Steps read the parameters by the layout checked when the run started (`run.layout`).
      if (
        !structuresEqual(
          treeLayout(value, { op: run.op, name: "context.params" }).structure,
          run.layout.structure,
        )
      )
        throw new ValueError(
          run.op,
          "context.params must have the names of the parameters training started with: replace them by a tree of the same layers and names (e.g. one kept from context.params)",
        );
      run.current = { ...run.current, params: value };
    },
    get state() {
      return run.current.state;
    },
    set state(value) {
      run.current = { ...run.current, state: value };
    },
    get optimizerState() {
      exposeOptimizerState(run, step);
      return run.current.optimizerState;
    },
    set optimizerState(value: unknown) {
      run.current = { ...run.current, optimizerState: value };
    },
    get learningRateScale() {
      return run.learningRateScale;
    },
    set learningRateScale(value: number) {
      if (!(value >= 0) || !Number.isFinite(value))
        throw new ValueError(run.op, `learningRateScale is ${value}: use a finite number ≥ 0`);
      run.learningRateScale = value;
    },
    get stopTraining() {
      return run.stopTraining;
    },
    set stopTraining(value: boolean) {
      run.stopTraining = value;
    },
    checkpoint: () => {
      exposeOptimizerState(run, step);
      return runCheckpoint(run);
    },
  };
}

/** Replaces the run's optimizer state by what the step hands out (plain arrays): it is about to leave the loop. */
function exposeOptimizerState(run: TrainingRun, step: TrainingStep): void {
  run.current = { ...run.current, optimizerState: step.exposeState(run.current.optimizerState) };
}
