import { ValueError } from "@descent/tensor";

// Why this exists: a model file is input from outside. A 59 MB safetensors header naming 1,000,000 empty
// tensors used to take 21 s and +1.2 GB before anything was rejected. Every size a file declares is
// checked against one of these limits before the work it would cost is done.

/** Upper bounds on what a model file may make the reader allocate; raise them for trusted, larger files. */
export interface ModelFileLimits {
  /** Largest safetensors JSON header, in bytes. Default 16 MiB (≈ 100,000 tensors with long names). */
  readonly maxHeaderBytes?: number;
  /** Most tensors in one safetensors file (and entries in a manifest's `params` + `state`). Default 100,000. */
  readonly maxTensors?: number;
  /** Most elements over all tensors of one file. Default 2^31 (8 GiB of float32). */
  readonly maxElements?: number;
  /** Largest `manifest.json`, in bytes (it holds the training history of checkpoints). Default 64 MiB. */
  readonly maxManifestBytes?: number;
}

/** The limits used when none are given (see {@link ModelFileLimits} for each). */
export const DEFAULT_MODEL_FILE_LIMITS: Readonly<Required<ModelFileLimits>> = Object.freeze({
  maxHeaderBytes: 16 * 1024 * 1024,
  maxTensors: 100_000,
  maxElements: 2 ** 31,
  maxManifestBytes: 64 * 1024 * 1024,
});

/** Most axes a stored tensor may have (not an option: no descent op uses more than a handful). */
export const MAX_RANK = 32;

/**
 * The limits in force: `limits` over {@link DEFAULT_MODEL_FILE_LIMITS}, each a positive safe integer.
 *
 * @example resolveLimits("loadModel", { maxTensors: 1_000_000 }).maxHeaderBytes // 16777216
 */
export function resolveLimits(op: string, limits: ModelFileLimits | undefined): Required<ModelFileLimits> {
  if (limits === undefined) return DEFAULT_MODEL_FILE_LIMITS;
  if (typeof limits !== "object" || limits === null) {
    throw new ValueError(op, `options.limits must be an object such as { maxTensors: 200000 }`);
  }
  const resolved = { ...DEFAULT_MODEL_FILE_LIMITS };
  for (const key of Object.keys(limits)) {
    if (!Object.hasOwn(DEFAULT_MODEL_FILE_LIMITS, key)) {
      throw new ValueError(
        op,
        `options.limits.${key} is not a limit: expected ${Object.keys(DEFAULT_MODEL_FILE_LIMITS).join(", ")}`,
      );
    }
    const value = (limits as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
      throw new ValueError(op, `options.limits.${key} must be a positive integer, got ${String(value)}`);
    }
    (resolved as Record<string, number>)[key] = value;
  }
  return resolved;
}

/**
 * The error for a file that exceeds a limit: what was found, the limit, and how to raise it.
 *
 * @example throw limitError("decodeSafetensors", "the header", 6e7, "bytes", "maxHeaderBytes", 16777216)
 */
export function limitError(
  op: string,
  what: string,
  found: number,
  unit: string,
  option: keyof ModelFileLimits,
  limit: number,
): ValueError {
  const format = (n: number) => n.toLocaleString("en-US");
  return new ValueError(
    op,
    `${what} has ${format(found)} ${unit}, more than the limit of ${format(limit)} (limits.${option}); if the file is trusted, raise it with { limits: { ${option}: … } }`,
  );
}
