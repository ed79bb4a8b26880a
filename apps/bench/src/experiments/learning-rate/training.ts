import { fit, type Model, NonFiniteError } from "@descent/nn";
import type { DatasetSplit, GradientTransformation, ParamTree } from "@descent/spec";

/** How a grid run ended. */
export type Outcome =
  | { readonly kind: "completed" }
  | { readonly kind: "non-finite"; readonly step: number }
  | { readonly kind: "exploded"; readonly step: number; readonly loss: number };

/** One grid run: what happened each epoch and each step, and how it ended. */
export interface GuardedRun {
  readonly outcome: Outcome;
  /** Loss of every finished step (finite: the guard stops before a non-finite one is recorded). */
  readonly stepLosses: readonly number[];
  readonly stepsPerEpoch: number;
  /** Per finished epoch: mean training loss and test accuracy. */
  readonly epochs: readonly { readonly loss: number; readonly accuracy: number }[];
}

/** Options of {@link guardedFit}. */
export interface GuardedFitOptions {
  readonly optimizer: GradientTransformation<unknown>;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  /**
   * Divergence without NaN: stop once a batch loss exceeds `explosionFactor ×` the first batch's loss
   * (cross-entropy of an untrained 10-class network is about ln 10, so 10× means the steps made it far worse).
   */
  readonly explosionFactor: number;
  /** Called after every finished epoch (for progress). */
  readonly onEpoch?: (epoch: number) => void;
}

/**
 * `fit` with divergence caught instead of thrown: a `NonFiniteError` (fit's guard: NaN or ±∞ in the loss
 * or a gradient) or a loss explosion ends the run and is reported in `outcome`, never as a NaN.
 *
 * @example
 * const run = guardedFit(model, params, split, { optimizer: sgd({ learningRate: 10 }), epochs: 5, batchSize: 64, seed: 1, explosionFactor: 10 });
 * run.outcome.kind; // "non-finite" or "exploded"
 */
export function guardedFit(
  model: Model,
  params: ParamTree,
  split: DatasetSplit,
  options: GuardedFitOptions,
): GuardedRun {
  const stepLosses: number[] = [];
  let stepsPerEpoch = 1;
  let outcome: Outcome = { kind: "completed" };
  const epochs: { loss: number; accuracy: number }[] = [];
  try {
    fit(model, params, split.train, {
      optimizer: options.optimizer,
      loss: "softmaxCrossEntropyFromLogits",
      epochs: options.epochs,
      batchSize: options.batchSize,
      seed: options.seed,
      validationData: split.test,
      metrics: ["accuracy"],
      callbacks: [
        {
          name: "divergence",
          onTrainBegin(context) {
            stepsPerEpoch = context.stepsPerEpoch;
          },
          onStepEnd(context) {
            stepLosses.push(context.lastLoss);
            if (context.lastLoss > options.explosionFactor * stepLosses[0]!) {
              outcome = { kind: "exploded", step: context.step - 1, loss: context.lastLoss };
              context.stopTraining = true;
            }
          },
          onEpochEnd(_context, logs) {
            epochs.push({ loss: logs.loss, accuracy: logs.validationAccuracy! });
            options.onEpoch?.(logs.epoch);
          },
        },
      ],
    });
  } catch (error) {
    if ((error as Error).name !== NonFiniteError.name) throw error;
    outcome = { kind: "non-finite", step: (error as NonFiniteError).report.step };
  }
  return { outcome, stepLosses, stepsPerEpoch, epochs };
}
