import type { GradientTransformation } from "@descent/spec";
import { formatShape, ShapeError, ValueError } from "@descent/tensor";
import {
  booleanOption,
  checkOptionKeys,
  describe,
  integerOption,
  isObject,
  sameShape,
} from "../layers/validate.js";
import { toMetric } from "../metrics/registry.js";
import type { TrainingData } from "./batches.js";
import type { Callback, FitOptions } from "./types.js";

/*
 * Every option of `fit` is read here, once, before training starts: an unknown key (`epoch: 50`) or a value
 * of the wrong type would otherwise be ignored or fail deep inside the loop. Optimizers reject unknown
 * options the same way.
 */

/** The keys {@link FitOptions} knows. */
export const FIT_OPTION_KEYS = [
  "optimizer",
  "loss",
  "epochs",
  "mode",
  "batchSize",
  "shuffle",
  "seed",
  "validationData",
  "metrics",
  "stepMetrics",
  "trainingMetrics",
  "regularizers",
  "constraints",
  "callbacks",
  "state",
  "resume",
  "nonFiniteGuard",
  "evaluationBatchSize",
] as const;

const CALLBACK_HOOKS = [
  "onTrainBegin",
  "onEpochBegin",
  "onStepEnd",
  "onEpochEnd",
  "onTrainEnd",
  "getState",
  "setState",
] as const;

/** Throws unless `value` is undefined or an array whose entries pass `check`; returns the array or `[]`. */
function listOption<T>(
  op: string,
  label: string,
  value: unknown,
  expected: string,
  check: (entry: unknown) => boolean,
): readonly T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new ValueError(op, `${label} is ${describe(value)}: pass an array of ${expected}`);
  value.forEach((entry, index) => {
    if (!check(entry)) {
      throw new ValueError(op, `${label}[${index}] is ${describe(entry)}: expected ${expected}`);
    }
  });
  return value as T[];
}

const hasFunctions = (entry: unknown, ...names: string[]) =>
  isObject(entry) && names.every((name) => typeof entry[name] === "function");

function isCallback(entry: unknown): entry is Callback {
  return (
    isObject(entry) &&
    typeof entry.name === "string" &&
    CALLBACK_HOOKS.every((hook) => entry[hook] === undefined || typeof entry[hook] === "function")
  );
}

/**
 * Validates `fit`'s options object (keys, types and ranges) and returns the option lists with defaults.
 * The data-dependent checks (batch size against the sample count, validation shapes) are in
 * {@link checkValidationData} and `resolveBatchSize`.
 */
export function readFitOptions(op: string, options: FitOptions) {
  if (!isObject(options)) {
    throw new ValueError(op, `options is ${describe(options)}: pass { optimizer, loss, … }`);
  }
  checkOptionKeys(op, options, FIT_OPTION_KEYS);
  const optimizer = options.optimizer as GradientTransformation<unknown> | undefined;
  if (!hasFunctions(optimizer, "init", "update")) {
    throw new ValueError(
      op,
      `options.optimizer is ${describe(optimizer)}: pass a GradientTransformation (e.g. sgd({ learningRate: 0.1 }))`,
    );
  }
  const epochs = integerOption(op, "options.epochs", options.epochs, 0, 1);
  const seed = options.seed ?? 0;
  if (typeof seed !== "number" || !Number.isSafeInteger(seed))
    throw new ValueError(op, `options.seed is ${describe(seed)}: use an integer`);
  const shuffle = booleanOption(op, "options.shuffle", options.shuffle, true);
  const guard = booleanOption(op, "options.nonFiniteGuard", options.nonFiniteGuard, true);
  booleanOption(op, "options.stepMetrics", options.stepMetrics, false);
  booleanOption(op, "options.trainingMetrics", options.trainingMetrics, false);
  const evaluationBatchSize = integerOption(
    op,
    "options.evaluationBatchSize",
    options.evaluationBatchSize,
    1,
    1024,
  );
  const metrics = listOption(
    op,
    "options.metrics",
    options.metrics,
    "a metric name or { name, compute }",
    (entry) => typeof entry === "string" || hasFunctions(entry, "compute"),
  );
  // Names are resolved now, so a typo fails before the first epoch rather than after it.
  for (const entry of metrics) toMetric(entry as never);
  const regularizers = listOption<NonNullable<FitOptions["regularizers"]>[number]>(
    op,
    "options.regularizers",
    options.regularizers,
    "a regularizer { penalty, gradient } (e.g. l2(1e-4))",
    (entry) => hasFunctions(entry, "penalty", "gradient"),
  );
  const constraints = listOption<NonNullable<FitOptions["constraints"]>[number]>(
    op,
    "options.constraints",
    options.constraints,
    "a constraint { apply } (e.g. maxNorm(3))",
    (entry) => hasFunctions(entry, "apply"),
  );
  const callbacks = listOption<Callback>(
    op,
    "options.callbacks",
    options.callbacks,
    `a callback { name, ${CALLBACK_HOOKS.join("?, ")}? } with function hooks`,
    isCallback,
  );
  if (options.state !== undefined && !isObject(options.state))
    throw new ValueError(
      op,
      `options.state is ${describe(options.state)}: pass model.initState() or fit's state`,
    );
  return {
    optimizer: optimizer!,
    epochs,
    seed,
    shuffle,
    guard,
    evaluationBatchSize,
    regularizers,
    constraints,
    callbacks,
  };
}

/** Throws unless validation samples have the training samples' shapes (the model and loss see both). */
export function checkValidationData(op: string, data: TrainingData, validation: TrainingData): void {
  for (const part of ["inputs", "targets"] as const) {
    const expected = data[part].shape.slice(1);
    const found = validation[part].shape.slice(1);
    if (!sameShape(expected, found)) {
      throw new ShapeError(
        op,
        `options.validationData.${part} has samples of shape ${formatShape(found)} but the training ${part} have ${formatShape(expected)}: pass validation data shaped like the training data`,
      );
    }
  }
}
