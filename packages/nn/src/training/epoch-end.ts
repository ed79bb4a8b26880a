import { evaluateInto } from "./evaluate.js";
import type { TrainingRun } from "./run.js";
import type { EpochLogs } from "./types.js";

/**
 * Ends the epoch `run.epoch`: its logs (mean training loss, the metrics on the training data with
 * `trainingMetrics`, loss and metrics on `validationData`) go into the history, the epoch's counters
 * restart, and the run is marked as ending the epoch (for checkpoints taken in `onEpochEnd`).
 */
export function endEpoch(run: TrainingRun): EpochLogs {
  const { model, options, data } = run;
  const { params, state } = run.current;
  const logs: Record<string, number> = { epoch: run.epoch, loss: run.epochLossSum / run.epochSampleCount };
  const evaluation = {
    metrics: options.metrics ?? [],
    batchSize: run.settings.evaluationBatchSize,
    loss: run.loss,
  };
  if (options.trainingMetrics && evaluation.metrics.length > 0) {
    evaluateInto(logs, "", model, params, state, data, { ...evaluation, loss: undefined });
  }
  if (options.validationData) {
    evaluateInto(logs, "validation", model, params, state, options.validationData, evaluation);
  }
  run.history.epochs.push(logs as EpochLogs);
  run.batchInEpoch = 0;
  run.epochLossSum = 0;
  run.epochSampleCount = 0;
  run.epochInProgress = false;
  run.epochEnding = true;
  return logs as EpochLogs;
}
