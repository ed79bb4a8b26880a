import type { GradientTransformation, ScalarOrSchedule } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { chain } from "../combine/chain.js";
import type { EmptyState } from "../core/types.js";
import {
  rejectUnknownOptions,
  requireBoolean,
  requireNonNegative,
  requireScalarOrSchedule,
  requireUnitInterval,
} from "../core/validate.js";
import { identity, learningRateStep, type ScaleByLearningRateState } from "../transforms/scale.js";
import { type TraceState, trace } from "../transforms/trace.js";
import { addDecayedWeights } from "../transforms/weight-decay.js";

/** State of {@link sgd}, {@link momentum} and {@link nesterov}: `[weight decay, momentum buffer, learning rate]`. */
export type SgdState = readonly [EmptyState, TraceState | EmptyState, ScaleByLearningRateState];

/** Options of {@link sgd}. */
export interface SgdOptions {
  /** η ≥ 0 or a schedule. Default 1e-3 (PyTorch). */
  readonly learningRate?: ScalarOrSchedule;
  /** Momentum μ ∈ [0, 1). Default 0 (plain gradient descent). */
  readonly momentum?: number;
  /** Nesterov momentum (needs momentum > 0). Default false. */
  readonly nesterov?: boolean;
  /** Coupled L2 weight decay λ ≥ 0, added to the gradient before momentum (PyTorch SGD). Default 0. */
  readonly weightDecay?: number;
}

/**
 * Stochastic gradient descent, as PyTorch's `SGD` (dampening 0): `g' = g + λ·θ`, `b_t = μ·b_{t−1} + g'`
 * (b_1 = g'), `d = nesterov ? g' + μ·b_t : b_t` (or `d = g'` without momentum), `θ ← θ − η·d`.
 * Equal to `chain(addDecayedWeights(λ), trace({ decay: μ, nesterov }), scaleByLearningRate(η))`.
 *
 * @throws `ValueError` for η < 0 or NaN, μ outside [0, 1), λ < 0, or nesterov without momentum.
 * @example
 * ```ts
 * const optimizer = sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true });
 * ```
 */
export function sgd(options: SgdOptions = {}): GradientTransformation<SgdState> {
  return buildSgd("sgd", options, 0, false);
}

/**
 * Heavy-ball momentum (Polyak 1964): `b_t = μ·b_{t−1} + g`, `θ ← θ − η·b_t`. Same as `sgd({ momentum })`.
 *
 * @example
 * ```ts
 * const optimizer = momentum({ learningRate: 0.01, momentum: 0.9 });
 * ```
 */
export function momentum(
  options: {
    readonly learningRate?: ScalarOrSchedule;
    readonly momentum?: number;
    readonly weightDecay?: number;
  } = {},
): GradientTransformation<SgdState> {
  return buildSgd("momentum", options, 0.9, false);
}

/**
 * Nesterov momentum (Sutskever et al. 2013 form, as PyTorch): `b_t = μ·b_{t−1} + g`, `θ ← θ − η·(g + μ·b_t)`.
 * Same as `sgd({ momentum, nesterov: true })`.
 *
 * @example
 * ```ts
 * const optimizer = nesterov({ learningRate: 0.01, momentum: 0.9 });
 * ```
 */
export function nesterov(
  options: {
    readonly learningRate?: ScalarOrSchedule;
    readonly momentum?: number;
    readonly weightDecay?: number;
  } = {},
): GradientTransformation<SgdState> {
  return buildSgd("nesterov", options, 0.9, true);
}

function buildSgd(
  op: string,
  options: SgdOptions,
  defaultMomentum: number,
  forceNesterov: boolean,
): GradientTransformation<SgdState> {
  const known =
    forceNesterov || op === "momentum"
      ? ["learningRate", "momentum", "weightDecay"]
      : ["learningRate", "momentum", "nesterov", "weightDecay"];
  rejectUnknownOptions(op, options, known);
  const learningRate = requireScalarOrSchedule(op, "learningRate", options.learningRate ?? 1e-3);
  const coefficient = requireUnitInterval(op, "momentum", options.momentum ?? defaultMomentum);
  const useNesterov = forceNesterov || requireBoolean(op, "nesterov", options.nesterov ?? false);
  const weightDecay = requireNonNegative(op, "weightDecay", options.weightDecay ?? 0);
  if (useNesterov && coefficient === 0) {
    throw new ValueError(op, "nesterov needs momentum > 0 (got momentum = 0): pass a momentum like 0.9");
  }
  return chain(
    decayOrIdentity(weightDecay),
    coefficient > 0 ? trace({ decay: coefficient, nesterov: useNesterov }) : identity(),
    learningRateStep(op, learningRate),
  );
}

/** `addDecayedWeights(λ)`, or the identity when λ = 0 (no pass over the data). */
export function decayOrIdentity(weightDecay: number): GradientTransformation<EmptyState> {
  return weightDecay > 0 ? addDecayedWeights(weightDecay) : identity();
}
