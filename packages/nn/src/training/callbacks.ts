import type { ParamTree } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import type { ModelSnapshot } from "../io/model-files.js";
import { booleanOption, checkOptionKeys, describe, integerOption } from "../layers/validate.js";
import type { Callback, EpochLogs, TrainingContext } from "./types.js";

/** Whether larger or smaller values of a logged quantity are better. */
export type MonitorMode = "min" | "max" | "auto";

const higherIsBetter = /accuracy|auc|precision|recall|f1|r2/i;

function resolveMode(monitor: string, mode: MonitorMode): "min" | "max" {
  if (mode === "min" || mode === "max") return mode;
  return higherIsBetter.test(monitor) ? "max" : "min";
}

function monitored(
  op: string,
  context: TrainingContext,
  logs: EpochLogs,
  monitor: string | undefined,
): [string, number] {
  const name = monitor ?? (context.hasValidation ? "validationLoss" : "loss");
  const value = Object.hasOwn(logs, name) ? logs[name] : undefined;
  if (value === undefined) {
    throw new ValueError(
      op,
      `monitor "${name}" is not in the epoch logs (${Object.keys(logs).join(", ")}): pick one of them`,
    );
  }
  return [name, value];
}

/** Checks the options every monitoring callback shares (`monitor`, `mode`, `minDelta`, `patience`). */
function checkMonitorOptions(
  op: string,
  options: { monitor?: unknown; mode?: unknown; minDelta?: unknown; patience?: unknown },
  keys: readonly string[],
): void {
  checkOptionKeys(op, options, keys);
  if (options.monitor !== undefined && typeof options.monitor !== "string")
    throw new ValueError(
      op,
      `options.monitor is ${describe(options.monitor)}: use the name of a logged value`,
    );
  if (
    options.mode !== undefined &&
    options.mode !== "min" &&
    options.mode !== "max" &&
    options.mode !== "auto"
  )
    throw new ValueError(op, `options.mode is ${describe(options.mode)}: use "min", "max" or "auto"`);
  if (
    options.minDelta !== undefined &&
    (typeof options.minDelta !== "number" || !(options.minDelta >= 0) || !Number.isFinite(options.minDelta))
  )
    throw new ValueError(op, `options.minDelta is ${describe(options.minDelta)}: use a finite number ≥ 0`);
  integerOption(op, "options.patience", options.patience, 0, 0);
}

/** Checks a callback's state read back from a checkpoint: an object with these number fields. */
function savedState(
  op: string,
  state: unknown,
  fields: Readonly<Record<string, "number" | "integer" | "count">>,
): Record<string, unknown> {
  if (typeof state !== "object" || state === null || Array.isArray(state))
    throw new ValueError(
      op,
      `saved state is ${describe(state)}: pass the state from a checkpoint of this callback`,
    );
  const record = state as Record<string, unknown>;
  for (const [key, kind] of Object.entries(fields)) {
    const value = Object.hasOwn(record, key) ? record[key] : undefined;
    const ok =
      typeof value === "number" &&
      (kind === "number" || (Number.isSafeInteger(value) && (kind === "integer" || value >= 0)));
    if (!ok)
      throw new ValueError(
        op,
        `saved state's ${key} is ${describe(value)}: expected ${kind === "number" ? "a number" : kind === "integer" ? "an integer" : "an integer ≥ 0"}`,
      );
  }
  return record;
}

function improves(mode: "min" | "max", value: number, best: number, minDelta: number): boolean {
  return mode === "min" ? value < best - minDelta : value > best + minDelta;
}

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingOptions {
  /** Logged quantity to watch. Default `"validationLoss"` with validation data, else `"loss"`. */
  readonly monitor?: string;
  /** `"auto"` (default): maximize accuracy/AUC/precision/recall/F1/R², minimize anything else. */
  readonly mode?: MonitorMode;
  /** Epochs without improvement before stopping. Default 5. */
  readonly patience?: number;
  /** Smallest change that counts as an improvement. Default 0. */
  readonly minDelta?: number;
  /** End with the parameters (and state) of the best epoch. Default true. */
  readonly restoreBestWeights?: boolean;
}

/**
 * Stops training when the monitored quantity has not improved for `patience` epochs, and (by default)
 * restores the parameters of the best epoch, so `fit` returns the best model seen.
 *
 * @example
 * fit(model, params, train, { …, validationData: test, callbacks: [earlyStopping({ patience: 3 })] })
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback {
  checkMonitorOptions("earlyStopping", options, [
    "monitor",
    "mode",
    "patience",
    "minDelta",
    "restoreBestWeights",
  ]);
  booleanOption("earlyStopping", "options.restoreBestWeights", options.restoreBestWeights, true);
  const patience = options.patience ?? 5;
  const minDelta = options.minDelta ?? 0;
  const restore = options.restoreBestWeights ?? true;
  if (!Number.isInteger(patience) || patience < 0)
    throw new ValueError("earlyStopping", `patience is ${patience}: use an integer ≥ 0`);
  let best = Number.NaN;
  let bestEpoch = -1;
  let wait = 0;
  let bestParams: ParamTree | null = null;
  let bestState: ParamTree | null = null;
  return {
    name: "earlyStopping",
    onEpochEnd(context, logs) {
      const [name, value] = monitored("earlyStopping", context, logs, options.monitor);
      const mode = resolveMode(name, options.mode ?? "auto");
      if (bestEpoch < 0 || improves(mode, value, best, minDelta)) {
        best = value;
        bestEpoch = logs.epoch;
        wait = 0;
        if (restore) {
          bestParams = context.params;
          bestState = context.state;
        }
        return;
      }
      wait++;
      if (wait >= Math.max(patience, 1)) {
        context.stopTraining = true;
        context.history.stopReason = "earlyStopping";
      }
    },
    onTrainEnd(context) {
      if (restore && bestParams !== null && bestState !== null) {
        context.params = bestParams;
        context.state = bestState;
      }
    },
    getState: () => ({ best, bestEpoch, wait, bestParams, bestState }),
    setState(state) {
      const saved = savedState("earlyStopping", state, {
        best: "number",
        bestEpoch: "integer",
        wait: "count",
      }) as {
        best: number;
        bestEpoch: number;
        wait: number;
        bestParams: ParamTree | null;
        bestState: ParamTree | null;
      };
      for (const key of ["bestParams", "bestState"] as const) {
        const tree = saved[key];
        if (tree !== null && (typeof tree !== "object" || Array.isArray(tree)))
          throw new ValueError(
            "earlyStopping",
            `saved state's ${key} is ${describe(tree)}: expected a parameter tree or null`,
          );
      }
      ({ best, bestEpoch, wait, bestParams, bestState } = saved);
    },
  };
}

/**
 * Sets the learning-rate scale at the start of every epoch: `scale = schedule(epoch, previousScale)`.
 * `fit` multiplies every update by the scale, which for every built-in optimizer (chains ending in the
 * learning rate) is the same as multiplying the learning rate. For per-step schedules, pass a schedule
 * as the optimizer's `learningRate` instead.
 *
 * @example
 * learningRateScheduler((epoch) => (epoch < 10 ? 1 : 0.1)) // step decay after 10 epochs
 */
export function learningRateScheduler(schedule: (epoch: number, scale: number) => number): Callback {
  if (typeof schedule !== "function")
    throw new ValueError("learningRateScheduler", "expected a function (epoch, scale) → scale");
  return {
    name: "learningRateScheduler",
    onEpochBegin(context) {
      context.learningRateScale = schedule(context.epoch, context.learningRateScale);
    },
  };
}

/** Options of {@link reduceOnPlateau}. */
export interface ReduceOnPlateauOptions {
  /** Logged quantity to watch. Default `"validationLoss"` with validation data, else `"loss"`. */
  readonly monitor?: string;
  /** `"auto"` (default): maximize accuracy/AUC/precision/recall/F1/R², minimize anything else. */
  readonly mode?: MonitorMode;
  /** Multiplies the learning-rate scale on a plateau. Default 0.1. */
  readonly factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  readonly patience?: number;
  /** Smallest change that counts as an improvement. Default 1e-4. */
  readonly minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  readonly cooldown?: number;
  /** Lower bound of the scale. Default 0. */
  readonly minScale?: number;
}

/**
 * Multiplies the learning-rate scale by `factor` when the monitored quantity stops improving for
 * `patience` epochs (Keras' `ReduceLROnPlateau`, acting on the update scale — see {@link learningRateScheduler}).
 *
 * @example
 * reduceOnPlateau({ factor: 0.5, patience: 2 })
 */
export function reduceOnPlateau(options: ReduceOnPlateauOptions = {}): Callback {
  const op = "reduceOnPlateau";
  checkMonitorOptions(op, options, [
    "monitor",
    "mode",
    "factor",
    "patience",
    "minDelta",
    "cooldown",
    "minScale",
  ]);
  integerOption(op, "options.cooldown", options.cooldown, 0, 0);
  if (
    options.minScale !== undefined &&
    (typeof options.minScale !== "number" || !(options.minScale >= 0) || !Number.isFinite(options.minScale))
  )
    throw new ValueError(op, `options.minScale is ${describe(options.minScale)}: use a finite number ≥ 0`);
  const factor = options.factor ?? 0.1;
  const patience = options.patience ?? 10;
  const minDelta = options.minDelta ?? 1e-4;
  const cooldown = options.cooldown ?? 0;
  const minScale = options.minScale ?? 0;
  if (typeof factor !== "number" || !(factor > 0 && factor < 1))
    throw new ValueError("reduceOnPlateau", `factor is ${describe(factor)}: use a value in (0, 1)`);
  let best = Number.NaN;
  let wait = 0;
  let cooldownCounter = 0;
  return {
    name: "reduceOnPlateau",
    onEpochEnd(context, logs) {
      const [name, value] = monitored("reduceOnPlateau", context, logs, options.monitor);
      const mode = resolveMode(name, options.mode ?? "auto");
      const inCooldown = cooldownCounter > 0;
      if (inCooldown) {
        cooldownCounter--;
        wait = 0;
      }
      if (Number.isNaN(best) || improves(mode, value, best, minDelta)) {
        best = value;
        wait = 0;
      } else if (!inCooldown) {
        wait++;
        if (wait >= patience && context.learningRateScale > minScale) {
          context.learningRateScale = Math.max(context.learningRateScale * factor, minScale);
          cooldownCounter = cooldown;
          wait = 0;
        }
      }
    },
    getState: () => ({ best, wait, cooldownCounter }),
    setState(state) {
      ({ best, wait, cooldownCounter } = savedState("reduceOnPlateau", state, {
        best: "number",
        wait: "count",
        cooldownCounter: "count",
      }) as { best: number; wait: number; cooldownCounter: number });
    },
  };
}

/** Options of {@link checkpoint}. */
export interface CheckpointOptions {
  /** Save after every `everySteps` optimizer steps. */
  readonly everySteps: number;
  /** Receives the snapshot to store: `(snapshot) => saveModel(directory, snapshot)` with `@descent/nn/node`. */
  readonly save: (snapshot: ModelSnapshot) => void;
}

/**
 * Saves a full training snapshot every `everySteps` steps: architecture, parameters, state, seed and the
 * training checkpoint (optimizer state, step, RNG states, history). `fit(…, { resume: snapshot.training })`
 * from it ends bit-identical to an uninterrupted run.
 *
 * @example
 * checkpoint({ everySteps: 500, save: (snapshot) => saveModel("checkpoints/latest", snapshot) })
 */
export function checkpoint(options: CheckpointOptions): Callback {
  if (options === undefined) throw new ValueError("checkpoint", "options are required: { everySteps, save }");
  checkOptionKeys("checkpoint", options, ["everySteps", "save"]);
  const { everySteps, save } = options;
  if (typeof everySteps !== "number" || !Number.isSafeInteger(everySteps) || everySteps < 1)
    throw new ValueError("checkpoint", `everySteps is ${describe(everySteps)}: use a positive integer`);
  if (typeof save !== "function")
    throw new ValueError("checkpoint", "save must be a function (snapshot) => void");
  return {
    name: "checkpoint",
    onStepEnd(context) {
      if (context.step % everySteps !== 0) return;
      const training = context.checkpoint();
      save({
        architecture: context.model.config,
        params: context.params,
        state: context.state,
        seed: training.seed,
        training,
      });
    },
  };
}
