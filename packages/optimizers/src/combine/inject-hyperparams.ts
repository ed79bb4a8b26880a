import type { GradientTransformation, ScalarOrSchedule } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { builtin, canOverwrite, markFresh, runTransform } from "../core/ownership.js";

/**
 * State of {@link injectHyperparams}: the step count, the hyper-parameter values used by the last step
 * (edit them to change a value mid-run; they are saved with the state), and the inner state.
 */
export interface InjectHyperparamsState<Name extends string, Inner> {
  readonly count: number;
  readonly hyperparams: Readonly<Record<Name, number>>;
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
  const names = Object.keys(hyperparams) as Name[];
  const valuesAt = (step: number, stored: Readonly<Record<Name, number>> | null) => {
    const values = {} as Record<Name, number>;
    for (const name of names) {
      const given = hyperparams[name];
      const value = typeof given === "function" ? given(step) : (stored?.[name] ?? given);
      if (typeof value !== "number" || Number.isNaN(value)) {
        throw new ValueError(
          op,
          `hyperparameter ${name} is ${String(value)} at step ${step}: expected a number (fix the schedule or the value in state.hyperparams)`,
        );
      }
      values[name] = value;
    }
    return values;
  };
  return builtin({
    init: (params) => {
      const values = valuesAt(0, null);
      return { count: 0, hyperparams: values, inner: factory(values).init(params) };
    },
    update: (gradients, state, params) => {
      const values = valuesAt(state.count, state.hyperparams);
      const { result, fresh } = runTransform(
        factory(values),
        gradients,
        state.inner,
        params,
        canOverwrite(gradients),
      );
      return {
        updates: fresh ? markFresh(result.updates) : result.updates,
        state: { count: state.count + 1, hyperparams: values, inner: result.state },
      };
    },
  });
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
  for (const [name, value] of Object.entries(values)) {
    if (!Object.hasOwn(state.hyperparams, name)) {
      throw new ValueError(
        "setHyperparams",
        `unknown hyperparameter ${JSON.stringify(name)}: the state holds ${Object.keys(state.hyperparams).join(", ")}`,
      );
    }
    if (typeof value !== "number" || Number.isNaN(value)) {
      throw new ValueError("setHyperparams", `${name} = ${String(value)} is not a number: pass a number`);
    }
  }
  return { ...state, hyperparams: { ...state.hyperparams, ...values } };
}
