import type { GradientTransformation, Tensor as TensorLike } from "@descent/spec";
import { z } from "zod";
import { gradientLeaves, nextStateData, updatesTree } from "../core/leaves.js";
import { requireState, requireStateCount, requireTransformation } from "../core/validate.js";
import { flag, stateRules, stepCount } from "../state/rules.js";

const CONSECUTIVE_RULE = "consecutiveSkippedSteps is at most skippedSteps";

/** State of {@link applyIfFinite}: skip counters and the inner state (untouched by a skipped step). */
export interface ApplyIfFiniteState<Inner> {
  /** Steps skipped since the start. */
  readonly skippedSteps: number;
  /** Steps skipped in a row, up to and including the last one (0 after a finite step). */
  readonly consecutiveSkippedSteps: number;
  /** Whether the last step's gradients were all finite. */
  readonly lastStepFinite: boolean;
  /** The inner transformation's state, untouched by a skipped step. */
  readonly inner: Inner;
}

/**
 * Skips any step whose gradients hold a NaN or ±Infinity: such a step returns zero updates and leaves the
 * inner state as it was (moments are not polluted), and the skip is counted in the state. Otherwise it is
 * `transform`'s step. (The gradients are checked, as PyTorch's `GradScaler` does, before the inner update runs.)
 *
 * @example
 * ```ts
 * const optimizer = applyIfFinite(adam({ learningRate: 1e-3 }));
 * // … state.skippedSteps counts the steps dropped for non-finite gradients.
 * ```
 */
export function applyIfFinite<Inner>(
  transform: GradientTransformation<Inner>,
): GradientTransformation<ApplyIfFiniteState<Inner>> {
  const op = "applyIfFinite";
  requireTransformation(op, "transform", transform);
  const ownRules = stateRules<ApplyIfFiniteState<Inner>>(
    op,
    z
      .object({ skippedSteps: stepCount, consecutiveSkippedSteps: stepCount, lastStepFinite: flag })
      .refine((state) => state.consecutiveSkippedSteps <= state.skippedSteps, {
        error: CONSECUTIVE_RULE,
        path: ["consecutiveSkippedSteps"],
      }),
  );
  return {
    validateState: (state, params, path) => {
      const checked = ownRules(state, params, path);
      transform.validateState?.(checked.inner, params, `${path}.inner`);
      return checked;
    },
    init: (params) => ({
      skippedSteps: 0,
      consecutiveSkippedSteps: 0,
      lastStepFinite: true,
      inner: transform.init(params),
    }),
    update: (gradients, state, params) => {
      requireState(op, state);
      const leaves = gradientLeaves(op, gradients);
      if (!allFinite(leaves.flat.leaves)) {
        return {
          updates: updatesTree(
            leaves,
            leaves.flat.leaves.map((leaf) => nextStateData(leaf)),
          ),
          state: {
            skippedSteps: requireStateCount(op, "state.skippedSteps", state.skippedSteps) + 1,
            consecutiveSkippedSteps:
              requireStateCount(op, "state.consecutiveSkippedSteps", state.consecutiveSkippedSteps) + 1,
            lastStepFinite: false,
            inner: state.inner,
          },
        };
      }
      const result = transform.update(gradients, state.inner, params);
      return {
        updates: result.updates,
        state: {
          skippedSteps: state.skippedSteps,
          consecutiveSkippedSteps: 0,
          lastStepFinite: true,
          inner: result.state,
        },
      };
    },
  };
}

function allFinite(leaves: readonly TensorLike[]): boolean {
  for (const leaf of leaves) {
    const values = leaf.data;
    // x − x is 0 for every finite x and NaN for NaN and ±Infinity.
    for (let i = 0; i < values.length; i++) if (values[i]! - values[i]! !== 0) return false;
  }
  return true;
}
