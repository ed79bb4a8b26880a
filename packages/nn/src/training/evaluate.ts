import { isTraced, stopGradient } from "@descent/autodiff";
import type { FloatDType, Metric, ParamTree, Tensor as TensorLike } from "@descent/spec";
import { allocate, formatShape, ShapeError, Tensor, ValueError } from "@descent/tensor";
import type { Model } from "../layers/sequential.js";
import { checkOptionKeys, checkTensor, describe, integerOption } from "../layers/validate.js";
import { type MetricName, toMetric } from "../metrics/registry.js";
import { RowGatherer, sampleCountOf, type TrainingData } from "./batches.js";
import { type LossFunction, type LossName, toLoss } from "./loss-registry.js";

function checkModel(op: string, model: Model): void {
  if (
    typeof model !== "object" ||
    model === null ||
    typeof model.apply !== "function" ||
    typeof model.initState !== "function"
  )
    throw new ValueError(op, `model is ${describe(model)}: pass a model (e.g. from sequential)`);
}

function readState(op: string, model: Model, state: unknown, dtype: FloatDType): ParamTree {
  if (state === undefined) return model.initState(dtype);
  if (typeof state !== "object" || state === null || Array.isArray(state))
    throw new ValueError(op, `options.state is ${describe(state)}: pass model.initState() or fit's state`);
  return state as ParamTree;
}

/** Options of {@link predict}. */
export interface PredictOptions {
  /** Samples per forward pass. Default 1024. */
  readonly batchSize?: number;
  /** Non-trainable state (batch-norm running statistics). Default `model.initState()`. */
  readonly state?: ParamTree;
}

/**
 * The model's outputs for `inputs` in inference mode (dropout off, batch norm on running statistics),
 * computed in batches of `batchSize` and stacked: `[N, …outputShape]`.
 *
 * @example
 * const logits = predict(model, params, test.inputs); // [2000, 10]
 */
export function predict(
  model: Model,
  params: ParamTree,
  inputs: TensorLike,
  options: PredictOptions = {},
): Tensor {
  const op = "predict";
  checkModel(op, model);
  checkTensor(op, "inputs", inputs);
  if (inputs.shape.length === 0) throw new ShapeError(op, "inputs need a batch axis: expected [N, …]");
  checkOptionKeys(op, options, ["batchSize", "state"]);
  const count = inputs.shape[0]!;
  const batchSize = integerOption(op, "options.batchSize", options?.batchSize, 1, 1024);
  const state = readState(op, model, options?.state, inputs.dtype);
  const gatherer = new RowGatherer(inputs, Math.min(batchSize, Math.max(count, 1)));
  let output: Float32Array | Float64Array | undefined;
  let sampleShape: readonly number[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const batch = model.apply(params, gatherer.gather(null, start, size), { training: false, state }).value;
    if (output === undefined) {
      sampleShape = batch.shape.slice(1);
      output = allocate(batch.dtype, count * (batch.data.length / size));
    }
    if (batch.shape[0] !== size) {
      throw new ShapeError(
        op,
        `the model returned ${formatShape(batch.shape)} for a batch of ${size}: the batch axis must be kept`,
      );
    }
    output.set(batch.data, (start * batch.data.length) / size);
  }
  if (output === undefined) {
    const empty = model.outputShape(inputs.shape.slice(1));
    return new Tensor(allocate(inputs.dtype, 0), [0, ...empty]);
  }
  return new Tensor(output, [count, ...sampleShape]);
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions extends PredictOptions {
  /** Reported as `loss` when given. */
  readonly loss?: LossFunction | LossName;
  /**
   * Metrics to report, each under its name (`accuracy`, …): built-in names or your own {@link
   * @descent/spec!Metric}s.
   */
  readonly metrics?: readonly (MetricName | Metric)[];
}

/**
 * Loss and metrics of the model on a dataset, in inference mode: `{ loss?, accuracy?, … }`. The loss is
 * computed once on all predictions (exact, not an average of batch averages).
 *
 * @example
 * evaluate(model, params, test, { loss: "softmaxCrossEntropyFromLogits", metrics: ["accuracy"] })
 * // { loss: 0.21, accuracy: 0.951 }
 */
export function evaluate(
  model: Model,
  params: ParamTree,
  data: TrainingData,
  options: EvaluateOptions = {},
): Record<string, number> {
  const op = "evaluate";
  checkModel(op, model);
  sampleCountOf(op, data, "data");
  checkOptionKeys(op, options, ["batchSize", "state", "loss", "metrics"]);
  const metrics = options?.metrics ?? [];
  if (!Array.isArray(metrics))
    throw new ValueError(
      op,
      `options.metrics is ${describe(metrics)}: pass an array of metric names or objects`,
    );
  const resolved = metrics.map((metric, index) => {
    if (typeof metric !== "string" && (typeof metric !== "object" || metric === null))
      throw new ValueError(
        op,
        `options.metrics[${index}] is ${describe(metric)}: pass a metric name or { name, compute }`,
      );
    return toMetric(metric);
  });
  const logs: Record<string, number> = {};
  evaluateInto(logs, "", model, params, readState(op, model, options?.state, data.inputs.dtype), data, {
    loss: options?.loss === undefined ? undefined : toLoss(op, options.loss),
    metrics: resolved,
    batchSize: integerOption(op, "options.batchSize", options?.batchSize, 1, 1024),
  });
  return logs;
}

/** Writes `<prefix>Loss` and `<prefix><Metric>` (or `loss`, `<metric>` without prefix) into `logs`. */
export function evaluateInto(
  logs: Record<string, number>,
  prefix: string,
  model: Model,
  params: ParamTree,
  state: ParamTree,
  data: TrainingData,
  options: {
    readonly loss: LossFunction | undefined;
    readonly metrics: readonly (MetricName | Metric)[];
    readonly batchSize: number;
  },
): void {
  const predictions = predict(model, params, data.inputs, { batchSize: options.batchSize, state });
  const key = (name: string) => (prefix === "" ? name : `${prefix}${name[0]!.toUpperCase()}${name.slice(1)}`);
  if (options.loss) {
    const value = options.loss(stopGradient(predictions), data.targets);
    logs[key("loss")] =
      typeof value === "number" ? value : isTraced(value) ? value.value.data[0]! : value.data[0]!;
  }
  for (const entry of options.metrics) {
    const metric = toMetric(entry);
    logs[key(metric.name)] = metric.compute(predictions, data.targets);
  }
}
