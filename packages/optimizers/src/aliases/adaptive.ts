import type { GradientTransformation, ScalarOrSchedule } from "@descent/spec";
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
  type ScaleByAdadeltaState,
  type ScaleByAdagradState,
  type ScaleByRmsState,
  scaleByAdadelta,
  scaleByAdagrad,
  scaleByRms,
} from "../transforms/rms.js";
import { identity, learningRateStep, type ScaleByLearningRateState } from "../transforms/scale.js";
import { type TraceState, trace } from "../transforms/trace.js";
import { decayOrIdentity } from "./sgd.js";

/** State of {@link adagrad}: `[weight decay, Adagrad accumulator, learning rate]`. */
export type AdagradState = readonly [EmptyState, ScaleByAdagradState, ScaleByLearningRateState];

/** Options of {@link adagrad}. */
export interface AdagradOptions {
  /** η ≥ 0 or a schedule. Default 0.01 (PyTorch). */
  readonly learningRate?: ScalarOrSchedule;
  /** s_0 ≥ 0. Default 0 (PyTorch); TF/Keras use 0.1. */
  readonly initialAccumulatorValue?: number;
  /** ε > 0 outside the square root. Default 1e-10 (PyTorch). */
  readonly epsilon?: number;
  /** Coupled L2 weight decay λ ≥ 0 (added to the gradient). Default 0. */
  readonly weightDecay?: number;
}

/**
 * Adagrad (Duchi et al. 2011), as PyTorch: `g' = g + λ·θ`, `s_t = s_{t−1} + g'²`, `θ ← θ − η·g'/(√s_t + ε)`.
 *
 * @throws `ValueError` for η < 0 or NaN, s_0 < 0, ε ≤ 0, λ < 0.
 * @example
 * ```ts
 * const optimizer = adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.1 }); // TF's accumulator start
 * ```
 */
export function adagrad(options: AdagradOptions = {}): GradientTransformation<AdagradState> {
  const op = "adagrad";
  rejectUnknownOptions(op, options, ["learningRate", "initialAccumulatorValue", "epsilon", "weightDecay"]);
  const learningRate = requireScalarOrSchedule(op, "learningRate", options.learningRate ?? 0.01);
  const initialAccumulatorValue = requireNonNegative(
    op,
    "initialAccumulatorValue",
    options.initialAccumulatorValue ?? 0,
  );
  const epsilon = requirePositive(op, "epsilon", options.epsilon ?? 1e-10);
  const weightDecay = requireNonNegative(op, "weightDecay", options.weightDecay ?? 0);
  return chain(
    decayOrIdentity(weightDecay),
    scaleByAdagrad({ initialAccumulatorValue, epsilon }),
    learningRateStep(op, learningRate),
  );
}

/** State of {@link rmsprop}: `[weight decay, RMS averages, momentum buffer, learning rate]`. */
export type RmspropState = readonly [
  EmptyState,
  ScaleByRmsState,
  TraceState | EmptyState,
  ScaleByLearningRateState,
];

/** Options of {@link rmsprop}. */
export interface RmspropOptions {
  /** η ≥ 0 or a schedule. Default 0.01 (PyTorch; Keras 1e-3). */
  readonly learningRate?: ScalarOrSchedule;
  /** Decay ρ ∈ [0, 1) of the running mean of g² (PyTorch's `alpha`, Keras's `rho`). Default 0.99 (PyTorch; Keras 0.9). */
  readonly decay?: number;
  /** ε > 0. Default 1e-8 (PyTorch). */
  readonly epsilon?: number;
  /** ε inside the square root instead of outside (PyTorch: outside). Default false. */
  readonly epsilonInsideSqrt?: boolean;
  /** Divide by the running standard deviation (Graves 2013). Default false. */
  readonly centered?: boolean;
  /** Momentum μ ∈ [0, 1) applied to the scaled gradient. Default 0. */
  readonly momentum?: number;
  /** v_0 ≥ 0. Default 0 (PyTorch). */
  readonly initialAccumulatorValue?: number;
  /** Coupled L2 weight decay λ ≥ 0. Default 0. */
  readonly weightDecay?: number;
}

/**
 * RMSprop (Hinton 2012), as PyTorch: `g' = g + λ·θ`, `v_t = ρ·v_{t−1} + (1−ρ)·g'²`,
 * `d = g'/(√v_t + ε)` (centered: `√(v_t − m_t²)` with `m_t = ρ·m_{t−1} + (1−ρ)·g'`),
 * with momentum `b_t = μ·b_{t−1} + d`, `θ ← θ − η·b_t`; without, `θ ← θ − η·d`.
 *
 * @throws `ValueError` for η < 0 or NaN, ρ or μ outside [0, 1), ε ≤ 0, λ < 0.
 * @example
 * ```ts
 * const optimizer = rmsprop({ learningRate: 1e-3, decay: 0.9, centered: true, momentum: 0.9 });
 * ```
 */
export function rmsprop(options: RmspropOptions = {}): GradientTransformation<RmspropState> {
  const op = "rmsprop";
  rejectUnknownOptions(op, options, [
    "learningRate",
    "decay",
    "epsilon",
    "epsilonInsideSqrt",
    "centered",
    "momentum",
    "initialAccumulatorValue",
    "weightDecay",
  ]);
  const learningRate = requireScalarOrSchedule(op, "learningRate", options.learningRate ?? 0.01);
  const decay = requireUnitInterval(op, "decay", options.decay ?? 0.99);
  const epsilon = requirePositive(op, "epsilon", options.epsilon ?? 1e-8);
  const epsilonInsideSqrt = requireBoolean(op, "epsilonInsideSqrt", options.epsilonInsideSqrt ?? false);
  const centered = requireBoolean(op, "centered", options.centered ?? false);
  const momentumCoefficient = requireUnitInterval(op, "momentum", options.momentum ?? 0);
  const initialScale = requireNonNegative(
    op,
    "initialAccumulatorValue",
    options.initialAccumulatorValue ?? 0,
  );
  const weightDecay = requireNonNegative(op, "weightDecay", options.weightDecay ?? 0);
  return chain(
    decayOrIdentity(weightDecay),
    scaleByRms({ decay, epsilon, epsilonInsideSqrt, centered, initialScale }),
    momentumCoefficient > 0 ? trace({ decay: momentumCoefficient }) : identity(),
    learningRateStep(op, learningRate),
  );
}

/** State of {@link adadelta}: `[weight decay, Adadelta averages, learning rate]`. */
export type AdadeltaState = readonly [EmptyState, ScaleByAdadeltaState, ScaleByLearningRateState];

/**
 * Adadelta (Zeiler 2012), as PyTorch: `v_t = ρ·v_{t−1} + (1−ρ)·g²`, `Δ = √(u_{t−1}+ε)/√(v_t+ε)·g`,
 * `u_t = ρ·u_{t−1} + (1−ρ)·Δ²`, `θ ← θ − η·Δ` (η = 1 in the paper; `g` includes `λ·θ` when weightDecay > 0).
 *
 * @param options.learningRate - η ≥ 0 or a schedule. Default 1 (PyTorch, the paper).
 * @param options.rho - ρ ∈ [0, 1). Default 0.9.
 * @param options.epsilon - ε > 0. Default 1e-6.
 * @throws `ValueError` for η < 0 or NaN, ρ outside [0, 1), ε ≤ 0, λ < 0.
 * @example
 * ```ts
 * const optimizer = adadelta({ rho: 0.95 });
 * ```
 */
export function adadelta(
  options: {
    readonly learningRate?: ScalarOrSchedule;
    readonly rho?: number;
    readonly epsilon?: number;
    readonly weightDecay?: number;
  } = {},
): GradientTransformation<AdadeltaState> {
  const op = "adadelta";
  rejectUnknownOptions(op, options, ["learningRate", "rho", "epsilon", "weightDecay"]);
  const learningRate = requireScalarOrSchedule(op, "learningRate", options.learningRate ?? 1);
  const rho = requireUnitInterval(op, "rho", options.rho ?? 0.9);
  const epsilon = requirePositive(op, "epsilon", options.epsilon ?? 1e-6);
  const weightDecay = requireNonNegative(op, "weightDecay", options.weightDecay ?? 0);
  return chain(
    decayOrIdentity(weightDecay),
    scaleByAdadelta({ rho, epsilon }),
    learningRateStep(op, learningRate),
  );
}
