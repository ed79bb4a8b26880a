import type { FloatDType, GradientTransformation, ParamTree } from "@descent/spec";

// Why this exists: a training step is `updates = optimizer.update(g)` then `params + updates`, two passes
// over every parameter and one array per parameter that lives for a moment. When the last transform of
// a chain is a learning-rate step, both passes fuse into one that writes the new parameters directly.
// Built-in transforms register their fused form here; user transforms never have one, so they keep the
// plain path. The numbers are those of the plain path, bit for bit (same roundings, same order).

/** Options of a fused step. */
export interface FusedStepOptions {
  /** Extra factor on the updates (`params + scale·updates`), applied after the optimizer's own scaling. Default 1. */
  readonly scale?: number;
  /** Where to write each new parameter (any contents; every element is overwritten). Default: a new array. */
  readonly allocate?: (dtype: FloatDType, length: number) => Float32Array | Float64Array;
}

/** Result of a fused step. */
export interface FusedStepResult<State> {
  /** `params + scale·updates`, in new arrays (the inputs are never written). */
  readonly params: ParamTree;
  /** The optimizer's next state, as `update` would return it. */
  readonly state: State;
  /** True when every gradient and every new parameter is finite (NaN and ±∞ make it false). */
  readonly finite: boolean;
  /**
   * True when nothing returned (parameters, state) refers to the gradients' arrays, so the caller may
   * recycle them; false when a transform may have kept them.
   */
  readonly gradientsReleased: boolean;
}

/** A one-pass `params + scale·optimizer.update(gradients)`; see {@link FusedStepResult}. */
export type FusedStep<State> = (
  gradients: ParamTree,
  state: State,
  params: ParamTree,
  options?: FusedStepOptions,
) => FusedStepResult<State>;

const fusedSteps = new WeakMap<object, FusedStep<unknown>>();
/** Transforms whose updates are their gradients, untouched and unretained (`identity`). */
const passThrough = new WeakSet<object>();

/** Registers the fused step of a built-in transformation. */
export function withFusedStep<State>(
  transform: GradientTransformation<State>,
  step: FusedStep<State>,
): GradientTransformation<State> {
  fusedSteps.set(transform, step as FusedStep<unknown>);
  return transform;
}

/** The registered fused step of `transform`, if any. */
export function registeredFusedStep<State>(
  transform: GradientTransformation<State>,
): FusedStep<State> | undefined {
  return fusedSteps.get(transform) as FusedStep<State> | undefined;
}

/** Marks a built-in transformation that returns its gradients as its updates and keeps nothing of them. */
export function markPassThrough<State>(
  transform: GradientTransformation<State>,
): GradientTransformation<State> {
  passThrough.add(transform);
  return transform;
}

/** True for a transform registered with {@link markPassThrough}. */
export function isPassThrough(transform: GradientTransformation<unknown>): boolean {
  return passThrough.has(transform);
}
