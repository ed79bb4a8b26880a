import type { GradientTransformation, ParamTree } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { z } from "zod";
import {
  gradientLeaves,
  nextStateData,
  stateLeaves,
  stateTree,
  updateData,
  updatesTree,
} from "../core/leaves.js";
import {
  rejectUnknownOptions,
  requireNonNegative,
  requirePositive,
  requireState,
  requireStateCount,
  requireStateNumber,
  requireUnitInterval,
} from "../core/validate.js";
import { finiteTree, nonNegativeTree, stateRules, stepCount } from "../state/rules.js";
import { zerosLikeTree } from "../tree/tree.js";

const MU_PRODUCT_RULE = "the momentum product ∏ μ_s is a number in [0, 1]";

/** State of {@link scaleByNadam}: step count, the running product `∏ μ_s` of the momentum schedule, and the moments. */
export interface ScaleByNadamState {
  /** Steps taken (`t`). */
  readonly count: number;
  /** Running product `∏ μ_s` of the momentum schedule up to step `t`. */
  readonly muProduct: number;
  /** First moment `m_t`, keyed like the parameters. */
  readonly mu: ParamTree;
  /** Second moment `v_t`, keyed like the parameters. */
  readonly nu: ParamTree;
}

/** Options of {@link scaleByNadam}. */
export interface ScaleByNadamOptions {
  /** β1 ∈ [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** β2 ∈ [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** ε > 0, outside the square root. Default 1e-8. */
  readonly epsilon?: number;
  /** ψ ≥ 0 of the momentum schedule `μ_t = β1·(1 − ½·0.96^{t·ψ})`. Default 0.004 (PyTorch, Dozat 2016). */
  readonly momentumDecay?: number;
}

/**
 * NAdam (Dozat 2016) in PyTorch's formulation, with the momentum schedule
 * `μ_t = β1·(1 − ½·0.96^{t·ψ})`: `m_t = β1·m_{t−1} + (1−β1)·g`, `v_t = β2·v_{t−1} + (1−β2)·g²`,
 * `d = √(v_t/(1−β2^t)) + ε`, `updates = (1−μ_t)/(1−∏_{s≤t} μ_s) · g/d + μ_{t+1}/(1−∏_{s≤t+1} μ_s) · m_t/d`.
 * (This is PyTorch's `NAdam`, not the simplified form of optax/Keras that uses β1 for every μ_t.)
 *
 * @example
 * ```ts
 * const nadam = chain(scaleByNadam(), scaleByLearningRate(2e-3));
 * ```
 */
export function scaleByNadam(options: ScaleByNadamOptions = {}): GradientTransformation<ScaleByNadamState> {
  const op = "scaleByNadam";
  rejectUnknownOptions(op, options, ["beta1", "beta2", "epsilon", "momentumDecay"]);
  const beta1 = requireUnitInterval(op, "beta1", options.beta1 ?? 0.9);
  const beta2 = requireUnitInterval(op, "beta2", options.beta2 ?? 0.999);
  const epsilon = requirePositive(op, "epsilon", options.epsilon ?? 1e-8);
  const momentumDecay = requireNonNegative(op, "momentumDecay", options.momentumDecay ?? 0.004);
  return {
    init: (params) => ({ count: 0, muProduct: 1, mu: zerosLikeTree(params), nu: zerosLikeTree(params) }),
    validateState: stateRules(
      op,
      z.object({
        count: stepCount,
        muProduct: z
          .number({ error: MU_PRODUCT_RULE })
          .min(0, { error: MU_PRODUCT_RULE })
          .max(1, { error: MU_PRODUCT_RULE }),
        mu: finiteTree,
        nu: nonNegativeTree,
      }),
    ),
    update: (gradients, state) => {
      requireState(op, state);
      const leaves = gradientLeaves(op, gradients);
      const mus = stateLeaves(op, leaves, state.mu, "state.mu");
      const nus = stateLeaves(op, leaves, state.nu, "state.nu");
      const count = requireStateCount(op, "state.count", state.count) + 1;
      const inverseCorrection2 = 1 / (1 - beta2 ** count);
      const momentumNow = beta1 * (1 - 0.5 * 0.96 ** (count * momentumDecay));
      const momentumNext = beta1 * (1 - 0.5 * 0.96 ** ((count + 1) * momentumDecay));
      const muProduct = requireStateNumber(op, "state.muProduct", state.muProduct) * momentumNow;
      const gradientWeight = (1 - momentumNow) / (1 - muProduct);
      const momentWeight = momentumNext / (1 - muProduct * momentumNext);
      const nextMus = mus.map(nextStateData);
      const nextNus = nus.map(nextStateData);
      const outputs = leaves.flat.leaves.map((leaf, k) => {
        const g = leaf.data;
        const m = mus[k]!.data;
        const v = nus[k]!.data;
        const mOut = nextMus[k]!;
        const vOut = nextNus[k]!;
        const out = updateData(leaves, k);
        for (let i = 0; i < g.length; i++) {
          const gi = g[i]!;
          const mi = beta1 * m[i]! + (1 - beta1) * gi;
          const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
          mOut[i] = mi;
          vOut[i] = vi;
          const denominator = Math.sqrt(vi * inverseCorrection2) + epsilon;
          out[i] = (gradientWeight * gi + momentWeight * mi) / denominator;
        }
        return out;
      });
      return {
        updates: updatesTree(leaves, outputs),
        state: { count, muProduct, mu: stateTree(leaves, nextMus), nu: stateTree(leaves, nextNus) },
      };
    },
  };
}

/** State of {@link scaleByRadam}: step count and the moments. */
export interface ScaleByRadamState {
  /** Steps taken (`t`, for the bias corrections and the rectification term `ρ_t`). */
  readonly count: number;
  /** First moment `m_t`, keyed like the parameters. */
  readonly mu: ParamTree;
  /** Second moment `v_t`, keyed like the parameters. */
  readonly nu: ParamTree;
}

/** Options of {@link scaleByRadam}. */
export interface ScaleByRadamOptions {
  /** β1 ∈ [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** β2 ∈ [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** ε > 0, added to `√v_t`. Default 1e-8. */
  readonly epsilon?: number;
  /** The variance is rectified once `ρ_t > threshold`, with threshold ≥ 4 (the rectification is real only for ρ_t > 4). Default 5 (PyTorch; strict `>`). */
  readonly threshold?: number;
}

/**
 * Rectified Adam (Liu et al. 2020), as PyTorch: with `ρ_∞ = 2/(1−β2) − 1`,
 * `ρ_t = ρ_∞ − 2t·β2^t/(1−β2^t)` and `m̂ = m_t/(1−β1^t)`:
 * if `ρ_t > 5`, `r_t = √((ρ_t−4)(ρ_t−2)ρ_∞ / ((ρ_∞−4)(ρ_∞−2)ρ_t))` and
 * `updates = m̂ · r_t · √(1−β2^t) / (√v_t + ε)`; otherwise `updates = m̂` (un-adapted momentum SGD).
 *
 * @example
 * ```ts
 * const radam = chain(scaleByRadam(), scaleByLearningRate(1e-3));
 * ```
 */
export function scaleByRadam(options: ScaleByRadamOptions = {}): GradientTransformation<ScaleByRadamState> {
  const op = "scaleByRadam";
  rejectUnknownOptions(op, options, ["beta1", "beta2", "epsilon", "threshold"]);
  const beta1 = requireUnitInterval(op, "beta1", options.beta1 ?? 0.9);
  const beta2 = requireUnitInterval(op, "beta2", options.beta2 ?? 0.999);
  const epsilon = requirePositive(op, "epsilon", options.epsilon ?? 1e-8);
  const threshold = requireNonNegative(op, "threshold", options.threshold ?? 5);
  // The rectification √((ρ−4)(ρ−2)…/ρ) is real and > 0 only for ρ > 4.
  if (threshold < 4) {
    throw new ValueError(
      op,
      `threshold = ${threshold} is below 4: the rectification needs ρ_t > 4, pass a threshold ≥ 4 (PyTorch: 5)`,
    );
  }
  const rhoInfinity = 2 / (1 - beta2) - 1;
  return {
    init: (params) => ({ count: 0, mu: zerosLikeTree(params), nu: zerosLikeTree(params) }),
    validateState: stateRules(op, z.object({ count: stepCount, mu: finiteTree, nu: nonNegativeTree })),
    update: (gradients, state) => {
      requireState(op, state);
      const leaves = gradientLeaves(op, gradients);
      const mus = stateLeaves(op, leaves, state.mu, "state.mu");
      const nus = stateLeaves(op, leaves, state.nu, "state.nu");
      const count = requireStateCount(op, "state.count", state.count) + 1;
      const inverseCorrection1 = 1 / (1 - beta1 ** count);
      const correction2 = 1 - beta2 ** count;
      const rho = rhoInfinity - (2 * count * beta2 ** count) / correction2;
      const rectified = rho > threshold;
      const rectification = rectified
        ? Math.sqrt(((rho - 4) * (rho - 2) * rhoInfinity) / ((rhoInfinity - 4) * (rhoInfinity - 2) * rho))
        : 0;
      const adaptiveScale = rectification * Math.sqrt(correction2);
      const nextMus = mus.map(nextStateData);
      const nextNus = nus.map(nextStateData);
      const outputs = leaves.flat.leaves.map((leaf, k) => {
        const g = leaf.data;
        const m = mus[k]!.data;
        const v = nus[k]!.data;
        const mOut = nextMus[k]!;
        const vOut = nextNus[k]!;
        const out = updateData(leaves, k);
        for (let i = 0; i < g.length; i++) {
          const gi = g[i]!;
          const mi = beta1 * m[i]! + (1 - beta1) * gi;
          const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
          mOut[i] = mi;
          vOut[i] = vi;
          const corrected = mi * inverseCorrection1;
          out[i] = rectified ? (corrected * adaptiveScale) / (Math.sqrt(vi) + epsilon) : corrected;
        }
        return out;
      });
      return {
        updates: updatesTree(leaves, outputs),
        state: { count, mu: stateTree(leaves, nextMus), nu: stateTree(leaves, nextNus) },
      };
    },
  };
}
