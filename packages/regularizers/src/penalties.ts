import { ValueError } from "@descent/tensor";
import { createElementwiseRegularizer, type ElementwiseRegularizer } from "./elementwise.js";
import type { SelectionOptions } from "./selection.js";
import { SELECTION_OPTIONS } from "./selection.js";
import { assertNonNegative, assertOptions } from "./validate.js";

/** Options of {@link l1}. */
export interface L1Options extends SelectionOptions {}

/**
 * L1 (lasso) penalty: `R(w) = λ Σ |wᵢ|`, gradient `λ · sign(wᵢ)`.
 *
 * At `wᵢ = 0` the subdifferential is `[-λ, λ]`; descent uses the subgradient `0` there (as
 * PyTorch's `sign` and Keras do), so a weight that is exactly zero is not pushed away. Plain
 * (sub)gradient steps make weights oscillate around zero rather than reach it: for exact zeros use
 * {@link proximalL1}.
 *
 * @param strength `λ ≥ 0`.
 * @example
 * ```ts
 * const regularizer = l1(1e-4);
 * const loss = dataLoss + regularizer.penalty(params);
 * ```
 */
export function l1(strength: number, options: L1Options = {}): ElementwiseRegularizer {
  assertNonNegative("l1", "strength", strength);
  assertOptions("l1", options, SELECTION_OPTIONS);
  return createElementwiseRegularizer(
    "l1",
    {
      penalty(weights) {
        let sum = 0;
        for (let i = 0; i < weights.length; i++) sum += Math.abs(weights[i]!);
        return strength * sum;
      },
      accumulateGradient(weights, target) {
        for (let i = 0; i < weights.length; i++) {
          const w = weights[i]!;
          // NOTE: subgradient 0 at w = 0 (documented choice); NaN stays NaN.
          target[i]! += w > 0 ? strength : w < 0 ? -strength : w * 0;
        }
      },
    },
    options,
  );
}

/** The two L2 conventions: `"half"` = `½λ‖w‖²` (gradient `λw`), `"full"` = `λ‖w‖²` (gradient `2λw`). */
export type L2Convention = "half" | "full";

/** Options of {@link l2}. */
export interface L2Options extends SelectionOptions {
  /**
   * `"half"` (default): `R = ½ λ ‖w‖²`, gradient `λ w`. This is what PyTorch's optimizer
   * `weight_decay = λ` adds to the gradient. `"full"`: `R = λ ‖w‖²`, gradient `2 λ w` (Keras's
   * `regularizers.L2(λ)`). Same λ, gradients differ by a factor of 2.
   */
  readonly convention?: L2Convention;
}

/**
 * L2 (ridge, Tikhonov) penalty: `R(w) = ½ λ ‖w‖²` by default, gradient `λ w`.
 *
 * With `{ convention: "full" }`: `R(w) = λ ‖w‖²`, gradient `2 λ w` (Keras). Added to the loss
 * before Adam-style scaling this is *coupled* L2; for AdamW-style decay use `addDecayedWeights(λ)`
 * from `@descent/optimizers`, between the scaling and the learning rate.
 *
 * @param strength `λ ≥ 0`.
 * @example
 * ```ts
 * l2(1e-4).gradient(params);                         // 1e-4 · w  (PyTorch weight_decay=1e-4)
 * l2(1e-4, { convention: "full" }).gradient(params); // 2e-4 · w  (Keras L2(1e-4))
 * ```
 */
export function l2(strength: number, options: L2Options = {}): ElementwiseRegularizer {
  assertNonNegative("l2", "strength", strength);
  assertOptions("l2", options, [...SELECTION_OPTIONS, "convention"]);
  const factor = conventionFactor("l2", options?.convention);
  return createElementwiseRegularizer("l2", squaredKernels(strength, factor), options);
}

function conventionFactor(op: string, convention: L2Convention | undefined): number {
  if (convention === undefined || convention === "half") return 1;
  if (convention === "full") return 2;
  throw new ValueError(op, `convention ${JSON.stringify(convention)} is not supported: use "half" or "full"`);
}

/** `penalty = ½·factor·λ Σ w²`, `gradient = factor·λ w`. */
function squaredKernels(strength: number, factor: number) {
  const gradientScale = strength * factor;
  return {
    penalty(weights: Float32Array | Float64Array) {
      let sum = 0;
      for (let i = 0; i < weights.length; i++) sum += weights[i]! * weights[i]!;
      return 0.5 * gradientScale * sum;
    },
    accumulateGradient(weights: Float32Array | Float64Array, target: Float32Array | Float64Array) {
      for (let i = 0; i < weights.length; i++) target[i]! += gradientScale * weights[i]!;
    },
  };
}

/** Options of {@link elasticNet}. */
export interface ElasticNetOptions extends SelectionOptions {
  /** Convention of the L2 part, as in {@link l2}; default `"half"`. */
  readonly convention?: L2Convention;
}

/**
 * Elastic net: `R(w) = λ₁ ‖w‖₁ + ½ λ₂ ‖w‖²` (L2 part with `convention: "full"`: `λ₂ ‖w‖²`).
 *
 * Gradient `λ₁ sign(w) + λ₂ w` (subgradient `0` for the L1 part at `w = 0`).
 *
 * @param l1Strength `λ₁ ≥ 0`.
 * @param l2Strength `λ₂ ≥ 0`.
 * @example
 * ```ts
 * const regularizer = elasticNet(1e-5, 1e-4);
 * regularizer.penalty(params);
 * ```
 */
export function elasticNet(
  l1Strength: number,
  l2Strength: number,
  options: ElasticNetOptions = {},
): ElementwiseRegularizer {
  assertNonNegative("elasticNet", "l1Strength", l1Strength);
  assertNonNegative("elasticNet", "l2Strength", l2Strength);
  assertOptions("elasticNet", options, [...SELECTION_OPTIONS, "convention"]);
  const gradientScale = l2Strength * conventionFactor("elasticNet", options?.convention);
  return createElementwiseRegularizer(
    "elasticNet",
    {
      penalty(weights) {
        let absolute = 0;
        let squared = 0;
        for (let i = 0; i < weights.length; i++) {
          const w = weights[i]!;
          absolute += Math.abs(w);
          squared += w * w;
        }
        return l1Strength * absolute + 0.5 * gradientScale * squared;
      },
      accumulateGradient(weights, target) {
        for (let i = 0; i < weights.length; i++) {
          const w = weights[i]!;
          target[i]! += (w > 0 ? l1Strength : w < 0 ? -l1Strength : w * 0) + gradientScale * w;
        }
      },
    },
    options,
  );
}
