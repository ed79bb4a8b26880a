import { decodeJson, encodeJson, type JsonValue, MAX_JSON_DEPTH } from "@descent/tensor";
import { checkStructure } from "./structure.js";

export type { JsonValue } from "@descent/tensor";

/** Deepest nesting a saved state may have; deeper (or cyclic) data is refused instead of overflowing the stack. */
export const MAX_STATE_DEPTH: number = MAX_JSON_DEPTH;

/**
 * Turns an optimizer state into JSON-safe data that {@link deserializeState} restores bit for bit, with
 * descent's one JSON codec (`encodeJson` of `@descent/tensor`, the one model manifests use).
 *
 * Encoding: numbers stay numbers (JavaScript prints the shortest decimal that parses back to the same
 * float64, and every float32 is a float64, so both dtypes round-trip exactly); NaN, ±Infinity and −0 —
 * which JSON cannot hold — become `{ "$number": "NaN" }` (in tensor data, the bare string); a tensor
 * becomes `{ "$tensor": { dtype, shape, data } }`; object keys starting with `$` get one more `$`.
 *
 * @throws `ValueError` naming the path of anything that is not plain data (a function, a Map, …),
 *   of a `__proto__` key, and of data nested deeper than {@link MAX_STATE_DEPTH} (or cyclic).
 * @example
 * ```ts
 * const text = JSON.stringify(serializeState(state));
 * const restored = deserializeState(JSON.parse(text), optimizer.init(params));
 * ```
 */
export function serializeState(state: unknown): JsonValue {
  return encodeJson(state, { op: "serializeState", root: "state", what: "optimizer state" });
}

/**
 * Restores a state saved by {@link serializeState}. With a `template` (the optimizer's `init(params)`),
 * the saved data is first checked against it — same keys, array lengths, kinds of value, tensor shapes
 * and dtypes — and the result has the template's type. This checks structure, not values: pass the
 * result through `checkOptimizerState(optimizer, state, params)` to check the values too (counts,
 * second moments, …) — `createOptimizer(…).loadState` does both.
 *
 * Only own properties of `json` are read, and the restored objects are fresh plain objects: a
 * `"__proto__"` key is refused (it would set the restored object's prototype), so hostile JSON cannot
 * reach `Object.prototype`.
 *
 * @throws `ValueError` naming the first path where the data is malformed (a `__proto__` key, nesting deeper
 *   than {@link MAX_STATE_DEPTH}, an unknown `$` marker, …) or differs from the template.
 * @example
 * ```ts
 * const state = deserializeState(JSON.parse(text), optimizer.init(params));
 * ```
 */
export function deserializeState<State>(json: JsonValue, template: State): State;
export function deserializeState(json: JsonValue): unknown;
export function deserializeState(json: JsonValue, ...rest: unknown[]): unknown {
  const decoded = decodeJson(json, {
    op: "deserializeState",
    root: "state",
    fix: "pass data written by serializeState",
  });
  if (rest.length > 0) checkStructure("deserializeState", decoded, rest[0], "state");
  return decoded;
}
