import type { ScalarOrSchedule, TreeLayout } from "@descent/spec";
import { ValueError } from "@descent/tensor";

function show(value: unknown): string {
  return typeof value === "number" ? String(value) : describeArgument(value);
}

/** `value` must be a finite number ≥ 0 (learning rates, weight decay, …). */
export function requireNonNegative(op: string, name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ValueError(op, `${name} = ${show(value)} is outside [0, ∞): pass a finite number ≥ 0`);
  }
  return value;
}

/** `value` must be a finite number > 0 (ε, norms, …). */
export function requirePositive(op: string, name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ValueError(op, `${name} = ${show(value)} is outside (0, ∞): pass a finite number > 0`);
  }
  return value;
}

/** `value` must lie in [0, 1) (β coefficients, decay rates, momentum). */
export function requireUnitInterval(op: string, name: string, value: number): number {
  if (typeof value !== "number" || !(value >= 0 && value < 1)) {
    throw new ValueError(op, `${name} = ${show(value)} is outside [0, 1): pass a number like 0.9`);
  }
  return value;
}

/** `value` must be a finite number (any sign). */
export function requireFinite(op: string, name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValueError(op, `${name} = ${show(value)} is not a finite number: pass a finite number`);
  }
  return value;
}

/** `value` must be an integer ≥ `minimum`. */
export function requireInteger(op: string, name: string, value: number, minimum: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < minimum) {
    throw new ValueError(
      op,
      `${name} = ${show(value)} is outside the integers ≥ ${minimum}: pass a whole number ≥ ${minimum}`,
    );
  }
  return value;
}

/** A boolean option. */
export function requireBoolean(op: string, name: string, value: boolean): boolean {
  if (typeof value !== "boolean") {
    throw new ValueError(op, `${name} = ${show(value)} is not a boolean: pass true or false`);
  }
  return value;
}

/** A number ≥ 0 or a schedule (checked when evaluated, see {@link evaluateNonNegative}). */
export function requireScalarOrSchedule(op: string, name: string, value: ScalarOrSchedule): ScalarOrSchedule {
  if (typeof value === "function") return value;
  return requireNonNegative(op, name, value);
}

/** Value of a number-or-schedule at `step`, which must be a finite number ≥ 0 (a schedule is checked at every step). */
export function evaluateNonNegative(op: string, name: string, value: ScalarOrSchedule, step: number): number {
  if (typeof value === "number") return value;
  const result = value(step);
  if (typeof result !== "number" || !Number.isFinite(result) || result < 0) {
    throw new ValueError(
      op,
      `the ${name} schedule returned ${show(result)} at step ${step}: a ${name} must be a finite number ≥ 0, fix the schedule`,
    );
  }
  return result;
}

/** Rejects option names the function does not know (catches `lr` for `learningRate` and other typos). */
export function rejectUnknownOptions(op: string, options: object, known: readonly string[]): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValueError(
      op,
      `options = ${show(options)} is not an object: pass { ${known.join(", ")} } (all optional unless documented)`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const hint = key === "lr" ? " (use learningRate)" : "";
      throw new ValueError(
        op,
        `unknown option ${JSON.stringify(key)}${hint}: known options are ${known.join(", ")}`,
      );
    }
  }
}

/** The optional declarations of a gradient transformation, each `true` or absent, and what declaring it says. */
const DECLARATIONS = {
  passesGradientsThrough: "updates are the gradients, untouched and not kept",
  releasesGradients: "the updates and state never share the gradients' arrays",
  propagatesNonFinite: "a non-finite gradient always gives a non-finite update",
} as const;

/**
 * `value` must be a gradient transformation: an object with `init` and `update` functions (`validateState` and
 * `fusedApply` functions or absent, `passesGradientsThrough`, `releasesGradients` and `propagatesNonFinite`
 * true or absent).
 */
export function requireTransformation(op: string, name: string, value: unknown): void {
  const candidate = value as { init?: unknown; update?: unknown; validateState?: unknown } | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.init !== "function" ||
    typeof candidate.update !== "function" ||
    (candidate.validateState !== undefined && typeof candidate.validateState !== "function")
  ) {
    throw new ValueError(
      op,
      `${name} = ${describeArgument(value)} is not a gradient transformation: pass an optimizer or transform such as adam() or scaleByAdam() (an object with init and update functions)`,
    );
  }
  const declared = value as Record<string, unknown>;
  if (declared.fusedApply !== undefined && typeof declared.fusedApply !== "function") {
    throw new ValueError(
      op,
      `${name}.fusedApply = ${describeArgument(declared.fusedApply)} is not a function: declare fusedApply(gradients, state, params, options) or leave it out`,
    );
  }
  for (const [key, meaning] of Object.entries(DECLARATIONS)) {
    const flag = declared[key];
    if (flag !== undefined && flag !== true) {
      throw new ValueError(
        op,
        `${name}.${key} = ${describeArgument(flag)}: declare it true (${meaning}) or leave it out`,
      );
    }
  }
}

/** A function argument (masks, factories, schedules). */
export function requireFunction(op: string, name: string, value: unknown, expected: string): void {
  if (typeof value !== "function") {
    throw new ValueError(op, `${name} = ${describeArgument(value)} is not a function: pass ${expected}`);
  }
}

/** Throws unless `value` looks like a `TreeLayout` (an object with a `structure` and an array of `paths`). */
export function requireTreeLayout(op: string, name: string, value: unknown): asserts value is TreeLayout {
  const layout = value as Partial<TreeLayout> | null;
  if (
    typeof layout !== "object" ||
    layout === null ||
    typeof layout.structure !== "object" ||
    !Array.isArray(layout.paths)
  ) {
    throw new ValueError(
      op,
      `${name} = ${describeArgument(value)} is not a tree layout: pass the result of treeLayout(params) or leave it out`,
    );
  }
}

/** A value as a message shows it: JSON when it has one (cut at 60 characters), else its kind. */
export function describeArgument(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) return Array.isArray(value) ? "an array" : "an object";
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The state passed to `update` must be an object: the one `init` or the last `update` returned. */
export function requireState(op: string, state: unknown): void {
  if (typeof state !== "object" || state === null) {
    throw new ValueError(
      op,
      `state = ${describeArgument(state)} is not this transform's state: pass the state returned by init or by the last update`,
    );
  }
}

/** A step count read from a state: a whole number ≥ 0 (checked on every update; it is cheap and a bad one poisons every later step). */
export function requireStateCount(op: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new ValueError(
      op,
      `${name} = ${describeArgument(value)} is not a step count (a whole number ≥ 0): pass the state returned by init or by the last update`,
    );
  }
  return value;
}

/** A finite number read from a state. */
export function requireStateNumber(op: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValueError(
      op,
      `${name} = ${describeArgument(value)} is not a finite number: pass the state returned by init or by the last update`,
    );
  }
  return value;
}

/** The step a schedule is evaluated at: a finite number ≥ 0 (the number of updates done so far). */
export function requireStep(op: string, step: number): number {
  if (typeof step !== "number" || !Number.isFinite(step) || step < 0) {
    throw new ValueError(
      op,
      `step = ${describeArgument(step)} is not a step: a schedule is evaluated at a finite number ≥ 0 (the updates done so far)`,
    );
  }
  return step;
}

/** An options object (before its fields are read): a plain object, or `undefined` when `optional`. */
export function requireOptionsObject(op: string, options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValueError(
      op,
      `options = ${describeArgument(options)} is not an object: pass { … } with the documented options`,
    );
  }
}
