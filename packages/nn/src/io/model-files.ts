import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { DescentError, formatShape, ValueError } from "@descent/tensor";
import { dependencies, name as packageName, version as packageVersion } from "../../package.json";
import type { LayerConfig } from "../layers/types.js";
import { parseTrainingCheckpoint } from "../training/checkpoint-schema.js";
import type { TrainingCheckpoint } from "../training/types.js";
import { type ModelFileLimits, resolveLimits } from "./limits.js";
import { checkPlainJson, parseManifest, WEIGHTS_FILE_NAME } from "./manifest-schema.js";
import { checkTreeName, flattenTree, PATH_SEPARATOR, unflattenTree } from "./parameter-names.js";
import { decodeSafetensors, encodeSafetensors, readHeaderLength } from "./safetensors.js";
import { decodeValue, encodeValue } from "./value-codec.js";

/** What a saved model holds. Only `params` is required. */
export interface ModelSnapshot {
  /** `model.config`: rebuild the model with `modelFromConfig`. */
  readonly architecture?: LayerConfig | null;
  /** The trained parameters (the only required field). */
  readonly params: ParamTree;
  /** Non-trainable state (batch-norm running statistics). */
  readonly state?: ParamTree;
  /** The seed the model was initialized / trained with. */
  readonly seed?: number | null;
  /** Present in checkpoints: everything `fit(…, { resume })` needs to continue bit-identically. */
  readonly training?: TrainingCheckpoint | null;
  /** Free-form JSON notes (dataset, accuracy, …). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** The manifest file: human-readable JSON that describes the weights file. */
export interface ModelManifest {
  /** Marks the file as a descent model. */
  readonly format: "descent-model";
  /** Version of this manifest format; a loader refuses versions it does not know. */
  readonly formatVersion: 1;
  /** The `@descent/*` package versions that wrote the files. */
  readonly packages: Readonly<Record<string, string>>;
  /** The seed the model was initialized / trained with, or null. */
  readonly seed: number | null;
  /** The model's config (`model.config`), or null when only parameters were saved. */
  readonly architecture: LayerConfig | null;
  /**
   * The weights file: its name (next to the manifest), its size in bytes, and its FNV-1a checksum
   * (`fnv1a32:<8 hex digits>`).
   */
  readonly weights: { readonly file: string; readonly bytes: number; readonly checksum: string };
  /** Every parameter tensor by flat path (`dense_1.weights`) with its dtype and shape. */
  readonly params: Readonly<Record<string, { readonly dtype: string; readonly shape: readonly number[] }>>;
  /** Every non-trainable state tensor by flat path, with its dtype and shape. */
  readonly state: Readonly<Record<string, { readonly dtype: string; readonly shape: readonly number[] }>>;
  /** The training checkpoint as JSON (its tensors stored in the weights file under `@training.`), or null. */
  readonly training: unknown;
  /** Free-form JSON notes (dataset, accuracy, …). */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** The two files of a saved model. */
export interface SerializedModel {
  /** `manifest.json` text. */
  readonly manifest: string;
  /** The bytes of the weights file the manifest names (`weights.file`). */
  readonly weights: Uint8Array;
}

/** Options of {@link serializeModel}. */
export interface SerializeOptions {
  /** The weights file name written into the manifest (default {@link WEIGHTS_FILE}; `saveModel` versions it). */
  readonly weightsFile?: string;
}

/** Options of {@link deserializeModel} and `loadModel`. */
export interface DeserializeOptions {
  /** Bounds on header size, tensor count, elements and manifest size (see {@link ModelFileLimits}). */
  readonly limits?: ModelFileLimits;
}

/** The manifest's file name inside a saved-model folder: the one pointer to the weights file in use. */
export const MANIFEST_FILE = "manifest.json";
/**
 * The default weights file name: the one {@link serializeModel} writes into a manifest in memory, and the one
 * of folders saved before saves were versioned. `saveModel` writes `model.<generation>.safetensors` instead
 * (see `saveModel` in `@descent/nn/node`); readers always follow the manifest's `weights.file`.
 */
export const WEIGHTS_FILE = "model.safetensors";
const STATE_PREFIX = "@state.";
const TRAINING_PREFIX = "@training";

/** `@descent/*` versions this build was made with (all packages share one version: a fixed changeset group). */
export function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = { [packageName]: packageVersion };
  for (const [name, range] of Object.entries(dependencies as Record<string, string>)) {
    if (name.startsWith("@descent/"))
      versions[name] = range.startsWith("workspace:") ? packageVersion : range;
  }
  return versions;
}

/** FNV-1a over the bytes, as 8 hex digits: detects a weights file that does not belong to its manifest. */
export function checksum(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return `fnv1a32:${(hash >>> 0).toString(16).padStart(8, "0")}`;
}

function describeTree(
  leaves: readonly [string, TensorLike][],
): Record<string, { dtype: string; shape: number[] }> {
  return Object.fromEntries(
    leaves.map(([path, tensor]) => [path, { dtype: tensor.dtype, shape: [...tensor.shape] }]),
  );
}

/** `flattenTree` of a snapshot field, its errors naming the field (`snapshot.params: …`). */
function flattenField(op: string, tree: unknown, field: string): [string, TensorLike][] {
  try {
    return flattenTree(tree as ParamTree);
  } catch (error) {
    if (error instanceof DescentError) throw new ValueError(op, `${field}: ${error.message}`);
    throw error;
  }
}

/**
 * Encodes a model into its two files, in memory (works in browsers): the weights in safetensors format
 * (parameters under their paths, `dense_1.weights`; state under `@state.`; tensors of the training
 * checkpoint such as optimizer moments under `@training.`) and a JSON manifest with the architecture,
 * seed, package versions, parameter list, training checkpoint and the weights' size and checksum.
 *
 * @example
 * const { manifest, weights } = serializeModel({ architecture: model.config, params, seed: 42 });
 */
export function serializeModel(snapshot: ModelSnapshot, options: SerializeOptions = {}): SerializedModel {
  const op = "serializeModel";
  if (typeof snapshot?.params !== "object" || snapshot.params === null)
    throw new ValueError(op, "snapshot.params is required");
  const weightsFile = options?.weightsFile ?? WEIGHTS_FILE;
  if (typeof weightsFile !== "string" || !WEIGHTS_FILE_NAME.test(weightsFile)) {
    throw new ValueError(
      op,
      `options.weightsFile is ${JSON.stringify(weightsFile)}: expected a plain file name ending in ".safetensors" (no path separator, no "..")`,
    );
  }
  const tensors: Record<string, TensorLike> = Object.create(null);
  const paramLeaves = flattenField(op, snapshot.params, "snapshot.params");
  for (const [path, tensor] of paramLeaves) {
    if (path.startsWith("@"))
      throw new ValueError(op, `parameter "${path}" starts with "@", which is reserved`);
    tensors[path] = tensor;
  }
  const stateLeaves = flattenField(op, snapshot.state ?? {}, "snapshot.state");
  for (const [path, tensor] of stateLeaves) tensors[`${STATE_PREFIX}${path}`] = tensor;
  const training = snapshot.training ? encodeValue(snapshot.training, TRAINING_PREFIX, tensors) : null;
  const seed = snapshot.seed ?? snapshot.training?.seed ?? null;
  if (seed !== null && !Number.isSafeInteger(seed)) {
    throw new ValueError(op, `snapshot.seed is ${String(seed)}: expected an integer or null`);
  }
  checkPlainJson(op, snapshot.architecture ?? null, "snapshot.architecture");
  checkPlainJson(op, snapshot.metadata ?? {}, "snapshot.metadata");
  const weights = encodeSafetensors(tensors, {
    format: "descent-model",
    formatVersion: "1",
    ...(seed === null ? {} : { seed: String(seed) }),
    ...(snapshot.training ? { step: String(snapshot.training.step) } : {}),
  });
  const manifest: ModelManifest = {
    format: "descent-model",
    formatVersion: 1,
    packages: packageVersions(),
    seed,
    architecture: snapshot.architecture ?? null,
    weights: { file: weightsFile, bytes: weights.length, checksum: checksum(weights) },
    params: describeTree(paramLeaves),
    state: describeTree(stateLeaves),
    training,
    metadata: snapshot.metadata ?? {},
  };
  return { manifest: `${JSON.stringify(manifest, null, 2)}\n`, weights };
}

/**
 * Decodes and validates a saved model: the manifest against its schema (`manifest-schema.ts`), that the
 * weights file is the one the manifest describes (size and checksum), the safetensors file within
 * `options.limits`, every tensor's presence, dtype and shape, that every tensor of the file is claimed
 * exactly once (by `params`, `state` or the training checkpoint), parameter names that cannot reach
 * `Object.prototype`, and the training checkpoint. Nothing is returned unless everything checks out.
 *
 * @throws ValueError naming the field, what was found and what was expected.
 * @example
 * const { params, state, architecture } = deserializeModel({ manifest, weights });
 */
export function deserializeModel(files: SerializedModel, options: DeserializeOptions = {}): ModelSnapshot {
  const op = "deserializeModel";
  const limits = resolveLimits(op, options?.limits);
  if (typeof files !== "object" || files === null) {
    throw new ValueError(op, "files must be { manifest: string, weights: Uint8Array }");
  }
  const manifest = parseManifest(op, files.manifest, MANIFEST_FILE, limits);
  const weightsFile = manifest.weights.file;
  if (!(files.weights instanceof Uint8Array)) {
    throw new ValueError(op, `files.weights must be a Uint8Array (the bytes of ${weightsFile})`);
  }
  if (manifest.weights.bytes !== files.weights.length) {
    throw new ValueError(
      op,
      `${weightsFile} has ${files.weights.length} bytes but the manifest expects ${manifest.weights.bytes}: the file is truncated or belongs to another save`,
    );
  }
  readHeaderLength(op, files.weights, limits);
  const actualChecksum = checksum(files.weights);
  if (actualChecksum !== manifest.weights.checksum) {
    throw new ValueError(
      op,
      `${weightsFile} checksum is ${actualChecksum} but the manifest expects ${manifest.weights.checksum}: the file is corrupt or belongs to another save`,
    );
  }
  const { tensors } = decodeSafetensors(files.weights, { limits });
  // Every tensor of the file must be claimed exactly once; one left over is data the manifest hides.
  const claimed = new Set<string>();
  const collect = (field: "params" | "state", prefix: string): ParamTree => {
    const entries: [string, TensorLike][] = [];
    for (const path of Object.keys(manifest[field])) {
      const expected = manifest[field][path]!;
      if (field === "params" && path.startsWith("@")) {
        throw new ValueError(
          op,
          `params "${path}" starts with "@", which is reserved for state and training tensors`,
        );
      }
      const name = `${prefix}${path}`;
      for (const part of path.split(PATH_SEPARATOR)) checkTreeName(op, part, name);
      if (!Object.hasOwn(tensors, name))
        throw new ValueError(
          op,
          `${field} "${path}" is listed in the manifest but missing from ${weightsFile}`,
        );
      const tensor = tensors[name]!;
      if (tensor.dtype !== expected.dtype) {
        throw new ValueError(
          op,
          `${field} "${path}" has dtype ${tensor.dtype} but the manifest says ${JSON.stringify(expected.dtype)}`,
        );
      }
      const shape = expected.shape;
      if (shape.length !== tensor.shape.length || shape.some((size, i) => size !== tensor.shape[i])) {
        throw new ValueError(
          op,
          `${field} "${path}" has shape ${formatShape(tensor.shape)} but the manifest says ${JSON.stringify(shape)}`,
        );
      }
      claimed.add(name);
      entries.push([path, tensor]);
    }
    return unflattenTree(entries);
  };
  const params = collect("params", "");
  const state = collect("state", STATE_PREFIX);
  const decodedTraining =
    manifest.training === null || manifest.training === undefined
      ? null
      : decodeValue(manifest.training, tensors, "training", claimed);
  // The one checkpoint schema, shared with fit's `resume`.
  const training = decodedTraining === null ? null : parseTrainingCheckpoint(decodedTraining, op, "training");
  for (const name of Object.keys(tensors)) {
    if (!claimed.has(name))
      throw new ValueError(op, `${weightsFile} holds tensor "${name}", which the manifest does not list`);
  }
  const seed = manifest.seed;
  return {
    architecture: (manifest.architecture ?? null) as LayerConfig | null,
    params,
    state,
    seed: seed as number | null,
    training: training as TrainingCheckpoint | null,
    metadata: (manifest.metadata ?? {}) as Record<string, unknown>,
  };
}
