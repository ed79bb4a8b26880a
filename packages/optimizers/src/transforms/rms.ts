import type { GradientTransformation, ParamTree } from "@descent/spec";
import { z } from "zod";
import {
  gradientLeaves,
  nextStateData,
  requireStateTree,
  stateLeaves,
  stateTree,
  updateData,
  updatesTree,
} from "../core/leaves.js";
import {
  rejectUnknownOptions,
  requireBoolean,
  requireNonNegative,
  requirePositive,
  requireState,
  requireUnitInterval,
} from "../core/validate.js";
import { finiteTree, nonNegativeTree, stateRules } from "../state/rules.js";
import { fullLikeTree, zerosLikeTree } from "../tree/tree.js";

/** State of {@link scaleByRms}: the running mean of g² (`nu`) and, when centered, of g (`mu`, else `null`). */
export interface ScaleByRmsState {
  /** Running mean of `g²`, keyed like the parameters. */
  readonly nu: ParamTree;
  /** Running mean of `g` when centered, else `null`. */
  readonly mu: ParamTree | null;
}

/** Options of {@link scaleByRms}. */
export interface ScaleByRmsOptions {
  /** Decay ρ ∈ [0, 1) of the running means (PyTorch's `alpha`). Default 0.99 (PyTorch; Keras and optax use 0.9). */
  readonly decay?: number;
  /** ε > 0. Default 1e-8 (PyTorch). */
  readonly epsilon?: number;
  /** Put ε inside the square root, `g / √(v + ε)` (optax's default), instead of outside (PyTorch). Default false. */
  readonly epsilonInsideSqrt?: boolean;
  /** Divide by the running standard deviation instead of the running RMS (Graves 2013). Default false. */
  readonly centered?: boolean;
  /** Initial value v_0 ≥ 0 of the running mean of g². Default 0 (PyTorch, optax; TF1 used 1). */
  readonly initialScale?: number;
}

/**
 * RMSprop's scaling (Hinton 2012), as PyTorch: `v_t = ρ·v_{t−1} + (1−ρ)·g²`, `updates = g / (√v_t + ε)`.
 * Centered: `m_t = ρ·m_{t−1} + (1−ρ)·g` and `updates = g / (√max(v_t − m_t², 0) + ε)`
 * (the max guards rounding; without it a tiny negative would turn into NaN).
 *
 * @example
 * ```ts
 * const rmsprop = chain(scaleByRms({ decay: 0.9 }), scaleByLearningRate(1e-3));
 * ```
 */
export function scaleByRms(options: ScaleByRmsOptions = {}): GradientTransformation<ScaleByRmsState> {
  const op = "scaleByRms";
  rejectUnknownOptions(op, options, ["decay", "epsilon", "epsilonInsideSqrt", "centered", "initialScale"]);
  const decay = requireUnitInterval(op, "decay", options.decay ?? 0.99);
  const epsilon = requirePositive(op, "epsilon", options.epsilon ?? 1e-8);
  const inside = requireBoolean(op, "epsilonInsideSqrt", options.epsilonInsideSqrt ?? false);
  const centered = requireBoolean(op, "centered", options.centered ?? false);
  const initialScale = requireNonNegative(op, "initialScale", options.initialScale ?? 0);
  const epsilonInside = inside ? epsilon : 0;
  const epsilonOutside = inside ? 0 : epsilon;
  return {
    init: (params) => ({
      nu: fullLikeTree(params, initialScale),
      mu: centered ? zerosLikeTree(params) : null,
    }),
    validateState: stateRules(op, z.object({ nu: nonNegativeTree, mu: finiteTree.nullable() })),
    update: (gradients, state) => {
      requireState(op, state);
      const leaves = gradientLeaves(op, gradients);
      const nus = stateLeaves(op, leaves, state.nu, "state.nu");
      const mus = centered
        ? stateLeaves(op, leaves, requireStateTree(op, state.mu, "state.mu"), "state.mu")
        : null;
      const nextNus = nus.map(nextStateData);
      const nextMus = mus?.map(nextStateData) ?? null;
      const outputs = leaves.flat.leaves.map((leaf, k) => {
        const g = leaf.data;
        const v = nus[k]!.data;
        const vOut = nextNus[k]!;
        const out = updateData(leaves, k);
        if (mus === null || nextMus === null) {
          for (let i = 0; i < g.length; i++) {
            const gi = g[i]!;
            const vi = decay * v[i]! + (1 - decay) * gi * gi;
            vOut[i] = vi;
            out[i] = gi / (Math.sqrt(vi + epsilonInside) + epsilonOutside);
          }
        } else {
          const m = mus[k]!.data;
          const mOut = nextMus[k]!;
          for (let i = 0; i < g.length; i++) {
            const gi = g[i]!;
            const vi = decay * v[i]! + (1 - decay) * gi * gi;
            const mi = decay * m[i]! + (1 - decay) * gi;
            vOut[i] = vi;
            mOut[i] = mi;
            out[i] = gi / (Math.sqrt(Math.max(vi - mi * mi, 0) + epsilonInside) + epsilonOutside);
          }
        }
        return out;
      });
      return {
        updates: updatesTree(leaves, outputs),
        state: { nu: stateTree(leaves, nextNus), mu: nextMus === null ? null : stateTree(leaves, nextMus) },
      };
    },
  };
}

/** State of {@link scaleByAdagrad}: the running sum of squared gradients. */
export interface ScaleByAdagradState {
  /** Running sum `s_t = s_{t−1} + g²`, keyed like the parameters. */
  readonly sumOfSquares: ParamTree;
}

/**
 * Adagrad's scaling (Duchi et al. 2011), as PyTorch: `s_t = s_{t−1} + g²`, `updates = g / (√s_t + ε)`.
 *
 * @param options.initialAccumulatorValue - s_0 ≥ 0. Default 0 (PyTorch); TF/Keras and optax use 0.1.
 * @param options.epsilon - ε > 0, outside the square root. Default 1e-10 (PyTorch).
 * @example
 * ```ts
 * const adagrad = chain(scaleByAdagrad({ initialAccumulatorValue: 0.1 }), scaleByLearningRate(0.01));
 * ```
 */
export function scaleByAdagrad(
  options: { readonly initialAccumulatorValue?: number; readonly epsilon?: number } = {},
): GradientTransformation<ScaleByAdagradState> {
  const op = "scaleByAdagrad";
  rejectUnknownOptions(op, options, ["initialAccumulatorValue", "epsilon"]);
  const initial = requireNonNegative(op, "initialAccumulatorValue", options.initialAccumulatorValue ?? 0);
  const epsilon = requirePositive(op, "epsilon", options.epsilon ?? 1e-10);
  return {
    init: (params) => ({ sumOfSquares: fullLikeTree(params, initial) }),
    validateState: stateRules(op, z.object({ sumOfSquares: nonNegativeTree })),
    update: (gradients, state) => {
      requireState(op, state);
      const leaves = gradientLeaves(op, gradients);
      const sums = stateLeaves(op, leaves, state.sumOfSquares, "state.sumOfSquares");
      const nextSums = sums.map(nextStateData);
      const outputs = leaves.flat.leaves.map((leaf, k) => {
        const g = leaf.data;
        const s = sums[k]!.data;
        const sOut = nextSums[k]!;
        const out = updateData(leaves, k);
        for (let i = 0; i < g.length; i++) {
          const gi = g[i]!;
          const si = s[i]! + gi * gi;
          sOut[i] = si;
          out[i] = gi / (Math.sqrt(si) + epsilon);
        }
        return out;
      });
      return { updates: updatesTree(leaves, outputs), state: { sumOfSquares: stateTree(leaves, nextSums) } };
    },
  };
}

/** State of {@link scaleByAdadelta}: running means of g² and of the squared steps Δ². */
export interface ScaleByAdadeltaState {
  /** Running mean `v_t` of `g²`. */
  readonly nu: ParamTree;
  /** Running mean `u_t` of the squared steps `Δ²`. */
  readonly deltaNu: ParamTree;
}

/**
 * Adadelta's scaling (Zeiler 2012), as PyTorch: `v_t = ρ·v_{t−1} + (1−ρ)·g²`,
 * `Δ_t = √(u_{t−1} + ε) / √(v_t + ε) · g`, `u_t = ρ·u_{t−1} + (1−ρ)·Δ_t²`, `updates = Δ_t`
 * (ε inside both square roots, as in the paper and every framework).
 *
 * @param options.rho - ρ ∈ [0, 1). Default 0.9 (PyTorch, optax; Keras 0.95).
 * @param options.epsilon - ε > 0. Default 1e-6 (PyTorch, optax).
 * @example
 * ```ts
 * const adadelta = chain(scaleByAdadelta(), scaleByLearningRate(1.0));
 * ```
 */
export function scaleByAdadelta(
  options: { readonly rho?: number; readonly epsilon?: number } = {},
): GradientTransformation<ScaleByAdadeltaState> {
  const op = "scaleByAdadelta";
  rejectUnknownOptions(op, options, ["rho", "epsilon"]);
  const rho = requireUnitInterval(op, "rho", options.rho ?? 0.9);
  const epsilon = requirePositive(op, "epsilon", options.epsilon ?? 1e-6);
  return {
    init: (params) => ({ nu: zerosLikeTree(params), deltaNu: zerosLikeTree(params) }),
    validateState: stateRules(op, z.object({ nu: nonNegativeTree, deltaNu: nonNegativeTree })),
    update: (gradients, state) => {
      requireState(op, state);
      const leaves = gradientLeaves(op, gradients);
      const nus = stateLeaves(op, leaves, state.nu, "state.nu");
      const deltaNus = stateLeaves(op, leaves, state.deltaNu, "state.deltaNu");
      const nextNus = nus.map(nextStateData);
      const nextDeltaNus = deltaNus.map(nextStateData);
      const outputs = leaves.flat.leaves.map((leaf, k) => {
        const g = leaf.data;
        const v = nus[k]!.data;
        const u = deltaNus[k]!.data;
        const vOut = nextNus[k]!;
        const uOut = nextDeltaNus[k]!;
        const out = updateData(leaves, k);
        for (let i = 0; i < g.length; i++) {
          const gi = g[i]!;
          const vi = rho * v[i]! + (1 - rho) * gi * gi;
          const ui = u[i]!;
          const delta = (Math.sqrt(ui + epsilon) / Math.sqrt(vi + epsilon)) * gi;
          vOut[i] = vi;
          uOut[i] = rho * ui + (1 - rho) * delta * delta;
          out[i] = delta;
        }
        return out;
      });
      return {
        updates: updatesTree(leaves, outputs),
        state: { nu: stateTree(leaves, nextNus), deltaNu: stateTree(leaves, nextDeltaNus) },
      };
    },
  };
}
