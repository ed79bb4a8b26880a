import type { GradientTransformation, ParamTree, Tensor } from "@descent/spec";
import { adamUpdate } from "@descent/tensor/kernels";
import { z } from "zod";
import {
  gradientLeaves,
  nextStateArray,
  nextStateData,
  requireStateTree,
  stateLeaves,
  stateTree,
  updateData,
  updateOptions,
  updatesTree,
} from "../core/leaves.js";
import {
  rejectUnknownOptions,
  requireBoolean,
  requireNonNegative,
  requirePositive,
  requireState,
  requireStateCount,
  requireUnitInterval,
} from "../core/validate.js";
import { finiteTree, nonNegativeTree, stateRules, stepCount } from "../state/rules.js";
import { zerosLikeTree } from "../tree/tree.js";

/** State of {@link scaleByAdam}: step count, first and second moments, and the running maximum of the second moment for AMSGrad (`null` otherwise). */
export interface ScaleByAdamState {
  /** Steps taken (`t`, for the bias corrections `1 − βᵗ`). */
  readonly count: number;
  /** First moment `m_t = β1·m_{t−1} + (1−β1)·g`, keyed like the parameters. */
  readonly mu: ParamTree;
  /** Second moment `v_t = β2·v_{t−1} + (1−β2)·g²`, keyed like the parameters. */
  readonly nu: ParamTree;
  /** AMSGrad's running maximum of `v_t`; `null` without `amsgrad`. */
  readonly nuMax: ParamTree | null;
}

/** Options of {@link scaleByAdam}. */
export interface ScaleByAdamOptions {
  /** Decay of the first moment, β1 ∈ [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** Decay of the second moment, β2 ∈ [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** ε > 0 added *outside* the square root (PyTorch, optax, Keras 3). Default 1e-8. */
  readonly epsilon?: number;
  /** ε_root ≥ 0 added *inside* the square root (optax's `eps_root`; useful when differentiating through Adam). Default 0. */
  readonly epsilonRoot?: number;
  /** AMSGrad (Reddi et al. 2018) as PyTorch: divide by `√(max_{s≤t} v_s / (1−β2^t))`. Default false. */
  readonly amsgrad?: boolean;
}

/**
 * Adam's scaling (Kingma & Ba 2015), as PyTorch and optax:
 * `m_t = β1·m_{t−1} + (1−β1)·g`, `v_t = β2·v_{t−1} + (1−β2)·g²`, `m̂ = m_t/(1−β1^t)`, `v̂ = v_t/(1−β2^t)`,
 * `updates = m̂ / (√(v̂ + ε_root) + ε)`. ε sits outside the square root (PyTorch, optax); TF1 put
 * `ε̂ = ε·√(1−β2^t)` there instead — pass `epsilonRoot` for an ε inside.
 * With `amsgrad`, as PyTorch: `v_max = max(v_max, v_t)` over the *uncorrected* v, and
 * `updates = m̂ / (√(v_max/(1−β2^t) + ε_root) + ε)` (optax takes the max of the corrected v̂ instead).
 * Follow it with {@link scaleByLearningRate}.
 *
 * @example
 * ```ts
 * const adam = chain(scaleByAdam({ beta2: 0.99 }), scaleByLearningRate(1e-3));
 * ```
 */
export function scaleByAdam(options: ScaleByAdamOptions = {}): GradientTransformation<ScaleByAdamState> {
  const op = "scaleByAdam";
  rejectUnknownOptions(op, options, ["beta1", "beta2", "epsilon", "epsilonRoot", "amsgrad"]);
  const beta1 = requireUnitInterval(op, "beta1", options.beta1 ?? 0.9);
  const beta2 = requireUnitInterval(op, "beta2", options.beta2 ?? 0.999);
  const epsilon = requirePositive(op, "epsilon", options.epsilon ?? 1e-8);
  const epsilonRoot = requireNonNegative(op, "epsilonRoot", options.epsilonRoot ?? 0);
  const amsgrad = requireBoolean(op, "amsgrad", options.amsgrad ?? false);
  return {
    init: (params) => ({
      count: 0,
      mu: zerosLikeTree(params),
      nu: zerosLikeTree(params),
      nuMax: amsgrad ? zerosLikeTree(params) : null,
    }),
    validateState: stateRules(
      op,
      z.object({ count: stepCount, mu: finiteTree, nu: nonNegativeTree, nuMax: nonNegativeTree.nullable() }),
    ),
    update: (gradients, state, _params, options) => {
      requireState(op, state);
      const { allocateState, allocateUpdates } = updateOptions(op, options);
      const leaves = gradientLeaves(op, gradients);
      const mus = stateLeaves(op, leaves, state.mu, "state.mu");
      const nus = stateLeaves(op, leaves, state.nu, "state.nu");
      const maxima = amsgrad
        ? stateLeaves(op, leaves, requireStateTree(op, state.nuMax, "state.nuMax"), "state.nuMax")
        : null;
      const count = requireStateCount(op, "state.count", state.count) + 1;
      const inverseCorrection1 = 1 / (1 - beta1 ** count);
      const inverseCorrection2 = 1 / (1 - beta2 ** count);
      const nextArray = (leaf: Tensor) => nextStateArray(op, leaf, allocateState);
      const nextMus = mus.map(nextArray);
      const nextNus = nus.map(nextArray);
      const nextMaxima = maxima?.map(nextArray) ?? null;
      const outputs = leaves.flat.leaves.map((leaf, k) => {
        const g = leaf.data;
        const m = mus[k]!.data;
        const v = nus[k]!.data;
        const mOut = nextMus[k]!;
        const vOut = nextNus[k]!;
        const out = updateData(leaves, k, allocateUpdates);
        if (maxima === null || nextMaxima === null) {
          // The active kernels' step (WebAssembly float64 lanes where available), with the reference loop's bits.
          adamUpdate(g, m, v, mOut, vOut, out, {
            beta1,
            beta2,
            inverseCorrection1,
            inverseCorrection2,
            epsilonRoot,
            epsilon,
          });
        } else {
          const vMax = maxima[k]!.data;
          const vMaxOut = nextMaxima[k]!;
          for (let i = 0; i < g.length; i++) {
            const gi = g[i]!;
            const mi = beta1 * m[i]! + (1 - beta1) * gi;
            const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
            const vMaxI = Math.max(vMax[i]!, vi);
            mOut[i] = mi;
            vOut[i] = vi;
            vMaxOut[i] = vMaxI;
            out[i] =
              (mi * inverseCorrection1) / (Math.sqrt(vMaxI * inverseCorrection2 + epsilonRoot) + epsilon);
          }
        }
        return out;
      });
      return {
        updates: updatesTree(leaves, outputs),
        state: {
          count,
          mu: stateTree(leaves, nextMus),
          nu: stateTree(leaves, nextNus),
          nuMax: nextMaxima === null ? null : stateTree(leaves, nextMaxima),
        },
      };
    },
    // Its updates and moments are arrays of its own (new, or from `options`): the gradients' are not kept.
    releasesGradients: true,
    // g = ±∞ makes v̂ = +∞ and m̂ = ±∞ (or NaN), g = NaN makes both NaN: the update m̂ / (√v̂ + ε) is NaN.
    propagatesNonFinite: true,
  };
}

/** State of {@link scaleByAdamax}: step count, first moment and the exponentially weighted infinity norm `u`. */
export interface ScaleByAdamaxState {
  /** Steps taken (`t`, for the bias correction `1 − β1ᵗ`). */
  readonly count: number;
  /** First moment `m_t = β1·m_{t−1} + (1−β1)·g`. */
  readonly mu: ParamTree;
  /** Exponentially weighted infinity norm `u_t = max(β2·u_{t−1}, |g| + ε)`. */
  readonly infinityNorm: ParamTree;
}

/**
 * Adamax (Kingma & Ba 2015, §7.1), as PyTorch: `m_t = β1·m_{t−1} + (1−β1)·g`,
 * `u_t = max(β2·u_{t−1}, |g| + ε)`, `updates = m_t / ((1−β1^t)·u_t)`.
 * ε goes inside the max, as PyTorch (optax divides by `u_t + ε` with `u_t = max(β2·u, |g|)`).
 *
 * @example
 * ```ts
 * const adamax = chain(scaleByAdamax(), scaleByLearningRate(2e-3));
 * ```
 */
export function scaleByAdamax(
  options: { readonly beta1?: number; readonly beta2?: number; readonly epsilon?: number } = {},
): GradientTransformation<ScaleByAdamaxState> {
  const op = "scaleByAdamax";
  rejectUnknownOptions(op, options, ["beta1", "beta2", "epsilon"]);
  const beta1 = requireUnitInterval(op, "beta1", options.beta1 ?? 0.9);
  const beta2 = requireUnitInterval(op, "beta2", options.beta2 ?? 0.999);
  const epsilon = requirePositive(op, "epsilon", options.epsilon ?? 1e-8);
  return {
    init: (params) => ({ count: 0, mu: zerosLikeTree(params), infinityNorm: zerosLikeTree(params) }),
    validateState: stateRules(
      op,
      z.object({ count: stepCount, mu: finiteTree, infinityNorm: nonNegativeTree }),
    ),
    update: (gradients, state) => {
      requireState(op, state);
      const leaves = gradientLeaves(op, gradients);
      const mus = stateLeaves(op, leaves, state.mu, "state.mu");
      const norms = stateLeaves(op, leaves, state.infinityNorm, "state.infinityNorm");
      const count = requireStateCount(op, "state.count", state.count) + 1;
      const correction1 = 1 - beta1 ** count;
      const nextMus = mus.map(nextStateData);
      const nextNorms = norms.map(nextStateData);
      const outputs = leaves.flat.leaves.map((leaf, k) => {
        const g = leaf.data;
        const m = mus[k]!.data;
        const u = norms[k]!.data;
        const mOut = nextMus[k]!;
        const uOut = nextNorms[k]!;
        const out = updateData(leaves, k);
        for (let i = 0; i < g.length; i++) {
          const gi = g[i]!;
          const mi = beta1 * m[i]! + (1 - beta1) * gi;
          const ui = Math.max(beta2 * u[i]!, Math.abs(gi) + epsilon);
          mOut[i] = mi;
          uOut[i] = ui;
          out[i] = mi / (correction1 * ui);
        }
        return out;
      });
      return {
        updates: updatesTree(leaves, outputs),
        state: { count, mu: stateTree(leaves, nextMus), infinityNorm: stateTree(leaves, nextNorms) },
      };
    },
  };
}
