import type { FusedStepOptions, GradientTransformation, ParamTree, ScalarOrSchedule } from "@descent/spec";
import { allocate, Tensor, treeFlatten, treeUnflatten } from "@descent/tensor";
import { z } from "zod";
import { scaledApply } from "../core/scaled-apply.js";
import type { EmptyState } from "../core/types.js";
import {
  evaluateNonNegative,
  rejectUnknownOptions,
  requireBoolean,
  requireFinite,
  requireFunction,
  requireScalarOrSchedule,
  requireState,
  requireStateCount,
  requireTreeLayout,
} from "../core/validate.js";
import { stateRules, stepCount } from "../state/rules.js";

/** State of {@link scaleByLearningRate}: the number of updates done so far (the schedule's step). */
export interface ScaleByLearningRateState {
  /** Updates done so far: the step passed to the learning-rate schedule. */
  readonly count: number;
}

/** `factor · gradients` in one pass, into new arrays. */
export function scaleTree(op: string, gradients: ParamTree, factor: number): ParamTree {
  const flat = treeFlatten(gradients, { op, name: "gradients" });
  const leaves = flat.leaves.map((leaf) => {
    const input = leaf.data;
    const output = allocate(leaf.dtype, input.length);
    for (let i = 0; i < input.length; i++) output[i] = factor * input[i]!;
    return new Tensor(output, leaf.shape);
  });
  return treeUnflatten(flat.structure, leaves);
}

/**
 * Passes the gradients through unchanged: `updates = g`. Stateless. Declares `passesGradientsThrough`, so
 * a chain of `identity()` parts and a fused last part still hands back the gradients' arrays for reuse.
 *
 * @example
 * ```ts
 * const noDecay = weightDecay > 0 ? addDecayedWeights(weightDecay) : identity();
 * ```
 */
export function identity(): GradientTransformation<EmptyState> {
  return {
    init: () => ({}),
    update: (gradients, state) => ({ updates: gradients, state }),
    passesGradientsThrough: true,
  };
}

/**
 * Multiplies the updates by a constant: `updates = factor · g`. Stateless.
 *
 * @example
 * ```ts
 * const ascent = chain(scaleByAdam(), scale(+1e-3)); // gradient *ascent*
 * ```
 */
export function scale(factor: number): GradientTransformation<EmptyState> {
  requireFinite("scale", "factor", factor);
  return {
    init: () => ({}),
    update: (gradients, state) => ({ updates: scaleTree("scale", gradients, factor), state }),
  };
}

/**
 * Multiplies the updates by minus the learning rate: `updates = −η_t · g`, where `η_t` is the
 * number or the schedule's value at step `t` (0 for the first update). The step count lives in the state.
 * Put it last in a chain: everything before it computes a direction, this turns it into a descent step.
 *
 * @param learningRate - η ≥ 0, or a schedule `(step) => η` (checked at every step).
 * @param options.flipSign - negate (default `true`, for descent); `false` gives `updates = +η_t · g`.
 * @example
 * ```ts
 * const optimizer = chain(scaleByAdam(), scaleByLearningRate(cosineDecay({ initialValue: 1e-3, decaySteps: 1000 })));
 * ```
 */
export function scaleByLearningRate(
  learningRate: ScalarOrSchedule,
  options: { readonly flipSign?: boolean } = {},
): GradientTransformation<ScaleByLearningRateState> {
  const op = "scaleByLearningRate";
  rejectUnknownOptions(op, options, ["flipSign"]);
  return learningRateStep(op, learningRate, requireBoolean(op, "flipSign", options.flipSign ?? true));
}

/** {@link scaleByLearningRate} reporting errors (a negative scheduled value, …) under the optimizer's name `op`. */
export function learningRateStep(
  op: string,
  learningRate: ScalarOrSchedule,
  flipSign = true,
): GradientTransformation<ScaleByLearningRateState> {
  requireScalarOrSchedule(op, "learningRate", learningRate);
  const sign = flipSign ? -1 : 1;
  return {
    init: () => ({ count: 0 }),
    validateState: stateRules(op, z.object({ count: stepCount })),
    update: (gradients, state) => {
      const count = stepCountOf(op, state);
      const rate = evaluateNonNegative(op, "learningRate", learningRate, count);
      return { updates: scaleTree(op, gradients, sign * rate), state: { count: count + 1 } };
    },
    // `θ − η·g` in one pass, rounding as `update` then `applyUpdates` do (see scaledApply).
    fusedApply: (gradients, state, params, options = {}) => {
      const count = stepCountOf(op, state);
      const rate = evaluateNonNegative(op, "learningRate", learningRate, count);
      const { scale, allocate: allocateParameter, layout } = fusedStepOptions(op, options);
      if (layout === undefined) treeFlatten(gradients, { op, name: "gradients" });
      const applied = scaledApply(op, gradients, params, sign * rate, scale, allocateParameter, layout);
      return { ...applied, state: { count: count + 1 }, gradientsReleased: true };
    },
    // `update` scales into new arrays and `fusedApply` writes new parameters: the gradients are not kept.
    releasesGradients: true,
  };
}

function stepCountOf(op: string, state: ScaleByLearningRateState): number {
  requireState(op, state);
  return requireStateCount(op, "state.count", state.count);
}

function fusedStepOptions(op: string, options: FusedStepOptions) {
  // allocateState and allocateUpdates are accepted and not needed: the state is a count, and there are no
  // parts before this one whose updates it would place.
  rejectUnknownOptions(op, options, ["scale", "allocate", "layout", "allocateState", "allocateUpdates"]);
  const scale = requireFinite(op, "options.scale", options.scale ?? 1);
  if (options.allocate !== undefined)
    requireFunction(
      op,
      "options.allocate",
      options.allocate,
      "(dtype, length) => Float32Array | Float64Array",
    );
  if (options.layout !== undefined) requireTreeLayout(op, "options.layout", options.layout);
  return { scale, allocate: options.allocate, layout: options.layout };
}
