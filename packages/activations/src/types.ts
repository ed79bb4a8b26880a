import type { Operand, Traced } from "@descent/autodiff";
import type { Activation, Tensor as TensorLike } from "@descent/spec";
import type { Tensor } from "@descent/tensor";

/** A float typed array: the data of a float32 or float64 tensor. */
export type FloatArray = Float32Array | Float64Array;

/** What a saved model or a UI stores to rebuild an activation with {@link getActivation}. */
export interface ActivationConfig {
  /** The activation's registered name (`"leakyRelu"`). */
  readonly name: string;
  /** Its options as plain JSON (`{ alpha: 0.2 }`), `{}` when it has none. */
  readonly options: Readonly<Record<string, number | string>>;
}

/** What every activation of the registry offers, element-wise or along an axis (softmax). */
export interface NamedActivation<Options extends object = object> {
  /** Stable identifier used in saved models: the key of {@link activations}. */
  readonly name: string;
  /** Every option, defaults filled in (JSON-safe): `getActivation(a.name, a.options)` rebuilds `a`. */
  readonly options: Readonly<Required<Options>>;
  /**
   * The activation as a differentiable op of `@descent/autodiff` (a `customOp` whose forward and
   * backward are the fast kernels). First-order: its gradient cannot be differentiated again.
   */
  apply(x: Operand): Traced;
  /** The activation on a plain tensor (no gradient tracking); same dtype and shape. */
  compute(x: TensorLike): Tensor;
  /** `{ name, options }` for saved models. */
  toJSON(): ActivationConfig;
}

/**
 * An element-wise activation of descent: the `Activation` interface of `@descent/spec` (scalar
 * `value` / `derivative`, vectorized `forward` / `backward` over typed arrays) plus its resolved
 * options, a differentiable `apply` and tensor-level helpers.
 */
export interface ElementwiseActivation<Options extends object = object>
  extends Activation,
    NamedActivation<Options> {}
