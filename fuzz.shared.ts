/**
 * The outcome rule of every package's fuzz suite (`*.fuzz.test.ts`): a public function given random or
 * adversarial input either returns a correct result or throws a typed descent error whose message names
 * the argument at fault — never a raw TypeError/RangeError, never a hang, never a non-finite number where
 * a finite one was promised.
 *
 * The check is structural (no `instanceof`), because duplicate installs of a package must interoperate:
 * a descent error is an `Error` with a string `op`, a message that starts with `op: `, and a name other
 * than the engine's own error names.
 */

import fc from "fast-check";
import { afterAll } from "vitest";

/** The seed of every fuzz suite: a failure repeats on the next run. */
export const FUZZ_SEED = 42;

/** The runner of one package's fuzz suite: `check` runs a property with the suite's seed and counts its cases. */
export interface FuzzSuite {
  /** Asserts `property` over `numRuns` cases (fast-check, seed {@link FUZZ_SEED}) and counts them. */
  check<T>(property: fc.IProperty<T>, numRuns: number): void;
  /** The fast-check parameters for `numRuns` cases with the suite's seed, counted (for `fc.assert` called directly). */
  runs(numRuns: number): { readonly seed: number; readonly numRuns: number };
  /** Counts cases run without fast-check (e.g. every op against every kind of lying tensor). */
  count(cases: number): void;
}

/**
 * A fuzz suite for `label`: after the test file, prints `<label> fuzz: N cases`, the figure the
 * reliability report quotes.
 *
 * @example
 * const { check } = fuzzSuite("tensor");
 * check(fc.property(fc.anything(), (shape) => void expectDescentOutcome(() => zeros(shape as number[]))), 200);
 */
export function fuzzSuite(label: string): FuzzSuite {
  let cases = 0;
  afterAll(() => console.log(`${label} fuzz: ${cases} cases`));
  return {
    check(property, numRuns) {
      cases += numRuns;
      fc.assert(property, { seed: FUZZ_SEED, numRuns });
    },
    runs(numRuns) {
      cases += numRuns;
      return { seed: FUZZ_SEED, numRuns };
    },
    count(more) {
      cases += more;
    },
  };
}

/**
 * An options argument as a careless or hostile caller passes it: mostly `known` (the option names with
 * adversarial values), sometimes with a misspelt key added, sometimes with an own `__proto__` key (a JSON
 * payload), sometimes not an object at all (`value` itself).
 *
 * @example
 * const options = adversarialOptions(fc.dictionary(fc.constantFrom("epochs"), value), value, { epoch: 3 });
 */
export function adversarialOptions(
  known: fc.Arbitrary<Record<string, unknown>>,
  value: fc.Arbitrary<unknown>,
  misspelt: Readonly<Record<string, unknown>>,
): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: known },
    { weight: 1, arbitrary: known.map((options) => ({ ...options, ...misspelt })) },
    {
      weight: 1,
      arbitrary: known.map((options) => Object.assign(JSON.parse('{"__proto__": {"polluted": 1}}'), options)),
    },
    { weight: 1, arbitrary: value },
  );
}

/** Names of the errors JavaScript engines throw on their own; a descent function must never let one out. */
const ENGINE_ERROR_NAMES = new Set([
  "Error",
  "TypeError",
  "RangeError",
  "SyntaxError",
  "ReferenceError",
  "EvalError",
  "URIError",
  "AggregateError",
  "InternalError",
]);

/** What a fuzzed call may do. */
export interface OutcomeRule<Result> {
  /** When it throws, the message must contain at least one of these (the argument's name, a key, …). */
  readonly names?: readonly string[];
  /** When it returns, this must hold (e.g. every number finite); return a reason string to fail. */
  readonly check?: (result: Result) => true | string;
}

/** The outcome of one fuzzed call: what it returned, or the typed error it threw. */
export type Outcome<Result> =
  | { readonly ok: true; readonly value: Result }
  | { readonly ok: false; readonly error: Error };

/** True when `error` is a descent error: an `Error` with a string `op` and a message `op: …`. */
export function isDescentError(error: unknown): error is Error & { readonly op: string } {
  if (!(error instanceof Error)) return false;
  const op = (error as { op?: unknown }).op;
  return (
    typeof op === "string" &&
    op.length > 0 &&
    error.message.startsWith(`${op}: `) &&
    !ENGINE_ERROR_NAMES.has(error.name)
  );
}

/**
 * Runs `call` and enforces the outcome rule, throwing an assertion error (which fast-check then shrinks)
 * when the call lets out anything but a typed descent error, or returns a result `rule.check` rejects.
 *
 * @example
 * fc.assert(fc.property(fc.anything(), (shape) => {
 *   expectDescentOutcome(() => zeros(shape as number[]), { names: ["shape"], check: (t) => t.size >= 0 || "negative size" });
 * }));
 */
export function expectDescentOutcome<Result>(
  call: () => Result,
  rule: OutcomeRule<Result> = {},
): Outcome<Result> {
  let value: Result;
  try {
    value = call();
  } catch (error) {
    if (!isDescentError(error)) {
      const shown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new Error(`expected a result or a typed descent error, got ${shown}`);
    }
    if (rule.names && rule.names.length > 0 && !rule.names.some((name) => error.message.includes(name))) {
      throw new Error(`the error "${error.message}" names none of ${JSON.stringify(rule.names)}`);
    }
    return { ok: false, error };
  }
  if (rule.check) {
    const verdict = rule.check(value);
    if (verdict !== true) throw new Error(`the result was accepted but wrong: ${verdict}`);
  }
  return { ok: true, value };
}

/** True when every number in `values` is finite (for `check` rules on typed arrays and number lists). */
export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}
