import { add, mean, mul, type Operand, rsqrt, square, sub, type Traced } from "@descent/autodiff";
import type { FloatDType, ParamTree, RandomGenerator, Tensor as TensorLike } from "@descent/spec";
import { full, Tensor, ValueError } from "@descent/tensor";
import { ones, zeros } from "../initializers/initializers.js";
import { checkLastAxis } from "./operands.js";
import type { ApplyOptions, Layer, Params } from "./types.js";
import {
  checkApplyOptions,
  checkOptionKeys,
  checkParameter,
  describe,
  isObject,
  nameOption,
  operandTensor,
  ownValue,
} from "./validate.js";

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Added to the variance before the square root. Default `1e-5`. */
  readonly epsilon?: number;
  /**
   * Weight of the new batch in the running statistics, PyTorch's convention:
   * `running ← (1 − momentum)·running + momentum·batch`. Default `0.1` (Keras' `momentum=0.99` is `0.01` here).
   */
  readonly momentum?: number;
  /** Parameter-tree name (default `batchNorm_<n>` given by `sequential`). */
  readonly name?: string;
}

function checkFeatures(op: string, features: number): void {
  if (typeof features !== "number" || !Number.isSafeInteger(features) || features < 1)
    throw new ValueError(op, `features is ${describe(features)}: use a positive integer`);
}

/** `{ gamma, beta }` of a normalization layer, each checked to be `[features]`. */
function scaleAndShift(op: string, params: Params, features: number): [Operand, Operand] {
  const fix = `pass the tree made by init() of ${op}(${features})`;
  if (!isObject(params)) throw new ValueError(op, `params is ${describe(params)}: ${fix}`);
  return [
    checkParameter(op, "gamma", ownValue(params, "gamma"), [features], fix),
    checkParameter(op, "beta", ownValue(params, "beta"), [features], fix),
  ];
}

/**
 * Parameters of {@link batchNorm} and {@link layerNorm}: the scale `gamma` and shift `beta`, `[features]`
 * each. What `model.paramsOf(params, layer)` returns for them.
 *
 * @example
 * const { gamma, beta } = model.paramsOf(params, norm); // norm = batchNorm(64)
 */
export type NormalizationParams = { readonly gamma: TensorLike; readonly beta: TensorLike };

/**
 * Batch normalization over every axis but the last (features, or channels of NHWC images):
 * `y = γ · (x − μ) / √(σ² + ε) + β`.
 *
 * Training mode uses the batch's mean and (biased) variance and reports updated running statistics through
 * `options.onState` (the running variance uses the unbiased batch variance, as PyTorch); inference uses
 * the running statistics from `options.state`. Trainable `{ gamma, beta }`; non-trainable state
 * `{ runningMean, runningVariance }` (kept apart from the parameters, saved with the model).
 *
 * @example
 * const model = sequential([dense(20, 64), batchNorm(64), activation(relu()), dense(64, 2)]);
 */
export function batchNorm(features: number, options: BatchNormOptions = {}): Layer<NormalizationParams> {
  checkFeatures("batchNorm", features);
  checkOptionKeys("batchNorm", options, ["epsilon", "momentum", "name"]);
  nameOption("batchNorm", "options.name", options.name);
  const epsilon = options.epsilon ?? 1e-5;
  const momentum = options.momentum ?? 0.1;
  if (typeof momentum !== "number" || !(momentum >= 0 && momentum <= 1))
    throw new ValueError("batchNorm", `options.momentum is ${describe(momentum)}: use a value in [0, 1]`);
  if (typeof epsilon !== "number" || !(epsilon > 0) || !Number.isFinite(epsilon))
    throw new ValueError(
      "batchNorm",
      `options.epsilon is ${describe(epsilon)}: use a finite positive number`,
    );
  return {
    type: "batchNorm",
    name: options.name,
    hasParams: true,
    hasState: true,
    config: { type: "batchNorm", name: options.name, features, epsilon, momentum },
    init: (random: RandomGenerator, dtype?: FloatDType): NormalizationParams => ({
      gamma: ones()(random, [features], dtype),
      beta: zeros()(random, [features], dtype),
    }),
    initState: (dtype?: FloatDType): ParamTree => ({
      runningMean: full([features], 0, dtype),
      runningVariance: full([features], 1, dtype),
    }),
    apply(params: Params, input: Operand, applyOptions: ApplyOptions = {}): Traced {
      checkApplyOptions("batchNorm", applyOptions);
      const shape = operandTensor("batchNorm", "input", input).shape;
      checkLastAxis("batchNorm", shape, features, `${features} features`);
      const [gamma, beta] = scaleAndShift("batchNorm", params, features);
      const axes = shape.slice(0, -1).map((_, axis) => axis);
      if (applyOptions.training) {
        const batchMean = mean(input, axes, true);
        const centered = sub(input, batchMean);
        const batchVariance = mean(square(centered), axes, true);
        const normalized = mul(centered, rsqrt(add(batchVariance, epsilon)));
        if (applyOptions.onState) {
          const count = shape.slice(0, -1).reduce((product, size) => product * size, 1);
          applyOptions.onState(
            updatedStatistics(
              applyOptions.state,
              batchMean.value,
              batchVariance.value,
              count,
              momentum,
              features,
            ),
          );
        }
        return add(mul(normalized, gamma), beta);
      }
      const state = applyOptions.state;
      const stateFix =
        "inference mode needs the running statistics in options.state ({ runningMean, runningVariance }): pass model.initState() or the state returned by fit()";
      if (!isObject(state)) throw new ValueError("batchNorm", stateFix);
      const runningMean = checkParameter(
        "batchNorm",
        "runningMean",
        ownValue(state, "runningMean"),
        [features],
        stateFix,
      );
      const runningVariance = checkParameter(
        "batchNorm",
        "runningVariance",
        ownValue(state, "runningVariance"),
        [features],
        stateFix,
      );
      const scale = mul(rsqrt(add(runningVariance, epsilon)), gamma);
      return add(mul(sub(input, runningMean), scale), beta);
    },
    outputShape(inputShape) {
      checkLastAxis("batchNorm", [1, ...inputShape], features, `${features} features`);
      return [...inputShape];
    },
  };
}

function updatedStatistics(
  state: ParamTree | undefined,
  batchMean: TensorLike,
  batchVariance: TensorLike,
  count: number,
  momentum: number,
  features: number,
): ParamTree {
  const previous = (key: string): TensorLike | undefined => {
    const value = isObject(state) ? ownValue(state, key) : undefined;
    if (value === undefined) return undefined;
    checkParameter(
      "batchNorm",
      key,
      value,
      [features],
      "pass model.initState() or the state returned by fit()",
    );
    return value as TensorLike;
  };
  const previousMean = previous("runningMean");
  const previousVariance = previous("runningVariance");
  const dtype = batchMean.dtype;
  const newMean = dtype === "float64" ? new Float64Array(features) : new Float32Array(features);
  const newVariance = dtype === "float64" ? new Float64Array(features) : new Float32Array(features);
  const unbias = count > 1 ? count / (count - 1) : 1;
  for (let j = 0; j < features; j++) {
    const oldMean = previousMean ? previousMean.data[j]! : 0;
    const oldVariance = previousVariance ? previousVariance.data[j]! : 1;
    newMean[j] = (1 - momentum) * oldMean + momentum * batchMean.data[j]!;
    newVariance[j] = (1 - momentum) * oldVariance + momentum * batchVariance.data[j]! * unbias;
  }
  return {
    runningMean: new Tensor(newMean, [features]),
    runningVariance: new Tensor(newVariance, [features]),
  };
}

/**
 * Layer normalization over the last axis of each sample: `y = γ · (x − μ) / √(σ² + ε) + β` with `μ`, `σ²`
 * the mean and biased variance of the sample's features. Same in training and inference; `{ gamma, beta }`.
 *
 * @example
 * sequential([dense(32, 64), layerNorm(64), activation(gelu())])
 */
export function layerNorm(
  features: number,
  options: { readonly epsilon?: number; readonly name?: string } = {},
): Layer<NormalizationParams> {
  checkFeatures("layerNorm", features);
  checkOptionKeys("layerNorm", options, ["epsilon", "name"]);
  nameOption("layerNorm", "options.name", options.name);
  const epsilon = options.epsilon ?? 1e-5;
  if (typeof epsilon !== "number" || !(epsilon > 0) || !Number.isFinite(epsilon))
    throw new ValueError(
      "layerNorm",
      `options.epsilon is ${describe(epsilon)}: use a finite positive number`,
    );
  return {
    type: "layerNorm",
    name: options.name,
    hasParams: true,
    hasState: false,
    config: { type: "layerNorm", name: options.name, features, epsilon },
    init: (random: RandomGenerator, dtype?: FloatDType): NormalizationParams => ({
      gamma: ones()(random, [features], dtype),
      beta: zeros()(random, [features], dtype),
    }),
    initState: () => ({}),
    apply(params: Params, input: Operand): Traced {
      const shape = operandTensor("layerNorm", "input", input).shape;
      checkLastAxis("layerNorm", shape, features, `${features} features`);
      const [gamma, beta] = scaleAndShift("layerNorm", params, features);
      const last = shape.length - 1;
      const centered = sub(input, mean(input, last, true));
      const normalized = mul(centered, rsqrt(add(mean(square(centered), last, true), epsilon)));
      return add(mul(normalized, gamma), beta);
    },
    outputShape(inputShape) {
      checkLastAxis("layerNorm", [1, ...inputShape], features, `${features} features`);
      return [...inputShape];
    },
  };
}
