import type {
  GradientTransformation,
  Regularizer,
  ScalarOrSchedule,
  Tensor as TensorLike,
} from "@descent/spec";
import { assertTensorLike, Tensor, treeMap, ValueError } from "@descent/tensor";
import type { ElementwiseRegularizer } from "./elementwise.js";
import { allocateLike, parameterAt } from "./leaves.js";
import { resolveSelection, SELECTION_OPTIONS, type SelectionOptions } from "./selection.js";
import { assertFunction, assertNonNegative, assertOptions, show } from "./validate.js";

/** State of a transformation that keeps none (JSON: `{}`). */
export type EmptyState = Readonly<Record<string, never>>;

/** State of a transformation that counts its steps (to evaluate a learning-rate schedule). */
export interface StepState {
  /** Number of `update` calls so far (0-based step of the next call). */
  readonly step: number;
}

/**
 * A regularizer as a gradient transformation: `updates = gradients + ∂R/∂θ`.
 *
 * Where it sits in a chain decides what it means. First in the chain, before Adam-style scaling,
 * `asTransform(l2(λ))` is *coupled* L2 (PyTorch `Adam(weight_decay=λ)`): the decay is rescaled by
 * Adam's per-parameter step sizes. For AdamW-style decay, use `addDecayedWeights(λ)` from
 * `@descent/optimizers` after the scaling instead.
 *
 * @example
 * ```ts
 * // coupled L2 + Adam, with the optimizers package:
 * const optimizer = chain(asTransform(l2(1e-4)), scaleByAdam(), scaleByLearningRate(1e-3));
 * ```
 */
export function asTransform(regularizer: Regularizer): GradientTransformation<EmptyState> {
  if (typeof regularizer !== "object" || regularizer === null || typeof regularizer.name !== "string") {
    throw new ValueError(
      "asTransform",
      `regularizer ${show(regularizer)} must be a regularizer such as l2(1e-4) (an object with name, penalty and gradient)`,
    );
  }
  assertFunction("asTransform", "regularizer.gradient", regularizer.gradient, "(params) => gradients");
  const fused = (regularizer as Partial<ElementwiseRegularizer>).addGradientTo;
  return {
    init: () => ({}),
    update(gradients, state, params) {
      if (typeof fused === "function") return { updates: fused(gradients, params), state };
      const penaltyGradients = regularizer.gradient(params);
      const updates = treeMap(
        gradients,
        (gradient, path) => {
          const extra = parameterAt(regularizer.name, penaltyGradients, path, gradient.shape);
          const sum = allocateLike(gradient.data);
          for (let i = 0; i < sum.length; i++) sum[i] = gradient.data[i]! + extra.data[i]!;
          return new Tensor(sum, gradient.shape);
        },
        { op: regularizer.name },
      );
      return { updates, state };
    },
  };
}

/** Options of {@link proximalL1}. */
export interface ProximalL1Options extends SelectionOptions {
  /** The learning rate `η` of the step this prox follows (number or schedule): threshold `τ = η·λ`. */
  readonly learningRate: ScalarOrSchedule;
}

/**
 * Proximal L1 step (soft-thresholding, ISTA): place it LAST in a chain, after the learning-rate
 * scaling, instead of adding `l1` to the loss.
 *
 * With `z = w + update` the tentative new weight and `τ = learningRate · strength`:
 * `w_new = sign(z) · max(|z| − τ, 0)`, returned as the delta `w_new − w`. Every weight whose
 * tentative value lies in `[−τ, τ]` — in particular one the L1 pull would carry across zero —
 * becomes exactly `0` (the delta is `−w`, and `w + (−w)` is exactly `0` in floating point).
 *
 * @param strength `λ ≥ 0` of the penalty `λ‖w‖₁`.
 * @example
 * ```ts
 * const optimizer = chain(scaleByLearningRate(0.1), proximalL1(1e-3, { learningRate: 0.1 }));
 * ```
 */
export function proximalL1(strength: number, options: ProximalL1Options): GradientTransformation<StepState> {
  const op = "proximalL1";
  assertNonNegative(op, "strength", strength);
  if (typeof options !== "object" || options === null) {
    throw new ValueError(
      op,
      `options ${show(options)} must be an object { learningRate, include?, exclude? }`,
    );
  }
  assertOptions(op, options, [...SELECTION_OPTIONS, "learningRate"]);
  if (options.learningRate === undefined) {
    throw new ValueError(op, "options.learningRate is required: the threshold is learningRate · strength");
  }
  validateLearningRate(op, options.learningRate);
  const selects = resolveSelection(op, options);
  return {
    init: () => ({ step: 0 }),
    validateState: (state, _params, path) => checkStepState(op, state, path),
    update(updates, state, params) {
      const step = checkStepState(op, state, "state").step;
      const threshold = strength * learningRateAt(op, options.learningRate, step);
      const result = treeMap(
        updates,
        (update, path) => {
          const parameter = parameterAt(op, params, path, update.shape);
          if (!selects(path, parameter)) return update;
          const weights = parameter.data;
          const delta = update.data;
          const out = allocateLike(delta);
          for (let i = 0; i < out.length; i++) {
            const w = weights[i]!;
            const z = w + delta[i]!;
            if (z > threshold) out[i] = z - threshold - w;
            else if (z < -threshold) out[i] = z + threshold - w;
            else if (!Number.isNaN(z)) out[i] = -w;
            else out[i] = z;
          }
          return new Tensor(out, update.shape);
        },
        { op },
      );
      return { updates: result, state: { step: state.step + 1 } };
    },
  };
}

/**
 * Soft-thresholding, the proximal operator of `τ‖w‖₁`: `sign(w) · max(|w| − τ, 0)`.
 *
 * Values in `[−τ, τ]` become exactly `0`.
 *
 * @example
 * ```ts
 * softThreshold(tensor([-2, -0.5, 0.3, 3]), 1).toArray(); // [-1, 0, 0, 2]
 * ```
 */
export function softThreshold(tensor: TensorLike, threshold: number): Tensor {
  assertTensorLike("softThreshold", tensor, "tensor");
  assertNonNegative("softThreshold", "threshold", threshold);
  const input = tensor.data;
  const out = allocateLike(input);
  for (let i = 0; i < out.length; i++) {
    const w = input[i]!;
    out[i] = w > threshold ? w - threshold : w < -threshold ? w + threshold : Number.isNaN(w) ? w : 0;
  }
  return new Tensor(out, tensor.shape);
}

/** A {@link StepState} from outside (a checkpoint) or passed to `update`: `step` is a whole number ≥ 0. */
function checkStepState(op: string, state: unknown, path: string): StepState {
  const step =
    typeof state === "object" && state !== null && Object.hasOwn(state, "step")
      ? (state as StepState).step
      : undefined;
  if (typeof step !== "number" || !Number.isSafeInteger(step) || step < 0) {
    throw new ValueError(
      op,
      `${path}.step = ${show(step)} breaks the rule "a step count is a whole number ≥ 0": pass the state returned by init or by the last update`,
    );
  }
  return state as StepState;
}

function validateLearningRate(op: string, learningRate: ScalarOrSchedule | undefined): void {
  if (learningRate === undefined || typeof learningRate === "function") return;
  assertNonNegative(op, "learningRate", learningRate);
}

function learningRateAt(op: string, learningRate: ScalarOrSchedule, step: number): number {
  if (typeof learningRate === "number") return learningRate;
  const value = learningRate(step);
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ValueError(
      op,
      `the learning-rate schedule returned ${String(value)} at step ${step}: it must return a finite number ≥ 0`,
    );
  }
  return value;
}
