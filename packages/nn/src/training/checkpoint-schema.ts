import { ValueError } from "@descent/tensor";
import { z } from "zod";
import type { TrainingCheckpoint } from "./types.js";

/*
 * The one validation layer for a training checkpoint, whether it comes from `fit(…, { resume })` or from a
 * model folder (`deserializeModel`): a checkpoint is data from outside, so every number it holds is checked
 * before the training loop trusts it (a negative learning-rate scale trains uphill, a fractional batch index
 * reads between rows, a negative step breaks schedules).
 */

/** Any JavaScript number, NaN and ±Infinity included: losses of a run without the non-finite guard. */
const anyNumber = z.custom<number>((value) => typeof value === "number", { message: "expected a number" });

const nonNegativeInteger = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A xoshiro128** state as `Random.getState()` returns it: four uint32 words, not all zero. */
const randomState = z
  .array(z.number().int().min(0).max(0xffffffff), {
    error: "expected 4 unsigned 32-bit integers (Random.getState())",
  })
  .length(4, { error: "expected exactly 4 words (Random.getState())" })
  .refine((words) => words.some((word) => word !== 0), { error: "an all-zero state is not a valid state" });

const epochLogs = z
  .record(z.string(), anyNumber)
  .refine((logs) => Object.hasOwn(logs, "epoch") && Number.isSafeInteger(logs.epoch) && logs.epoch! >= 0, {
    error: "each epoch's logs need an integer `epoch` ≥ 0",
  })
  .refine((logs) => Object.hasOwn(logs, "loss"), { error: "each epoch's logs need a `loss`" });

const history = z.object({
  epochs: z.array(epochLogs),
  steps: z
    .record(z.string(), z.array(anyNumber))
    .refine((steps) => Object.hasOwn(steps, "loss"), { error: "steps need a `loss` array" }),
  stopReason: z.enum(["completed", "earlyStopping", "stopped"]).optional(),
});

const plainRecord = z.custom<Record<string, unknown>>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    [Object.prototype, null].includes(Object.getPrototypeOf(value)),
  { message: "expected a plain object of callback states, by callback name" },
);

/** The schema of {@link TrainingCheckpoint}; cross-field rules (history lengths) are refinements. */
export const trainingCheckpointSchema = z
  .object({
    step: nonNegativeInteger,
    epoch: nonNegativeInteger,
    batchInEpoch: nonNegativeInteger,
    seed: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
    shuffleRandomState: randomState,
    layerRandomState: randomState,
    optimizerState: z.unknown(),
    learningRateScale: z.number().nonnegative(),
    epochLossSum: z.number(),
    epochSampleCount: nonNegativeInteger,
    history,
    callbacks: plainRecord,
  })
  .superRefine((checkpoint, context) => {
    const { step, epoch, batchInEpoch, epochSampleCount, history } = checkpoint;
    // zod runs this refinement even when a field failed: read nothing it has not checked.
    if (!Array.isArray(history?.steps?.loss) || !Array.isArray(history.epochs)) return;
    if (history.steps.loss!.length !== step) {
      context.addIssue({
        code: "custom",
        path: ["history", "steps", "loss"],
        message: `holds ${history.steps.loss!.length} losses but step is ${step}: one loss per step`,
      });
    }
    for (const [name, values] of Object.entries(history.steps)) {
      if (values.length > step) {
        context.addIssue({
          code: "custom",
          path: ["history", "steps", name],
          message: `holds ${values.length} values for ${step} steps`,
        });
      }
    }
    if (history.epochs.length !== epoch) {
      context.addIssue({
        code: "custom",
        path: ["history", "epochs"],
        message: `holds ${history.epochs.length} finished epochs but epoch is ${epoch}: one entry per finished epoch`,
      });
    }
    if (batchInEpoch > step) {
      context.addIssue({
        code: "custom",
        path: ["batchInEpoch"],
        message: `is ${batchInEpoch} but only ${step} steps were done`,
      });
    }
    if ((batchInEpoch === 0) !== (epochSampleCount === 0)) {
      context.addIssue({
        code: "custom",
        path: ["epochSampleCount"],
        message: `is ${epochSampleCount} after ${batchInEpoch} batches of the epoch: both are 0 or both positive`,
      });
    }
  });

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : `${text}.${String(key)}`),
    "",
  );
}

function describe(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean" || value == null) return String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === "object" ? "an object" : typeof value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Validates a training checkpoint read from outside (a file, `fit`'s `resume`) and returns it typed.
 *
 * Rules: `step`, `epoch`, `batchInEpoch`, `epochSampleCount` non-negative safe integers; `seed` a safe integer;
 * `learningRateScale` finite ≥ 0 (0 is what a schedule that freezes training sets); the RNG states four uint32
 * words, not all zero; `epochLossSum` finite; `history` `{ epochs, steps: { loss } }` with one loss per step and
 * one entry per finished epoch; `callbacks` a plain object.
 *
 * @throws ValueError naming the field path (`checkpoint.history.steps.loss`), the value and the rule.
 * @example
 * const training = parseTrainingCheckpoint(JSON.parse(text), "loadCheckpoint");
 * fit(model, params, data, { optimizer, loss, resume: training });
 */
export function parseTrainingCheckpoint(
  value: unknown,
  op: string,
  label = "checkpoint",
): TrainingCheckpoint {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValueError(
      op,
      `${label} is ${describe(value)}: pass the object made by context.checkpoint() (or loaded with the model)`,
    );
  }
  const result = trainingCheckpointSchema.safeParse(value);
  if (result.success) {
    // The parsed copy drops unknown keys; the optimizer state is kept as given (its own check follows).
    const optimizerState = (value as { optimizerState?: unknown }).optimizerState;
    const history = { ...result.data.history, stopReason: result.data.history.stopReason ?? "completed" };
    return { ...result.data, history, optimizerState } as unknown as TrainingCheckpoint;
  }
  const issue = result.error.issues[0]!;
  const path = issue.path as PropertyKey[];
  const found = issue.code === "custom" ? "" : ` is ${describe(valueAt(value, path))}`;
  const missing = issue.code === "invalid_type" && valueAt(value, path) === undefined;
  throw new ValueError(
    op,
    `${label}${formatPath(path)}${missing ? " is missing" : found}: ${issue.message}${
      result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more issues)` : ""
    }; pass a checkpoint made by context.checkpoint()`,
  );
}
