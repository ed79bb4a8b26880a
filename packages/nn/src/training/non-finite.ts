import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { DescentError } from "@descent/tensor";
import { flattenTree } from "../io/parameter-names.js";
import type { TrainingRun } from "./run.js";
import type { History } from "./types.js";

/** Where training first produced a NaN or infinite value. */
export interface NonFiniteReport {
  /** What went non-finite first: the loss, a gradient, or a parameter after the update (overflow). */
  readonly kind: "loss" | "gradient" | "update";
  /** Optimizer step (0-based) whose loss, gradients or update were not finite; its update was not applied. */
  readonly step: number;
  /** Epoch (0-based) of that step. */
  readonly epoch: number;
  /** Batch (0-based) of that step within its epoch. */
  readonly batchInEpoch: number;
  /** The batch's loss at that step (may itself be NaN or infinite). */
  readonly loss: number;
  /**
   * Layer (first path component) of the parameter concerned: the non-finite gradient nearest the output,
   * the overflowing update, or — when only the loss is non-finite — the largest gradient.
   */
  readonly layer: string | null;
  /** Full parameter path, e.g. `"dense_2.weights"`. */
  readonly parameter: string | null;
  /** Every parameter whose gradient (or updated value) is not finite. */
  readonly parameters: readonly string[];
  /** True when the batch inputs themselves hold NaN or infinite values. */
  readonly badInputs: boolean;
}

/**
 * Thrown by `fit` when the loss or a gradient becomes NaN or infinite. The parameters were not updated
 * with the bad step: `params` and `history` are those of the last good step.
 */
export class NonFiniteError extends DescentError {
  /** What went non-finite, where, and when. */
  readonly report: NonFiniteReport;
  /** The parameters of the last good step (the bad update was not applied). */
  readonly params: ParamTree;
  /** The history up to the last good step. */
  readonly history: History;
  constructor(report: NonFiniteReport, params: ParamTree, history: History, learningRateScale: number) {
    super("fit", describeReport(report, learningRateScale));
    this.name = "NonFiniteError";
    this.report = report;
    this.params = params;
    this.history = history;
  }
}

function describeReport(report: NonFiniteReport, learningRateScale: number): string {
  const where = `step ${report.step} (epoch ${report.epoch}, batch ${report.batchInEpoch})`;
  const others =
    report.parameters.length > 1
      ? `; also ${report.parameters.filter((p) => p !== report.parameter).join(", ")}`
      : "";
  const what =
    report.kind === "loss"
      ? `the loss is ${report.loss} while the gradients are still finite${
          report.parameter === null
            ? ""
            : ` (the largest is that of "${report.parameter}", layer "${report.layer}")`
        }`
      : report.kind === "gradient"
        ? `the gradient of "${report.parameter}" (layer "${report.layer}") went non-finite first (loss ${report.loss}${others})`
        : `the update of "${report.parameter}" (layer "${report.layer}") overflowed to a non-finite value (loss ${report.loss}${others})`;
  const tries = report.badInputs
    ? "the batch inputs contain NaN or Infinity: clean or impute the data (and check its normalization)"
    : `try a lower learning rate${learningRateScale === 1 ? "" : ` (updates currently scaled ×${learningRateScale})`}, gradient clipping (chain(clipByGlobalNorm(1), …) from @descent/optimizers), normalized inputs, or a stable loss (softmaxCrossEntropyFromLogits on logits rather than log of probabilities)`;
  return `non-finite values at ${where}: ${what}. The update was not applied; parameters are those of the previous step. To fix: ${tries}.`;
}

/** True when every element is finite. */
export function allFinite(data: Float32Array | Float64Array): boolean {
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    // value - value is NaN exactly for NaN and ±Infinity: one comparison per element.
    if (value - value !== 0) return false;
  }
  return true;
}

/** Parameters whose gradient is not finite, the one nearest the output (last in the tree) first. */
export function nonFiniteGradients(gradients: ParamTree): string[] {
  const bad: string[] = [];
  const entries = flattenTree(gradients);
  for (let i = entries.length - 1; i >= 0; i--) {
    const [path, tensor] = entries[i]!;
    if (!allFinite((tensor as TensorLike).data)) bad.push(path);
  }
  return bad;
}

/** The parameter with the largest gradient entry (by absolute value), or null for an empty tree. */
export function largestGradient(gradients: ParamTree): string | null {
  let best: string | null = null;
  let bestValue = -1;
  for (const [path, tensor] of flattenTree(gradients)) {
    const data = (tensor as TensorLike).data;
    for (let i = 0; i < data.length; i++) {
      const value = Math.abs(data[i]!);
      if (value > bestValue) {
        bestValue = value;
        best = path;
      }
    }
  }
  return best;
}

/** Parameters before the latest update, to report an overflowing update and return the last finite parameters. */
export interface PreviousStep {
  readonly params: ParamTree;
  readonly step: number;
  readonly epoch: number;
  readonly batchInEpoch: number;
  readonly loss: number;
}

/**
 * The error for a non-finite loss or gradient at the current step. The check runs once per step on the
 * gradients only; when the current parameters are themselves non-finite, the previous update overflowed,
 * and that step is reported with the parameters from before it.
 */
export function nonFiniteError(
  badGradients: string[],
  loss: number,
  gradients: ParamTree,
  inputs: TensorLike,
  previous: PreviousStep | null,
  params: ParamTree,
  history: History,
  at: { step: number; epoch: number; batchInEpoch: number; learningRateScale: number },
): NonFiniteError {
  const badParams = nonFiniteGradients(params);
  if (badParams.length > 0 && previous !== null) {
    history.steps.loss.pop();
    const report = {
      kind: "update" as const,
      step: previous.step,
      epoch: previous.epoch,
      batchInEpoch: previous.batchInEpoch,
      loss: previous.loss,
      layer: badParams[0]!.split(".")[0]!,
      parameter: badParams[0]!,
      parameters: badParams,
      badInputs: false,
    };
    return new NonFiniteError(report, previous.params, history, at.learningRateScale);
  }
  const kind = badGradients.length > 0 ? ("gradient" as const) : ("loss" as const);
  const parameter = kind === "gradient" ? badGradients[0]! : largestGradient(gradients);
  const report = {
    kind,
    step: at.step,
    epoch: at.epoch,
    batchInEpoch: at.batchInEpoch,
    loss,
    layer: parameter === null ? null : parameter.split(".")[0]!,
    parameter,
    parameters: badGradients,
    badInputs: !allFinite(inputs.data),
  };
  return new NonFiniteError(report, params, history, at.learningRateScale);
}

/**
 * The error for a non-finite value at `run`'s current step (see {@link nonFiniteError}), its parameters
 * handed out through `expose` so that nothing of the step's own arrays leaves the loop.
 */
export function nonFiniteErrorOfRun(
  run: TrainingRun,
  expose: (params: ParamTree) => ParamTree,
  previous: PreviousStep | null,
  badGradients: string[],
  loss: number,
  gradients: ParamTree,
  inputs: TensorLike,
): NonFiniteError {
  const { step, epoch, batchInEpoch, learningRateScale } = run;
  return nonFiniteError(
    badGradients,
    loss,
    gradients,
    inputs,
    previous === null ? null : { ...previous, params: expose(previous.params) },
    expose(run.current.params),
    run.history,
    { step, epoch, batchInEpoch, learningRateScale },
  );
}
