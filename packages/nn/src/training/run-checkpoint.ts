import type { TrainingRun } from "./run.js";
import type { TrainingCheckpoint } from "./types.js";

/**
 * Everything needed to resume `run` bit-identically from here: counters, both random generators' states,
 * the optimizer's state, the history and every callback's `getState()`.
 */
export function runCheckpoint(run: TrainingRun): TrainingCheckpoint {
  const callbackStates: Record<string, unknown> = {};
  for (const callback of run.settings.callbacks) {
    if (callback.getState) callbackStates[callback.name] = callback.getState();
  }
  // At the end of an epoch the next thing to run is the next epoch, from the shuffler's current state
  // (resuming at `epoch` would train the finished epoch twice).
  const atBoundary = run.epochEnding || !run.epochInProgress;
  return {
    step: run.step,
    epoch: run.epochEnding ? run.epoch + 1 : run.epoch,
    batchInEpoch: run.batchInEpoch,
    seed: run.settings.seed,
    shuffleRandomState: atBoundary ? run.shuffleRandom.getState() : [...run.epochShuffleState],
    layerRandomState: run.layerRandom.getState(),
    optimizerState: run.current.optimizerState,
    learningRateScale: run.learningRateScale,
    epochLossSum: run.epochLossSum,
    epochSampleCount: run.epochSampleCount,
    history: structuredClone(run.history),
    callbacks: callbackStates,
  };
}
