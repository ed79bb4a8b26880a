import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { ValueError } from "@descent/tensor";
import {
  deserializeModel,
  MANIFEST_FILE,
  type ModelSnapshot,
  serializeModel,
  WEIGHTS_FILE,
} from "../io/model-files.js";
import { type Model, modelFromConfig } from "../layers/index.js";

let temporaryCounter = 0;

/**
 * Writes a file atomically: the bytes go to a temporary file in the same folder, are flushed to disk
 * (`fsync`), and the temporary file is renamed over `path` — so readers see the old file or the new one,
 * never a partial write, even if the process dies midway.
 *
 * @example writeFileAtomic("model/manifest.json", text)
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${++temporaryCounter}.tmp`);
  const descriptor = openSync(temporary, "w");
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
    fsyncSync(descriptor);
  } catch (error) {
    closeSync(descriptor);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(descriptor);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Saves a model (or a training checkpoint) into `directory` (created if needed): `model.safetensors` with
 * the weights and `manifest.json` with the architecture, seed, package versions and training state. Each
 * file is written atomically; the manifest (written last) holds the weights' size and checksum, so a
 * save interrupted between the two files is detected on load.
 *
 * @example
 * saveModel("models/mnist", { architecture: model.config, params, state, seed: 42 });
 */
export function saveModel(directory: string, snapshot: ModelSnapshot): void {
  const { manifest, weights } = serializeModel(snapshot);
  mkdirSync(directory, { recursive: true });
  writeFileAtomic(join(directory, WEIGHTS_FILE), weights);
  writeFileAtomic(join(directory, MANIFEST_FILE), manifest);
}

/** A loaded model: the snapshot, plus the model rebuilt from its architecture when it has one. */
export interface LoadedModel extends ModelSnapshot {
  readonly model: Model | null;
}

/**
 * Loads a model saved by {@link saveModel}, validating everything before use (see `deserializeModel`);
 * `model` is rebuilt from the saved architecture (null when none was saved).
 *
 * @throws ValueError when a file is missing, truncated or malformed, naming the file and field.
 * @example
 * const { model, params, state } = loadModel("models/mnist");
 * const logits = predict(model, params, inputs, { state });
 */
export function loadModel(directory: string): LoadedModel {
  const op = "loadModel";
  const manifestPath = join(directory, MANIFEST_FILE);
  const weightsPath = join(directory, WEIGHTS_FILE);
  for (const path of [manifestPath, weightsPath]) {
    if (!existsSync(path)) {
      throw new ValueError(
        op,
        `${path} does not exist: expected a folder written by saveModel (manifest.json and model.safetensors)`,
      );
    }
  }
  const snapshot = deserializeModel({
    manifest: readFileSync(manifestPath, "utf8"),
    weights: new Uint8Array(readFileSync(weightsPath)),
  });
  return { ...snapshot, model: snapshot.architecture ? modelFromConfig(snapshot.architecture) : null };
}
