import type { GradientTransformation, ScalarOrSchedule } from "@descent/spec";
import { DescentError, setOwnProperty, ValueError } from "@descent/tensor";
import { z } from "zod";
import {
  describeArgument,
  requireFunction,
  requireState,
  requireStateCount,
  requireTransformation,
} from "../core/validate.js";
import { RULES, stateError, stateRules, stepCount } from "../state/rules.js";

const ownRules = stateRules<InjectHyperparamsState<string, unknown>>(
  "injectHyperparams",
  z.object({ count: stepCount, hyperparams: z.record(z.string(), z.number({ error: RULES.finite })) }),
);

/**
 * State of {@link injectHyperparams}: the step count, the hyper-parameter values used by the last step
 * (edit them to change a value mid-run; they are saved with the state), and the inner state.
 */
export interface InjectHyperparamsState<Name extends string, Inner> {
  /** Steps taken (the step at which the schedules are read next). */
  readonly count: number;
  /** The hyper-parameter values the last step used, by name; edit them to change a value mid-run. */
  readonly hyperparams: Readonly<Record<Name, number>>;
  /** The inner transformation's state. */
  readonly inner: Inner;
}

/**
 * Makes an optimizer's numeric options part of its state, so they can be read, changed mid-run (a
 * learning-rate drop on a plateau) and saved. Each step builds the optimizer from the current values:
 * `T_t = factory(h_t)`, where `h_t[name]` is the schedule's value at step t for options given as a
 * schedule, and the value stored in the state for options given as a number.
 *
 * @param factory - builds the transformation from numbers, e.g. `(h) => adam(h)`.
 * @param hyperparams - initial numbers, or schedules (recomputed every step, overriding edits).
 * @example
 * ```ts
 * const optimizer = injectHyperparams((h) => adam(h), { learningRate: 1e-3 });
 * let state = optimizer.init(params);
 * // … later, on a plateau:
 * state = setHyperparams(state, { learningRate: 1e-4 });
 * ```
 */
export function injectHyperparams<Name extends string, Inner>(
  factory: (hyperparams: Readonly<Record<Name, number>>) => GradientTransformation<Inner>,
  hyperparams: Readonly<Record<Name, ScalarOrSchedule>>,
): GradientTransformation<InjectHyperparamsState<Name, Inner>> {
  const op = "injectHyperparams";
  requireFunction(
    op,
    "factory",
    factory,
    "a function (hyperparams) => GradientTransformation, e.g. (h) => adam(h)",
  );
  if (typeof hyperparams !== "object" || hyperparams === null || Array.isArray(hyperparams)) {
    throw new ValueError(
      op,
      `hyperparams = ${describeArgument(hyperparams)} is not an object: pass the initial values, e.g. { learningRate: 1e-3 }`,
    );
  }
  const names = Object.keys(hyperparams) as Name[];
  for (const name of names) {
    const given: unknown = hyperparams[name];
    if (typeof given !== "function" && (typeof given !== "number" || !Number.isFinite(given))) {
      throw new ValueError(
        op,
        `hyperparams.${name} = ${describeArgument(given)} is neither a finite number nor a schedule: pass a number or (step) => number`,
      );
    }
  }
  const valuesAt = (step: number, stored: Readonly<Record<Name, number>> | null) => {
    const values = {} as Record<Name, number>;
    for (const name of names) {
      const given = hyperparams[name];
      const value =
        typeof given === "function"
          ? given(step)
          : typeof stored === "object" && stored !== null && Object.hasOwn(stored, name)
            ? stored[name]
            : given;
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new ValueError(
          op,
          `hyperparameter ${name} is ${String(value)} at step ${step}: expected a finite number (fix the schedule or the value in state.hyperparams)`,
        );
      }
      setOwnProperty(values, name, value);
    }
    return values;
  };
  const build = (values: Readonly<Record<Name, number>>) => {
    const transform = factory(values);
    requireTransformation(op, "factory(hyperparams)", transform);
    return transform;
  };
  return {
    init: (params) => {
      const values = valuesAt(0, null);
      return { count: 0, hyperparams: values, inner: build(values).init(params) };
    },
    validateState: (state, params, path) => {
      const checked = ownRules(state, params, path) as InjectHyperparamsState<Name, Inner>;
      for (const name of names) {
        const value = checked.hyperparams[name];
        if (!Number.isFinite(value)) throw stateError(op, `${path}.hyperparams.${name}`, value, RULES.finite);
      }
      let inner: GradientTransformation<Inner>;
      try {
        inner = build(valuesAt(checked.count, checked.hyperparams));
      } catch (error) {
        if (!(error instanceof DescentError)) throw error;
        throw new ValueError(
          op,
          `${path}.hyperparams are refused by the optimizer they build: ${error.message}`,
        );
      }
      inner.validateState?.(checked.inner, params, `${path}.inner`);
      return checked;
    },
    update: (gradients, state, params) => {
      requireState(op, state);
      const values = valuesAt(requireStateCount(op, "state.count", state.count), state.hyperparams);
      const result = build(values).update(gradients, state.inner, params);
      return {
        updates: result.updates,
        state: { count: state.count + 1, hyperparams: values, inner: result.state },
      };
    },
  };
}

/**
 * A copy of an {@link injectHyperparams} state with some hyper-parameters changed (the next step uses them).
 *
 * @example
 * ```ts
 * state = setHyperparams(state, { learningRate: state.hyperparams.learningRate / 10 });
 * ```
 */
export function setHyperparams<Name extends string, Inner>(
  state: InjectHyperparamsState<Name, Inner>,
  values: Partial<Readonly<Record<Name, number>>>,
): InjectHyperparamsState<Name, Inner> {
  const hyperparams = (state as { hyperparams?: unknown } | null)?.hyperparams;
  if (
    typeof state !== "object" ||
    state === null ||
    typeof hyperparams !== "object" ||
    hyperparams === null
  ) {
    throw new ValueError(
      "setHyperparams",
      `state = ${describeArgument(state)} has no hyperparams: pass a state made by injectHyperparams(…).init or update`,
    );
  }
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw new ValueError(
      "setHyperparams",
      `values = ${describeArgument(values)} is not an object: pass e.g. { learningRate: 1e-4 }`,
    );
  }
  for (const [name, value] of Object.entries(values)) {
    if (!Object.hasOwn(state.hyperparams, name)) {
      throw new ValueError(
        "setHyperparams",
        `unknown hyperparameter ${JSON.stringify(name)}: the state holds ${Object.keys(state.hyperparams).join(", ")}`,
      );
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new ValueError(
        "setHyperparams",
        `${name} = ${String(value)} is not a finite number: pass a finite number`,
      );
    }
  }
  return { ...state, hyperparams: { ...state.hyperparams, ...values } };
}
