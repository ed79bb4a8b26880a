import type { Schedule } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import {
  rejectUnknownOptions,
  requireBoolean,
  requireFinite,
  requireInteger,
  requireOptionsObject,
  requirePositive,
  requireStep,
} from "../core/validate.js";

/**
 * A schedule that always returns `value`: `η(t) = value`.
 *
 * @example
 * ```ts
 * constantSchedule(0.1)(1000); // 0.1
 * ```
 */
export function constantSchedule(value: number): Schedule {
  requireFinite("constantSchedule", "value", value);
  return (step) => {
    requireStep("constantSchedule", step);
    return value;
  };
}

/**
 * Linear interpolation from `initialValue` to `endValue` over `transitionSteps` steps, starting at
 * `transitionBegin`: `η(t) = η₀ + (η₁ − η₀)·clip((t − b)/T, 0, 1)`.
 *
 * @example
 * ```ts
 * const warmup = linearSchedule({ initialValue: 0, endValue: 1e-3, transitionSteps: 100 });
 * warmup(50); // 5e-4
 * ```
 */
export function linearSchedule(options: {
  readonly initialValue: number;
  readonly endValue: number;
  readonly transitionSteps: number;
  readonly transitionBegin?: number;
}): Schedule {
  requireOptionsObject("linearSchedule", options);
  return polynomialSchedule(
    "linearSchedule",
    {
      initialValue: options.initialValue,
      endValue: options.endValue,
      decaySteps: options.transitionSteps,
      transitionBegin: options.transitionBegin ?? 0,
      power: 1,
    },
    ["initialValue", "endValue", "transitionSteps", "transitionBegin"],
    options,
  );
}

/**
 * Polynomial decay from `initialValue` to `endValue` over `decaySteps` steps (TF's `PolynomialDecay`, optax's
 * `polynomial_schedule`): `η(t) = (η₀ − η₁)·(1 − min(t − b, T)/T)^p + η₁` for `t ≥ b`, and `η₀` before `b`.
 *
 * @example
 * ```ts
 * polynomialDecay({ initialValue: 1, endValue: 0, power: 2, decaySteps: 10 })(5); // 0.25
 * ```
 */
export function polynomialDecay(options: {
  readonly initialValue: number;
  readonly endValue?: number;
  readonly power?: number;
  readonly decaySteps: number;
  readonly transitionBegin?: number;
}): Schedule {
  requireOptionsObject("polynomialDecay", options);
  return polynomialSchedule(
    "polynomialDecay",
    {
      initialValue: options.initialValue,
      endValue: options.endValue ?? 0,
      decaySteps: options.decaySteps,
      transitionBegin: options.transitionBegin ?? 0,
      power: options.power ?? 1,
    },
    ["initialValue", "endValue", "power", "decaySteps", "transitionBegin"],
    options,
  );
}

function polynomialSchedule(
  op: string,
  settings: {
    initialValue: number;
    endValue: number;
    decaySteps: number;
    transitionBegin: number;
    power: number;
  },
  known: readonly string[],
  given: object,
): Schedule {
  rejectUnknownOptions(op, given, known);
  const initial = requireFinite(op, "initialValue", settings.initialValue);
  const end = requireFinite(op, "endValue", settings.endValue);
  const steps = requireInteger(
    op,
    known.includes("transitionSteps") ? "transitionSteps" : "decaySteps",
    settings.decaySteps,
    1,
  );
  const begin = requireInteger(op, "transitionBegin", settings.transitionBegin, 0);
  const power = requirePositive(op, "power", settings.power);
  return (step) => {
    requireStep(op, step);
    const progress = Math.min(Math.max(step - begin, 0), steps) / steps;
    return (initial - end) * (1 - progress) ** power + end;
  };
}

/**
 * Piecewise-constant values: `η(t) = values[i]` where `i` is the number of boundaries `≤ t`
 * (a boundary is the first step of the next value).
 *
 * @example
 * ```ts
 * const steps = piecewiseConstantSchedule({ boundaries: [100, 200], values: [0.1, 0.01, 0.001] });
 * steps(99); // 0.1;  steps(100); // 0.01;  steps(250); // 0.001
 * ```
 */
export function piecewiseConstantSchedule(options: {
  readonly boundaries: readonly number[];
  readonly values: readonly number[];
}): Schedule {
  const op = "piecewiseConstantSchedule";
  rejectUnknownOptions(op, options, ["boundaries", "values"]);
  for (const name of ["boundaries", "values"] as const) {
    if (!Array.isArray(options[name])) {
      throw new ValueError(
        op,
        `options.${name} is not an array: pass e.g. { boundaries: [100, 200], values: [0.1, 0.01, 0.001] }`,
      );
    }
  }
  const boundaries = [...options.boundaries];
  const values = [...options.values];
  if (values.length !== boundaries.length + 1) {
    throw new ValueError(
      op,
      `${boundaries.length} boundaries need ${boundaries.length + 1} values, got ${values.length}: give one value before the first boundary and one after each`,
    );
  }
  boundaries.forEach((boundary, i) => {
    requireInteger(op, `boundaries[${i}]`, boundary, 0);
    if (i > 0 && boundary <= boundaries[i - 1]!) {
      throw new ValueError(
        op,
        `boundaries must increase, but boundaries[${i}] = ${boundary} ≤ ${boundaries[i - 1]}: sort them`,
      );
    }
  });
  for (const [i, value] of values.entries()) requireFinite(op, `values[${i}]`, value);
  return (step) => {
    requireStep(op, step);
    let index = 0;
    while (index < boundaries.length && step >= boundaries[index]!) index++;
    return values[index]!;
  };
}

/**
 * Exponential decay (TF's `ExponentialDecay`, optax's `exponential_decay`):
 * `η(t) = η₀ · r^((t − b)/T)` for `t ≥ b` (η₀ before), with the exponent floored when `staircase`;
 * `endValue` bounds the result (a floor when `r < 1`, a ceiling when `r > 1`).
 *
 * @example
 * ```ts
 * exponentialDecay({ initialValue: 0.1, decayRate: 0.5, transitionSteps: 10 })(20); // 0.025
 * exponentialDecay({ initialValue: 0.1, decayRate: 0.5, transitionSteps: 10, staircase: true })(15); // 0.05
 * ```
 */
export function exponentialDecay(options: {
  readonly initialValue: number;
  readonly decayRate: number;
  readonly transitionSteps: number;
  readonly staircase?: boolean;
  readonly transitionBegin?: number;
  readonly endValue?: number;
}): Schedule {
  const op = "exponentialDecay";
  rejectUnknownOptions(op, options, [
    "initialValue",
    "decayRate",
    "transitionSteps",
    "staircase",
    "transitionBegin",
    "endValue",
  ]);
  const initial = requireFinite(op, "initialValue", options.initialValue);
  const rate = requirePositive(op, "decayRate", options.decayRate);
  const steps = requireInteger(op, "transitionSteps", options.transitionSteps, 1);
  const begin = requireInteger(op, "transitionBegin", options.transitionBegin ?? 0, 0);
  const staircase = requireBoolean(op, "staircase", options.staircase ?? false);
  const end = options.endValue === undefined ? undefined : requireFinite(op, "endValue", options.endValue);
  return (step) => {
    requireStep(op, step);
    let exponent = Math.max(step - begin, 0) / steps;
    if (staircase) exponent = Math.floor(exponent);
    const value = initial * rate ** exponent;
    if (end === undefined) return value;
    return rate < 1 ? Math.max(value, end) : Math.min(value, end);
  };
}
