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
  /** Options of {@link relu}. */
  relu: ReluOptions;
  /** Options of {@link leakyRelu}. */
  leakyRelu: LeakyReluOptions;
  /** Options of {@link elu}. */
  elu: EluOptions;
  /** Options of {@link selu}. */
  selu: SeluOptions;
  /** Options of {@link celu}. */
  celu: CeluOptions;
  /** Options of {@link gelu}. */
  gelu: GeluOptions;
  /** {@link silu} takes no options (`{}`). */
  silu: NoOptions;
  /** {@link swish} takes no options (`{}`). */
  swish: NoOptions;
  /** {@link mish} takes no options (`{}`). */
  mish: NoOptions;
  /** {@link sigmoid} takes no options (`{}`). */
  sigmoid: NoOptions;
  /** Options of {@link hardSigmoid}. */
  hardSigmoid: HardSigmoidOptions;
  /** {@link tanh} takes no options (`{}`). */
  tanh: NoOptions;
  /** Options of {@link hardTanh}. */
  hardTanh: HardTanhOptions;
  /** Options of {@link relu6}. */
  relu6: Relu6Options;
  /** Options of {@link softplus}. */
  softplus: SoftplusOptions;
  /** {@link softsign} takes no options (`{}`). */
  softsign: NoOptions;
  /** {@link linear} takes no options (`{}`). */
  linear: NoOptions;
  /** {@link logSigmoid} takes no options (`{}`). */
  logSigmoid: NoOptions;
  /** Options of {@link softmaxActivation}. */
  softmax: SoftmaxOptions;
  /** Options of {@link logSoftmaxActivation}. */
  logSoftmax: SoftmaxOptions;
}

/**
 * A registered activation's name: a union of the built-in names (no `string`), so a misspelt name such as
 * `"rleu"` is a compile error. Your own activations are passed as objects, never by name.
 *
 * @example
 * const name: ActivationName = "leakyRelu";
 */
export type ActivationName = keyof ActivationOptionsByName;

/**
 * The names of the element-wise activations (every name but `softmax` and `logSoftmax`, which work along
 * an axis): `getActivation` of one of them is an `ElementwiseActivation`, so they swap freely.
 *
 * @example
 * let hidden: ElementwiseActivation = getActivation(settings.activation as ElementwiseActivationName);
 */
export type ElementwiseActivationName = Exclude<ActivationName, "softmax" | "logSoftmax">;

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
 * @throws `ValueError` (from `@descent/tensor`) for an unknown name (listing the valid names) or an unknown option.
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
// The name is checked at run time too: JavaScript callers and names cast from files reach here unchecked.
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

/**
 * Whether `value` is the name of a registered activation: the guard that turns a name from a file, a URL or
 * a UI (a `string`) into an {@link ActivationName} that {@link getActivation} accepts. Own names only
 * (`"constructor"`, `"__proto__"` are not names).
 *
 * @example
 * const name: string = JSON.parse(text).activation;
 * if (isActivationName(name)) getActivation(name); // else report the unknown name
 */
export function isActivationName(value: unknown): value is ActivationName {
  return typeof value === "string" && Object.hasOwn(activations, value);
}
