import type { ParamTree } from "@descent/spec";
import { isTensorLike, ValueError } from "@descent/tensor";
import { z } from "zod";

// Why this exists: a state read from a checkpoint has the right structure (checked against `init(params)`)
// but may hold values no run could produce — `count: -5`, a negative second moment — which turn into NaN
// parameters steps later. Each built-in transform declares the rules of its state here, as a zod schema,
// and `validateState` checks a state against them before it is used.

/** The sentences the errors quote: one per rule a state value must follow. */
export const RULES = {
  count: "a step count is a whole number ≥ 0 (at most 2^53 − 1)",
  finite: "moments and buffers are finite numbers",
  nonNegative: "accumulated squares (second moments, sums of g²) are finite and ≥ 0",
  flag: "a flag is true or false",
} as const;

/** A step count: a safe integer ≥ 0. */
export const stepCount = z.int({ error: RULES.count }).min(0, { error: RULES.count });

/** A finite number. */
export const finiteNumber = z
  .number({ error: RULES.finite })
  .refine(Number.isFinite, { error: RULES.finite });

/** A tree of tensors whose every element is finite. */
export const finiteTree = tensorTree(RULES.finite, (x) => x - x === 0);

/** A tree of tensors whose every element is finite and ≥ 0 (second moments, sums of squares). */
export const nonNegativeTree = tensorTree(RULES.nonNegative, (x) => x - x === 0 && x >= 0);

/**
 * A schema for a tree of tensors (a `ParamTree`) whose elements all pass `test`; an issue points at the
 * first element that does not (`mu.layer.weights[3]`). Only own properties are followed.
 */
export function tensorTree(rule: string, test: (x: number) => boolean): z.ZodType<ParamTree> {
  return z.custom<ParamTree>().superRefine((tree, context) => {
    const breach = firstBreach(tree, test, [], 0);
    if (breach !== null)
      context.addIssue({ code: "custom", message: rule, path: breach.path, input: breach.value });
  });
}

const MAX_DEPTH = 100;

function firstBreach(
  node: unknown,
  test: (x: number) => boolean,
  path: (string | number)[],
  depth: number,
): { readonly path: (string | number)[]; readonly value: unknown } | null {
  if (isTensorLike(node)) {
    const data = node.data;
    for (let i = 0; i < data.length; i++) if (!test(data[i]!)) return { path: [...path, i], value: data[i] };
    return null;
  }
  if (typeof node !== "object" || node === null || Array.isArray(node) || depth > MAX_DEPTH) {
    return { path, value: node };
  }
  for (const key of Object.keys(node)) {
    const found = firstBreach((node as Record<string, unknown>)[key], test, [...path, key], depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/**
 * A `validateState` made from a schema: parses `state` (without copying it) and returns it typed, or
 * throws `ValueError: op: <path> = <value> breaks the rule "<rule>": …` for the first value that breaks one.
 *
 * @example
 * ```ts
 * validateState: stateRules("trace", z.object({ momentum: finiteTree })),
 * ```
 */
export function stateRules<State>(
  op: string,
  schema: z.ZodType,
): (state: unknown, params: ParamTree, path: string) => State {
  return (state, _params, path) => {
    const result = schema.safeParse(state);
    if (result.success) return state as State;
    const issue = result.error.issues[0]!;
    throw stateError(op, `${path}${renderPath(issue.path)}`, valueAt(state, issue.path), issue.message);
  };
}

/** The error for a state value that breaks a rule. */
export function stateError(op: string, path: string, value: unknown, rule: string): ValueError {
  return new ValueError(
    op,
    `${path} = ${show(value)} breaks the rule "${rule}": the saved optimizer state is corrupt or was edited (resume from another checkpoint, or start from optimizer.init(params))`,
  );
}

/** The value at `path` in `state`, reading own properties only (a number after a tensor indexes its data). */
function valueAt(state: unknown, path: readonly PropertyKey[]): unknown {
  let node = state;
  for (const key of path) {
    if (isTensorLike(node) && typeof key === "number") node = node.data[key];
    else if (typeof node === "object" && node !== null && Object.hasOwn(node, key))
      node = (node as Record<PropertyKey, unknown>)[key];
    else return undefined;
  }
  return node;
}

/** `["mu", "layer", 3]` → `.mu.layer[3]`. */
export function renderPath(path: readonly PropertyKey[]): string {
  return path.map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`)).join("");
}

function show(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (value === undefined) return "undefined";
  if (isTensorLike(value)) return "a tensor";
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}…` : text;
  } catch {
    return typeof value;
  }
}

/** A boolean flag. */
export const flag = z.boolean({ error: RULES.flag });
