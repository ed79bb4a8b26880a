import type { GradientTransformation, Mask, ScalarOrSchedule } from "@descent/spec";
import { chain } from "../combine/chain.js";
import type { EmptyState } from "../core/types.js";
import {
  rejectUnknownOptions,
  requireBoolean,
  requireNonNegative,
  requirePositive,
  requireScalarOrSchedule,
  requireUnitInterval,
} from "../core/validate.js";
import {
  type ScaleByAdamaxState,
  type ScaleByAdamState,
  scaleByAdam,
  scaleByAdamax,
} from "../transforms/adam.js";
import {
  type ScaleByNadamState,
  type ScaleByRadamState,
  scaleByNadam,
  scaleByRadam,
} from "../transforms/adam-variants.js";
import { type ScaleByLionState, scaleByLion } from "../transforms/lion.js";
import { identity, learningRateStep, type ScaleByLearningRateState } from "../transforms/scale.js";
import { addDecayedWeights } from "../transforms/weight-decay.js";
import { decayOrIdentity } from "./sgd.js";

/** Options shared by the Adam family. */
export interface AdamOptions {
  /** η ≥ 0 or a schedule. Default 1e-3. */
  readonly learningRate?: ScalarOrSchedule;
  /** β1 ∈ [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** β2 ∈ [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** ε > 0, outside the square root. Default 1e-8. */
  readonly epsilon?: number;
  /** ε_root ≥ 0, inside the square root. Default 0. */
  readonly epsilonRoot?: number;
  /** AMSGrad's running maximum (PyTorch's form). Default false. */
  readonly amsgrad?: boolean;
  /** Weight decay λ ≥ 0: coupled L2 for `adam` (PyTorch `Adam`), decoupled for `adamw`. Default 0 (`adamw`: 0.01). */
  readonly weightDecay?: number;
}

/** State of {@link adam} and {@link amsgrad}: `[weight decay, Adam moments, learning rate]`. */
export type AdamState = readonly [EmptyState, ScaleByAdamState, ScaleByLearningRateState];
/** State of {@link adamw}: `[Adam moments, weight decay, learning rate]`. */
export type AdamwState = readonly [ScaleByAdamState, EmptyState, ScaleByLearningRateState];

const adamOptionNames = [
  "learningRate",
  "beta1",
  "beta2",
  "epsilon",
  "epsilonRoot",
  "amsgrad",
  "weightDecay",
];

function adamParts(op: string, options: AdamOptions, defaultWeightDecay: number, forceAmsgrad: boolean) {
  const learningRate = requireScalarOrSchedule(op, "learningRate", options.learningRate ?? 1e-3);
  const beta1 = requireUnitInterval(op, "beta1", options.beta1 ?? 0.9);
  const beta2 = requireUnitInterval(op, "beta2", options.beta2 ?? 0.999);
  const epsilon = requirePositive(op, "epsilon", options.epsilon ?? 1e-8);
  const epsilonRoot = requireNonNegative(op, "epsilonRoot", options.epsilonRoot ?? 0);
  const amsgrad = forceAmsgrad || requireBoolean(op, "amsgrad", options.amsgrad ?? false);
  const weightDecay = requireNonNegative(op, "weightDecay", options.weightDecay ?? defaultWeightDecay);
  return {
    scaling: scaleByAdam({ beta1, beta2, epsilon, epsilonRoot, amsgrad }),
    step: learningRateStep(op, learningRate),
    weightDecay,
  };
}

/**
 * Adam (Kingma & Ba 2015), as PyTorch `Adam`: `g' = g + λ·θ` (coupled L2), `m_t = β1·m + (1−β1)·g'`,
 * `v_t = β2·v + (1−β2)·g'²`, `θ ← θ − η · (m_t/(1−β1^t)) / (√(v_t/(1−β2^t)) + ε)`.
 * Equal to `chain(addDecayedWeights(λ), scaleByAdam(…), scaleByLearningRate(η))`.
 *
 * @throws `ValueError` naming the option for η < 0 or NaN, β outside [0, 1), ε ≤ 0, λ < 0.
 * @example
 * ```ts
 * const optimizer = adam({ learningRate: 1e-3 });
 * ```
 */
export function adam(options: AdamOptions = {}): GradientTransformation<AdamState> {
  const op = "adam";
  rejectUnknownOptions(op, options, adamOptionNames);
  const { scaling, step, weightDecay } = adamParts(op, options, 0, false);
  return chain(decayOrIdentity(weightDecay), scaling, step);
}

/**
 * AMSGrad (Reddi et al. 2018): {@link adam} with `amsgrad: true`, as PyTorch —
 * `v̂_max = max(v̂_max, v_t)`, `θ ← θ − η · (m_t/(1−β1^t)) / (√(v̂_max/(1−β2^t)) + ε)`.
 *
 * @example
 * ```ts
 * const optimizer = amsgrad({ learningRate: 1e-3 });
 * ```
 */
export function amsgrad(options: Omit<AdamOptions, "amsgrad"> = {}): GradientTransformation<AdamState> {
  const op = "amsgrad";
  rejectUnknownOptions(
    op,
    options,
    adamOptionNames.filter((name) => name !== "amsgrad"),
  );
  const { scaling, step, weightDecay } = adamParts(op, options, 0, true);
  return chain(decayOrIdentity(weightDecay), scaling, step);
}

/**
 * AdamW (Loshchilov & Hutter 2019), as PyTorch `AdamW`: Adam's step plus decoupled weight decay
 * `θ ← θ − η·λ·θ − η · m̂/(√v̂ + ε)` — the decay is `η·λ·θ`, scaled by the learning rate as in PyTorch
 * (not `λ·θ` as in the paper's schedule-multiplier form). Equal to
 * `chain(scaleByAdam(…), addDecayedWeights(λ, mask), scaleByLearningRate(η))`.
 *
 * @param options.weightDecay - λ ≥ 0. Default 0.01 (PyTorch).
 * @param options.mask - parameters to decay (default all), e.g. `(path) => path.at(-1) !== "bias"`.
 * @example
 * ```ts
 * const optimizer = adamw({ learningRate: 1e-3, weightDecay: 0.01, mask: (path) => path.at(-1) !== "bias" });
 * ```
 */
export function adamw(
  options: AdamOptions & { readonly mask?: Mask } = {},
): GradientTransformation<AdamwState> {
  const op = "adamw";
  rejectUnknownOptions(op, options, [...adamOptionNames, "mask"]);
  const { scaling, step, weightDecay } = adamParts(op, options, 0.01, false);
  return chain(scaling, weightDecay > 0 ? addDecayedWeights(weightDecay, options.mask) : identity(), step);
}

/** State of {@link adamax}: `[weight decay, Adamax moments, learning rate]`. */
export type AdamaxState = readonly [EmptyState, ScaleByAdamaxState, ScaleByLearningRateState];

/**
 * Adamax (Kingma & Ba 2015, §7.1), as PyTorch: `m_t = β1·m + (1−β1)·g`, `u_t = max(β2·u, |g| + ε)`,
 * `θ ← θ − η/(1−β1^t) · m_t/u_t` (`g` includes `λ·θ` when weightDecay > 0).
 *
 * @param options.learningRate - η. Default 2e-3 (PyTorch).
 * @example
 * ```ts
 * const optimizer = adamax({ learningRate: 2e-3 });
 * ```
 */
export function adamax(
  options: Omit<AdamOptions, "amsgrad" | "epsilonRoot"> = {},
): GradientTransformation<AdamaxState> {
  const op = "adamax";
  rejectUnknownOptions(op, options, ["learningRate", "beta1", "beta2", "epsilon", "weightDecay"]);
  const learningRate = requireScalarOrSchedule(op, "learningRate", options.learningRate ?? 2e-3);
  const beta1 = requireUnitInterval(op, "beta1", options.beta1 ?? 0.9);
  const beta2 = requireUnitInterval(op, "beta2", options.beta2 ?? 0.999);
  const epsilon = requirePositive(op, "epsilon", options.epsilon ?? 1e-8);
  const weightDecay = requireNonNegative(op, "weightDecay", options.weightDecay ?? 0);
  return chain(
    decayOrIdentity(weightDecay),
    scaleByAdamax({ beta1, beta2, epsilon }),
    learningRateStep(op, learningRate),
  );
}

/** State of {@link nadam}: `[weight decay, NAdam moments, learning rate]`. */
export type NadamState = readonly [EmptyState, ScaleByNadamState, ScaleByLearningRateState];

/**
 * NAdam (Dozat 2016) in PyTorch's formulation with the momentum schedule `μ_t = β1·(1 − ½·0.96^{tψ})`:
 * `θ ← θ − η·[(1−μ_t)/(1−∏μ) · g + μ_{t+1}/(1−∏μ·μ_{t+1}) · m_t] / (√(v_t/(1−β2^t)) + ε)`. See {@link scaleByNadam}.
 *
 * @param options.learningRate - η. Default 2e-3 (PyTorch).
 * @param options.momentumDecay - ψ ≥ 0. Default 0.004.
 * @example
 * ```ts
 * const optimizer = nadam({ learningRate: 2e-3 });
 * ```
 */
export function nadam(
  options: Omit<AdamOptions, "amsgrad" | "epsilonRoot"> & { readonly momentumDecay?: number } = {},
): GradientTransformation<NadamState> {
  const op = "nadam";
  rejectUnknownOptions(op, options, [
    "learningRate",
    "beta1",
    "beta2",
    "epsilon",
    "momentumDecay",
    "weightDecay",
  ]);
  const learningRate = requireScalarOrSchedule(op, "learningRate", options.learningRate ?? 2e-3);
  const beta1 = requireUnitInterval(op, "beta1", options.beta1 ?? 0.9);
  const beta2 = requireUnitInterval(op, "beta2", options.beta2 ?? 0.999);
  const epsilon = requirePositive(op, "epsilon", options.epsilon ?? 1e-8);
  const momentumDecay = requireNonNegative(op, "momentumDecay", options.momentumDecay ?? 0.004);
  const weightDecay = requireNonNegative(op, "weightDecay", options.weightDecay ?? 0);
  return chain(
    decayOrIdentity(weightDecay),
    scaleByNadam({ beta1, beta2, epsilon, momentumDecay }),
    learningRateStep(op, learningRate),
  );
}

/** State of {@link radam}: `[weight decay, RAdam moments, learning rate]`. */
export type RadamState = readonly [EmptyState, ScaleByRadamState, ScaleByLearningRateState];

/**
 * RAdam (Liu et al. 2020), as PyTorch: Adam whose adaptive term is switched on, and rectified by
 * `r_t`, once the variance estimate is tractable (`ρ_t > 5`); before that, SGD with bias-corrected momentum.
 * See {@link scaleByRadam} for the formula.
 *
 * @example
 * ```ts
 * const optimizer = radam({ learningRate: 1e-3 });
 * ```
 */
export function radam(
  options: Omit<AdamOptions, "amsgrad" | "epsilonRoot"> & { readonly threshold?: number } = {},
): GradientTransformation<RadamState> {
  const op = "radam";
  rejectUnknownOptions(op, options, [
    "learningRate",
    "beta1",
    "beta2",
    "epsilon",
    "threshold",
    "weightDecay",
  ]);
  const learningRate = requireScalarOrSchedule(op, "learningRate", options.learningRate ?? 1e-3);
  const beta1 = requireUnitInterval(op, "beta1", options.beta1 ?? 0.9);
  const beta2 = requireUnitInterval(op, "beta2", options.beta2 ?? 0.999);
  const epsilon = requirePositive(op, "epsilon", options.epsilon ?? 1e-8);
  const threshold = requireNonNegative(op, "threshold", options.threshold ?? 5);
  const weightDecay = requireNonNegative(op, "weightDecay", options.weightDecay ?? 0);
  return chain(
    decayOrIdentity(weightDecay),
    scaleByRadam({ beta1, beta2, epsilon, threshold }),
    learningRateStep(op, learningRate),
  );
}

/** State of {@link lion}: `[Lion momentum, weight decay, learning rate]`. */
export type LionState = readonly [ScaleByLionState, EmptyState, ScaleByLearningRateState];

/**
 * Lion (Chen et al. 2023): `θ ← θ − η·(sign(β1·m + (1−β1)·g) + λ·θ)`, `m ← β2·m + (1−β2)·g`
 * (decoupled weight decay, as the paper). Equal to
 * `chain(scaleByLion(…), addDecayedWeights(λ, mask), scaleByLearningRate(η))`.
 *
 * @param options.learningRate - η. Default 1e-4 (3–10× below Adam's: every step has unit size per element).
 * @param options.beta1 - Default 0.9. @param options.beta2 - Default 0.99.
 * @param options.weightDecay - λ ≥ 0 (decoupled). Default 0.
 * @example
 * ```ts
 * const optimizer = lion({ learningRate: 1e-4, weightDecay: 0.1 });
 * ```
 */
export function lion(
  options: {
    readonly learningRate?: ScalarOrSchedule;
    readonly beta1?: number;
    readonly beta2?: number;
    readonly weightDecay?: number;
    readonly mask?: Mask;
  } = {},
): GradientTransformation<LionState> {
  const op = "lion";
  rejectUnknownOptions(op, options, ["learningRate", "beta1", "beta2", "weightDecay", "mask"]);
  const learningRate = requireScalarOrSchedule(op, "learningRate", options.learningRate ?? 1e-4);
  const beta1 = requireUnitInterval(op, "beta1", options.beta1 ?? 0.9);
  const beta2 = requireUnitInterval(op, "beta2", options.beta2 ?? 0.99);
  const weightDecay = requireNonNegative(op, "weightDecay", options.weightDecay ?? 0);
  return chain(
    scaleByLion({ beta1, beta2 }),
    weightDecay > 0 ? addDecayedWeights(weightDecay, options.mask) : identity(),
    learningRateStep(op, learningRate),
  );
}
