import type { GradientTransformation } from "@descent/spec";

/** The state of a transformation that keeps none: `{}` (serializes as `{}`). */
export type EmptyState = { readonly [key: string]: never };

/** The state type of a transformation: `StateOf<GradientTransformation<S>>` is `S`. */
export type StateOf<T> = T extends GradientTransformation<infer State> ? State : never;

/** Tuple of the states of a tuple of transformations (the state of their {@link chain}). */
export type StatesOf<Transforms extends readonly GradientTransformation<unknown>[]> = {
  readonly [K in keyof Transforms]: StateOf<Transforms[K]>;
};
