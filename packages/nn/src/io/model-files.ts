import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { formatShape, ValueError } from "@descent/tensor";
import { dependencies, name as packageName, version as packageVersion } from "../../package.json";
import type { LayerConfig } from "../layers/types.js";
import type { TrainingCheckpoint } from "../training/types.js";
import { flattenTree, unflattenTree } from "../tree/tree.js";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.js";
import { decodeValue, encodeValue } from "./value-codec.js";

/** What a saved model holds. Only `params` is required. */
export interface ModelSnapshot {
  /** `model.config`: rebuild the model with `modelFromConfig`. */
  readonly architecture?: LayerConfig | null;
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
  readonly format: "descent-model";
  readonly formatVersion: 1;
  readonly packages: Readonly<Record<string, string>>;
  readonly seed: number | null;
  readonly architecture: LayerConfig | null;
  readonly weights: { readonly file: string; readonly bytes: number; readonly checksum: string };
  readonly params: Readonly<Record<string, { readonly dtype: string; readonly shape: readonly number[] }>>;
  readonly state: Readonly<Record<string, { readonly dtype: string; readonly shape: readonly number[] }>>;
  readonly training: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** The two files of a saved model. */
export interface SerializedModel {
  /** `manifest.json` text. */
  readonly manifest: string;
  /** `model.safetensors` bytes. */
  readonly weights: Uint8Array;
}

/** File names inside a saved-model folder. */
export const MANIFEST_FILE = "manifest.json";
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

function describeTree(tree: ParamTree): Record<string, { dtype: string; shape: number[] }> {
  return Object.fromEntries(
    flattenTree(tree).map(([path, tensor]) => [path, { dtype: tensor.dtype, shape: [...tensor.shape] }]),
  );
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
export function serializeModel(snapshot: ModelSnapshot): SerializedModel {
  const op = "serializeModel";
  if (typeof snapshot?.params !== "object" || snapshot.params === null)
    throw new ValueError(op, "snapshot.params is required");
  const tensors: Record<string, TensorLike> = {};
  for (const [path, tensor] of flattenTree(snapshot.params)) {
    if (path.startsWith("@"))
      throw new ValueError(op, `parameter "${path}" starts with "@", which is reserved`);
    tensors[path] = tensor;
  }
  const state = snapshot.state ?? {};
  for (const [path, tensor] of flattenTree(state)) tensors[`${STATE_PREFIX}${path}`] = tensor;
  const training = snapshot.training ? encodeValue(snapshot.training, TRAINING_PREFIX, tensors) : null;
  const seed = snapshot.seed ?? snapshot.training?.seed ?? null;
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
    weights: { file: WEIGHTS_FILE, bytes: weights.length, checksum: checksum(weights) },
    params: describeTree(snapshot.params),
    state: describeTree(state),
    training,
    metadata: snapshot.metadata ?? {},
  };
  return { manifest: `${JSON.stringify(manifest, null, 2)}\n`, weights };
}

/**
 * Decodes and validates a saved model: the manifest's fields, that the weights file is the one the
 * manifest describes (size and checksum), every tensor's presence, dtype and shape, and the training
 * checkpoint. Nothing is returned unless everything checks out.
 *
 * @throws ValueError naming the field, what was found and what was expected.
 * @example
 * const { params, state, architecture } = deserializeModel({ manifest, weights });
 */
export function deserializeModel(files: SerializedModel): ModelSnapshot {
  const op = "deserializeModel";
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(files.manifest);
  } catch (error) {
    throw new ValueError(op, `${MANIFEST_FILE} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) {
    throw new ValueError(op, `${MANIFEST_FILE} must hold a JSON object`);
  }
  if (manifest.format !== "descent-model") {
    throw new ValueError(
      op,
      `${MANIFEST_FILE}: "format" is ${JSON.stringify(manifest.format)}, expected "descent-model"`,
    );
  }
  if (manifest.formatVersion !== 1) {
    throw new ValueError(
      op,
      `${MANIFEST_FILE}: "formatVersion" is ${JSON.stringify(manifest.formatVersion)}, expected 1 (saved by a newer descent?)`,
    );
  }
  const weightsInfo = manifest.weights as { bytes?: unknown; checksum?: unknown } | undefined;
  if (typeof weightsInfo?.bytes !== "number" || typeof weightsInfo.checksum !== "string") {
    throw new ValueError(op, `${MANIFEST_FILE}: "weights" must be { file, bytes, checksum }`);
  }
  if (weightsInfo.bytes !== files.weights.length) {
    throw new ValueError(
      op,
      `${WEIGHTS_FILE} has ${files.weights.length} bytes but the manifest expects ${weightsInfo.bytes}: the file is truncated or belongs to another save`,
    );
  }
  const actualChecksum = checksum(files.weights);
  if (actualChecksum !== weightsInfo.checksum) {
    throw new ValueError(
      op,
      `${WEIGHTS_FILE} checksum is ${actualChecksum} but the manifest expects ${weightsInfo.checksum}: the file is corrupt or belongs to another save`,
    );
  }
  const { tensors } = decodeSafetensors(files.weights);
  const collect = (field: "params" | "state", prefix: string): ParamTree => {
    const listed = manifest[field];
    if (typeof listed !== "object" || listed === null || Array.isArray(listed)) {
      throw new ValueError(op, `${MANIFEST_FILE}: "${field}" must be an object of { dtype, shape }`);
    }
    const entries: [string, TensorLike][] = [];
    for (const [path, expected] of Object.entries(
      listed as Record<string, { dtype?: unknown; shape?: unknown }>,
    )) {
      const tensor = tensors[`${prefix}${path}`];
      if (tensor === undefined)
        throw new ValueError(
          op,
          `${field} "${path}" is listed in the manifest but missing from ${WEIGHTS_FILE}`,
        );
      if (tensor.dtype !== expected?.dtype) {
        throw new ValueError(
          op,
          `${field} "${path}" has dtype ${tensor.dtype} but the manifest says ${JSON.stringify(expected?.dtype)}`,
        );
      }
      const shape = expected.shape;
      if (
        !Array.isArray(shape) ||
        shape.length !== tensor.shape.length ||
        shape.some((size, i) => size !== tensor.shape[i])
      ) {
        throw new ValueError(
          op,
          `${field} "${path}" has shape ${formatShape(tensor.shape)} but the manifest says ${JSON.stringify(shape)}`,
        );
      }
      entries.push([path, tensor]);
    }
    return unflattenTree(entries);
  };
  const params = collect("params", "");
  const state = collect("state", STATE_PREFIX);
  for (const name of Object.keys(tensors)) {
    const known = name.startsWith(TRAINING_PREFIX)
      ? true
      : name.startsWith(STATE_PREFIX)
        ? name.slice(STATE_PREFIX.length) in (manifest.state as object)
        : name in (manifest.params as object);
    if (!known)
      throw new ValueError(op, `${WEIGHTS_FILE} holds tensor "${name}", which the manifest does not list`);
  }
  const training =
    manifest.training === null || manifest.training === undefined
      ? null
      : decodeValue(manifest.training, tensors, "training");
  if (training !== null) checkTraining(op, training);
  const seed = manifest.seed;
  if (seed !== null && !Number.isSafeInteger(seed))
    throw new ValueError(op, `${MANIFEST_FILE}: "seed" must be an integer or null`);
  return {
    architecture: (manifest.architecture ?? null) as LayerConfig | null,
    params,
    state,
    seed: seed as number | null,
    training: training as TrainingCheckpoint | null,
    metadata: (manifest.metadata ?? {}) as Record<string, unknown>,
  };
}

function checkTraining(op: string, training: unknown): void {
  const t = training as Record<string, unknown>;
  for (const field of [
    "step",
    "epoch",
    "batchInEpoch",
    "seed",
    "learningRateScale",
    "epochLossSum",
    "epochSampleCount",
  ]) {
    if (typeof t[field] !== "number")
      throw new ValueError(op, `training checkpoint: "${field}" must be a number`);
  }
  for (const field of ["shuffleRandomState", "layerRandomState"]) {
    if (!Array.isArray(t[field]))
      throw new ValueError(op, `training checkpoint: "${field}" must be an array of integers`);
  }
  const history = t.history as { epochs?: unknown; steps?: { loss?: unknown } } | undefined;
  if (!Array.isArray(history?.epochs) || !Array.isArray(history?.steps?.loss)) {
    throw new ValueError(op, 'training checkpoint: "history" must be { epochs: [], steps: { loss: [] } }');
  }
}
