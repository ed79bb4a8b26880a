import type { Schedule } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import {
  rejectUnknownOptions,
  requireFinite,
  requireInteger,
  requireNonNegative,
  requirePositive,
  requireStep,
} from "../core/validate.js";

/**
 * Cosine decay (Loshchilov & Hutter 2017, without restarts; optax's `cosine_decay_schedule`):
 * `η(t) = η₀ · ((1 − α)·(½(1 + cos(π·min(t, T)/T)))^p + α)` — from η₀ down to the floor `α·η₀`.
 *
 * @param options.alpha - the floor as a fraction of η₀, in [0, 1]. Default 0.
 * @param options.exponent - p > 0. Default 1.
 * @example
 * ```ts
 * cosineDecay({ initialValue: 1, decaySteps: 100 })(50); // 0.5
 * ```
 */
export function cosineDecay(options: {
  readonly initialValue: number;
  readonly decaySteps: number;
  readonly alpha?: number;
  readonly exponent?: number;
}): Schedule {
  const op = "cosineDecay";
  rejectUnknownOptions(op, options, ["initialValue", "decaySteps", "alpha", "exponent"]);
  const initial = requireFinite(op, "initialValue", options.initialValue);
  const steps = requireInteger(op, "decaySteps", options.decaySteps, 1);
  const alpha = requireNonNegative(op, "alpha", options.alpha ?? 0);
  if (alpha > 1)
    throw new ValueError(
      op,
      `alpha = ${alpha} is outside [0, 1]: it is the floor as a fraction of initialValue`,
    );
  const exponent = requirePositive(op, "exponent", options.exponent ?? 1);
  return (step) => {
    requireStep(op, step);
    const progress = Math.min(Math.max(step, 0), steps) / steps;
    const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
    return initial * ((1 - alpha) * cosine ** exponent + alpha);
  };
}

/**
 * Linear warmup then cosine decay (optax's `warmup_cosine_decay_schedule`): from `initialValue` to
 * `peakValue` linearly over `warmupSteps`, then cosine from `peakValue` to `endValue` until step
 * `decaySteps` (which *includes* the warmup): for `t < w`, `η(t) = η₀ + (η_peak − η₀)·t/w`; after,
 * `η(t) = η_end + (η_peak − η_end)·½(1 + cos(π·min(t − w, T − w)/(T − w)))^p`.
 *
 * @example
 * ```ts
 * const schedule = warmupCosineDecay({ peakValue: 1e-3, warmupSteps: 100, decaySteps: 1000 });
 * schedule(50); // 5e-4;  schedule(100); // 1e-3;  schedule(1000); // 0
 * ```
 */
export function warmupCosineDecay(options: {
  readonly initialValue?: number;
  readonly peakValue: number;
  readonly warmupSteps: number;
  readonly decaySteps: number;
  readonly endValue?: number;
  readonly exponent?: number;
}): Schedule {
  const op = "warmupCosineDecay";
  rejectUnknownOptions(op, options, [
    "initialValue",
    "peakValue",
    "warmupSteps",
    "decaySteps",
    "endValue",
    "exponent",
  ]);
  const initial = requireFinite(op, "initialValue", options.initialValue ?? 0);
  const peak = requireFinite(op, "peakValue", options.peakValue);
  const warmup = requireInteger(op, "warmupSteps", options.warmupSteps, 0);
  const total = requireInteger(op, "decaySteps", options.decaySteps, warmup + 1);
  const end = requireFinite(op, "endValue", options.endValue ?? 0);
  const exponent = requirePositive(op, "exponent", options.exponent ?? 1);
  const decay = total - warmup;
  return (step) => {
    requireStep(op, step);
    if (step < warmup) return initial + ((peak - initial) * step) / warmup;
    const progress = Math.min(step - warmup, decay) / decay;
    return end + (peak - end) * (0.5 * (1 + Math.cos(Math.PI * progress))) ** exponent;
  };
}

/**
 * The 1cycle policy (Smith & Topin 2019), as PyTorch's `OneCycleLR` (two phases): from `η_max/d` up to
 * `η_max` until step `s₁ = f·N − 1`, then down to `η_max/(d·d_final)` at step `N − 1`, annealing
 * each phase with `anneal(a, b, x) = b + (a − b)·½(1 + cos(πx))` (or linearly), `x` the phase's progress.
 * Steps past `N − 1` keep the final value (PyTorch raises instead).
 *
 * @param options.maxValue - the peak η_max.
 * @param options.totalSteps - N, the number of steps of the whole cycle (≥ 2).
 * @param options.warmupFraction - f, the fraction of N spent increasing (PyTorch's `pct_start`). Default 0.3.
 * @param options.initialDivisor - d: the cycle starts at η_max/d (PyTorch's `div_factor`). Default 25.
 * @param options.finalDivisor - d_final: it ends at η_max/(d·d_final) (`final_div_factor`). Default 1e4.
 * @param options.annealStrategy - `"cos"` (default) or `"linear"`.
 * @example
 * ```ts
 * const schedule = oneCycle({ maxValue: 0.1, totalSteps: 1000 });
 * schedule(0); // 0.004;  schedule(299); // 0.1
 * ```
 */
export function oneCycle(options: {
  readonly maxValue: number;
  readonly totalSteps: number;
  readonly warmupFraction?: number;
  readonly initialDivisor?: number;
  readonly finalDivisor?: number;
  readonly annealStrategy?: "cos" | "linear";
}): Schedule {
  const op = "oneCycle";
  rejectUnknownOptions(op, options, [
    "maxValue",
    "totalSteps",
    "warmupFraction",
    "initialDivisor",
    "finalDivisor",
    "annealStrategy",
  ]);
  const peak = requireNonNegative(op, "maxValue", options.maxValue);
  const total = requireInteger(op, "totalSteps", options.totalSteps, 2);
  const fraction = options.warmupFraction ?? 0.3;
  const peakStep = fraction * total - 1;
  if (!(fraction > 0 && fraction < 1) || !(peakStep > 0 && peakStep < total - 1)) {
    throw new ValueError(
      op,
      `warmupFraction = ${fraction} with totalSteps = ${total} puts the peak at step ${peakStep}: it must fall strictly between 0 and ${total - 1}`,
    );
  }
  const initial = peak / requirePositive(op, "initialDivisor", options.initialDivisor ?? 25);
  const final = initial / requirePositive(op, "finalDivisor", options.finalDivisor ?? 1e4);
  const strategy = options.annealStrategy ?? "cos";
  if (strategy !== "cos" && strategy !== "linear") {
    throw new ValueError(op, `annealStrategy = ${JSON.stringify(strategy)}: use "cos" or "linear"`);
  }
  const anneal =
    strategy === "cos"
      ? (start: number, end: number, x: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * x) + 1)
      : (start: number, end: number, x: number) => start + (end - start) * x;
  return (step) => {
    requireStep(op, step);
    const t = Math.min(Math.max(step, 0), total - 1);
    if (t <= peakStep) return anneal(initial, peak, t / peakStep);
    return anneal(peak, final, (t - peakStep) / (total - 1 - peakStep));
  };
}
