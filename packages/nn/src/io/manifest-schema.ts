import { ValueError } from "@descent/tensor";
import { z } from "zod";
import type { LayerConfig } from "../layers/types.js";
import { limitError, MAX_RANK, type ModelFileLimits } from "./limits.js";

// Why this exists: manifest.json comes from outside, so it is checked by one schema before any field is
// used — including `weights.file`, which names the file loadModel opens: a path there (`../../etc/x`)
// would let a model folder read any file. Errors name the field path and what was expected.

/** Deepest nesting accepted anywhere in a manifest (architecture, metadata, training state). */
export const MAX_MANIFEST_DEPTH = 100;

/**
 * A weights file name a manifest may point to: a plain name in the model folder — letters, digits, `_`,
 * `-` and `.`, not starting with `.`, without `..`, ending in `.safetensors`, at most 255 characters.
 */
export const WEIGHTS_FILE_NAME = /^(?!.*\.\.)[A-Za-z0-9_-][A-Za-z0-9_.-]{0,242}\.safetensors$/;

const tensorEntry = z.object(
  {
    dtype: z.enum(["float32", "float64"], { error: '"float32" or "float64"' }),
    shape: z
      .array(z.int({ error: "a whole number ≥ 0" }).min(0, { error: "a whole number ≥ 0" }), {
        error: "an array of sizes",
      })
      .max(MAX_RANK, { error: `at most ${MAX_RANK} axes` }),
  },
  { error: "{ dtype, shape }" },
);

/** The schema of `manifest.json` (format version 1). */
export const manifestSchema = z.object(
  {
    format: z.literal("descent-model", { error: '"descent-model"' }),
    formatVersion: z.literal(1, { error: "1 (saved by a newer descent?)" }),
    packages: z.record(z.string(), z.string(), { error: "an object of package versions" }),
    seed: z.int({ error: "an integer or null" }).nullable(),
    architecture: z
      .looseObject(
        { type: z.string({ error: "a layer type" }) },
        { error: "a layer config { type, … } or null" },
      )
      .nullable()
      .optional(),
    weights: z.object(
      {
        file: z.string({ error: "a file name" }).regex(WEIGHTS_FILE_NAME, {
          error:
            'a plain file name in the model folder ending in ".safetensors" (letters, digits, "_", "-", "."; no path separator, no "..")',
        }),
        bytes: z.int({ error: "a byte count" }).min(0, { error: "a byte count ≥ 0" }),
        checksum: z.string().regex(/^fnv1a32:[0-9a-f]{8}$/, { error: '"fnv1a32:" and 8 hex digits' }),
      },
      { error: "{ file, bytes, checksum }" },
    ),
    params: z.record(z.string(), tensorEntry, { error: "an object of { dtype, shape }" }),
    state: z.record(z.string(), tensorEntry, { error: "an object of { dtype, shape }" }),
    training: z.unknown(),
    metadata: z.record(z.string(), z.unknown(), { error: "an object" }).optional(),
  },
  { error: "a JSON object" },
);

/** A manifest that passed {@link parseManifest}. */
export type ParsedManifest = z.infer<typeof manifestSchema> & { readonly architecture?: LayerConfig | null };

/**
 * Parses and validates `manifest.json` text: JSON, no `__proto__` key and no nesting deeper than
 * {@link MAX_MANIFEST_DEPTH} anywhere, at most `limits.maxTensors` entries in `params` + `state`, then
 * {@link manifestSchema}.
 *
 * @throws ValueError `op: manifest.json: "weights.file" is "../x", expected a plain file name …`.
 * @example const manifest = parseManifest("loadModel", text, "manifest.json", DEFAULT_MODEL_FILE_LIMITS);
 */
export function parseManifest(
  op: string,
  text: string,
  fileName: string,
  limits: Required<ModelFileLimits>,
): ParsedManifest {
  if (typeof text !== "string") throw new ValueError(op, `${fileName} must be text, got ${typeof text}`);
  if (text.length > limits.maxManifestBytes) {
    throw limitError(op, fileName, text.length, "characters", "maxManifestBytes", limits.maxManifestBytes);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ValueError(op, `${fileName} is not valid JSON (${(error as Error).message})`);
  }
  checkJsonTree(op, raw, fileName);
  const entries = countEntries(raw, "params") + countEntries(raw, "state");
  if (entries > limits.maxTensors) {
    throw limitError(
      op,
      `${fileName} ("params" + "state")`,
      entries,
      "entries",
      "maxTensors",
      limits.maxTensors,
    );
  }
  const result = manifestSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data as ParsedManifest;
  const issue = result.error.issues[0]!;
  const found = "input" in issue ? describeJson(issue.input) : "missing";
  throw new ValueError(op, `${fileName}: "${formatPath(issue.path)}" is ${found}, expected ${issue.message}`);
}

/** Walks parsed JSON without recursion: rejects `__proto__` keys and nesting deeper than the limit. */
function checkJsonTree(op: string, root: unknown, fileName: string): void {
  type Node = {
    readonly value: object;
    readonly key: PropertyKey;
    readonly parent: Node | null;
    readonly depth: number;
  };
  const pathOf = (node: Node | null): PropertyKey[] => {
    const path: PropertyKey[] = [];
    for (let at = node; at !== null && at.parent !== null; at = at.parent) path.unshift(at.key);
    return path;
  };
  if (typeof root !== "object" || root === null) return;
  const stack: Node[] = [{ value: root, key: "", parent: null, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.depth >= MAX_MANIFEST_DEPTH) {
      throw new ValueError(
        op,
        `${fileName}: "${formatPath(pathOf(node).slice(0, 8))}…" is nested more than ${MAX_MANIFEST_DEPTH} levels deep`,
      );
    }
    const push = (value: unknown, key: PropertyKey) => {
      if (typeof value === "object" && value !== null)
        stack.push({ value, key, parent: node, depth: node.depth + 1 });
    };
    if (Array.isArray(node.value)) {
      for (let i = 0; i < node.value.length; i++) push(node.value[i], i);
      continue;
    }
    for (const key of Object.keys(node.value)) {
      if (key === "__proto__") {
        throw new ValueError(
          op,
          `${fileName}: "${formatPath([...pathOf(node), key])}": the key "__proto__" is not allowed (it would set a prototype)`,
        );
      }
      push((node.value as Record<string, unknown>)[key], key);
    }
  }
}

/**
 * Throws unless `value` is JSON that survives a round trip unchanged: plain objects (no `__proto__` key),
 * arrays, strings, finite numbers, booleans and null, nested at most {@link MAX_MANIFEST_DEPTH} deep —
 * so what `serializeModel` writes, `deserializeModel` reads back the same (no NaN turned into null).
 *
 * @example checkPlainJson("serializeModel", { dataset: "mnist" }, "snapshot.metadata")
 */
export function checkPlainJson(op: string, value: unknown, where: string, depth = 0): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (Number.isFinite(value) && !Object.is(value, -0)) return;
    throw new ValueError(
      op,
      `${where} is ${Object.is(value, -0) ? "-0" : value}: JSON holds finite numbers only`,
    );
  }
  if (typeof value !== "object")
    throw new ValueError(op, `${where} is a ${typeof value}: expected plain JSON data`);
  if (depth >= MAX_MANIFEST_DEPTH) {
    throw new ValueError(
      op,
      `${where.slice(0, 200)} is nested more than ${MAX_MANIFEST_DEPTH} levels deep (a cycle?)`,
    );
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkPlainJson(op, value[i], `${where}[${i}]`, depth + 1);
    return;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new ValueError(
      op,
      `${where} is a ${prototype?.constructor?.name ?? "non-plain object"}: expected plain JSON data`,
    );
  }
  for (const key of Object.keys(value)) {
    if (key === "__proto__") throw new ValueError(op, `${where}: the key "__proto__" is not allowed`);
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) checkPlainJson(op, item, `${where}.${key}`, depth + 1);
  }
}

function countEntries(raw: unknown, field: string): number {
  if (typeof raw !== "object" || raw === null || !Object.hasOwn(raw, field)) return 0;
  const value = (raw as Record<string, unknown>)[field];
  return typeof value === "object" && value !== null ? Object.keys(value).length : 0;
}

/** `weights.file`, `params["dense_1.weights"].shape[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => {
      if (typeof part === "number") return `[${part}]`;
      const name = String(part);
      if (/^[A-Za-z_$][\w$]*$/.test(name)) return i === 0 ? name : `.${name}`;
      return `[${JSON.stringify(name)}]`;
    })
    .join("");
}

function describeJson(value: unknown): string {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value);
  if (text === undefined) return typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
