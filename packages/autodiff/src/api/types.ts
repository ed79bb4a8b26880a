import type { Tensor as TensorLike } from "@descent/spec";
import type { Tensor } from "@descent/tensor";
import type { Traced } from "../core/traced.js";

/** A tree of traced values, as a differentiated function receives a {@link @descent/spec!ParamTree}. */
export interface TracedTree {
  readonly [name: string]: Traced | TracedTree;
}

/**
 * The traced counterpart of an argument: each tensor of `T` (a tensor or a tree of them) becomes a
 * {@link Traced}. Annotate a differentiated function with it: `(params: TracedOf<typeof params>) => …`.
 */
export type TracedOf<T> = T extends Traced
  ? Traced
  : T extends TensorLike
    ? Traced
    : T extends object
      ? { [K in keyof T]: TracedOf<T[K]> }
      : T;

/** What a caller may pass where the differentiated function receives `T`: a tensor or a traced value at each leaf. */
export type InputOf<T> = T extends Traced
  ? Traced | TensorLike
  : T extends object
    ? { readonly [K in keyof T]: InputOf<T[K]> }
    : T;

/**
 * The gradient for an argument `A`, keyed and nested like it: a `Tensor` for each plain tensor, a
 * {@link Traced} for each traced value (differentiation inside an enclosing `valueAndGrad`).
 */
export type GradientOf<A> = A extends Traced
  ? Traced
  : A extends TensorLike
    ? Tensor
    : A extends object
      ? { -readonly [K in keyof A]: GradientOf<A[K]> }
      : never;

/** `argnums`: which arguments to differentiate with respect to. */
export type Argnums = number | readonly number[];

type Selected<N extends Argnums> = N extends number ? N : N extends readonly number[] ? N[number] : never;

/** The arguments the function returned by `valueAndGrad(fn, { argnums })` accepts. */
export type ArgumentsOf<Params extends readonly unknown[], N extends Argnums> = {
  [I in keyof Params]: I extends `${Selected<N>}` ? InputOf<Params[I]> : Params[I];
};

/** The gradients for `argnums`: one tree for a single index, a tuple of trees for a list. */
export type GradientsOf<Args extends readonly unknown[], N extends Argnums> = N extends number
  ? GradientOf<Args[N]>
  : { -readonly [K in keyof N]: GradientOf<Args[N[K] & number]> };

type HasTraced<A> = A extends Traced
  ? true
  : A extends TensorLike
    ? false
    : A extends object
      ? true extends { [K in keyof A]-?: HasTraced<A[K]> }[keyof A]
        ? true
        : false
      : false;

/** The value's type: traced when a differentiated argument holds a traced value (nested differentiation). */
export type ValueOf<Args extends readonly unknown[], N extends Argnums> =
  true extends HasTraced<Args[Selected<N>]> ? Traced : Tensor;

/** Result of a function made by {@link valueAndGrad}. */
export interface ValueAndGradients<Value, Gradients> {
  /** The function's (scalar) value. */
  readonly value: Value;
  /** `∂value/∂argument`, keyed and nested like the argument(s). */
  readonly gradients: Gradients;
}

/** Options of {@link valueAndGrad} and {@link grad}. */
export interface GradientOptions<N extends Argnums = Argnums> {
  /** Index (or indices) of the arguments to differentiate with respect to; default 0. */
  readonly argnums?: N;
}
