// The issue and the articles name the schedules `constant`, `piecewiseConstant` and `linear`; the
// canonical exports carry a `Schedule` suffix (as optax does) because `linear` is also an activation.
// These aliases are the same functions, so either name gives identical schedules.

import { constantSchedule, linearSchedule, piecewiseConstantSchedule } from "./decay.js";

/**
 * Alias of {@link constantSchedule}: `η(t) = value`.
 *
 * @example
 * ```ts
 * constant(0.1)(1000); // 0.1
 * ```
 */
export const constant: typeof constantSchedule = constantSchedule;

/**
 * Alias of {@link piecewiseConstantSchedule}: `η(t) = values[i]`, `i` = number of boundaries `≤ t`.
 *
 * @example
 * ```ts
 * piecewiseConstant({ boundaries: [100], values: [0.1, 0.01] })(150); // 0.01
 * ```
 */
export const piecewiseConstant: typeof piecewiseConstantSchedule = piecewiseConstantSchedule;

/**
 * Alias of {@link linearSchedule}: `η(t) = η₀ + (η₁ − η₀)·clip((t − b)/T, 0, 1)`. Import it under another
 * name next to the `linear` activation: `import { linear as linearSchedule } from "@descent/optimizers"`.
 *
 * @example
 * ```ts
 * linear({ initialValue: 0, endValue: 1e-3, transitionSteps: 100 })(50); // 5e-4
 * ```
 */
export const linear: typeof linearSchedule = linearSchedule;
