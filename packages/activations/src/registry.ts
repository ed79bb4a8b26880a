import { ValueError } from "@descent/tensor";
import { type CeluOptions, celu, type EluOptions, elu, type SeluOptions, selu } from "./exponential.js";
import { type GeluOptions, gelu, mish, silu, swish } from "./gated.js";
import { describe } from "./options.js";
import {
  type HardSigmoidOptions,
  type HardTanhOptions,
  hardSigmoid,
  hardTanh,
  type LeakyReluOptions,
  leakyRelu,
  linear,
  type Relu6Options,
  type ReluOptions,
  relu,
  relu6,
} from "./piecewise-linear.js";
import { logSigmoid, type SoftplusOptions, sigmoid, softplus, softsign, tanh } from "./sigmoid-family.js";
import {
  type AxisActivation,
  logSoftmaxActivation,
  type SoftmaxOptions,
  softmaxActivation,
} from "./softmax.js";
import type { ElementwiseActivation } from "./types.js";

type NoOptions = Record<string, never>;

/** The options each registered activation accepts, by name. */
export interface ActivationOptionsByName {
  relu: ReluOptions;
  leakyRelu: LeakyReluOptions;
  elu: EluOptions;
  selu: SeluOptions;
  celu: CeluOptions;
  gelu: GeluOptions;
  silu: NoOptions;
  swish: NoOptions;
  mish: NoOptions;
  sigmoid: NoOptions;
  hardSigmoid: HardSigmoidOptions;
  tanh: NoOptions;
  hardTanh: HardTanhOptions;
  relu6: Relu6Options;
  softplus: SoftplusOptions;
  softsign: NoOptions;
  linear: NoOptions;
  logSigmoid: NoOptions;
  softmax: SoftmaxOptions;
  logSoftmax: SoftmaxOptions;
}

/** A registered activation's name. */
export type ActivationName = keyof ActivationOptionsByName;

/** The activation a registered name builds. */
export type ActivationByName = {
  [N in ActivationName]: N extends "softmax" | "logSoftmax"
    ? AxisActivation
    : ElementwiseActivation<ActivationOptionsByName[N]>;
};

/** Any activation of the registry. */
export type RegisteredActivation = ActivationByName[ActivationName];

/**
 * Every activation factory by name, for saved models and UIs (`"swish"` builds silu). Each takes
 * its options object.
 *
 * @example
 * ```ts
 * Object.keys(activations); // ["relu", "leakyRelu", …]
 * activations.leakyRelu({ alpha: 0.2 }).value(-1); // -0.2
 * ```
 */
export const activations: {
  readonly [N in ActivationName]: (options?: ActivationOptionsByName[N]) => ActivationByName[N];
} = Object.freeze({
  relu,
  leakyRelu: (options?: LeakyReluOptions) => leakyRelu(options),
  elu: (options?: EluOptions) => elu(options),
  selu,
  celu: (options?: CeluOptions) => celu(options),
  gelu,
  silu,
  swish,
  mish,
  sigmoid,
  hardSigmoid,
  tanh,
  hardTanh: (options?: HardTanhOptions) => hardTanh(options),
  relu6,
  softplus: (options?: SoftplusOptions) => softplus(options),
  softsign,
  linear,
  logSigmoid,
  softmax: softmaxActivation,
  logSoftmax: logSoftmaxActivation,
});

/**
 * Builds a registered activation from its name and options, e.g. from a saved model's
 * `{ name, options }` (what `activation.toJSON()` gives).
 *
 * @throws {@link @descent/tensor!ValueError} for an unknown name (listing the valid names) or an unknown option.
 * @example
 * ```ts
 * const activation = getActivation("leakyRelu", { alpha: 0.2 });
 * getActivation(activation.name, activation.options); // the same activation again
 * ```
 */
export function getActivation<N extends ActivationName>(
  name: N,
  options?: ActivationOptionsByName[N],
): ActivationByName[N];
export function getActivation(name: string, options?: object): RegisteredActivation;
export function getActivation(name: string, options?: object): RegisteredActivation {
  if (typeof name !== "string" || !Object.hasOwn(activations, name)) {
    throw new ValueError(
      "getActivation",
      `unknown activation ${describe(name)}: valid names are ${Object.keys(activations).join(", ")}`,
    );
  }
  const factory = activations[name as ActivationName] as (options?: object) => RegisteredActivation;
  return factory(options);
}
