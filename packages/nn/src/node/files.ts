import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { DescentError, ValueError } from "@descent/tensor";
import { checkAgainstArchitecture } from "../io/check-architecture.js";
import { type ModelFileLimits, resolveLimits } from "../io/limits.js";
import { parseManifest } from "../io/manifest-schema.js";
import {
  type DeserializeOptions,
  deserializeModel,
  MANIFEST_FILE,
  type ModelSnapshot,
  serializeModel,
} from "../io/model-files.js";
import { type CustomObjects, resolveCustomObjects } from "../layers/custom-objects.js";
import type { Model } from "../layers/index.js";
import { BUILT_IN_LAYER_TYPES, buildModel } from "../layers/registry.js";
import { checkOptionKeys, describe } from "../layers/validate.js";

let temporaryCounter = 0;

/** Weights files saveModel writes (`model.<generation>.safetensors`) or wrote before (`model.safetensors`). */
const OWN_WEIGHTS_FILE = /^model(?:\.(\d{1,15}))?\.safetensors$/;
/** Temporary files of writeFileAtomic: `.<target>.<pid>.<counter>.tmp`. */
const TEMPORARY_FILE = /^\.(.+)\.(\d+)\.(\d+)\.tmp$/;

/**
 * Writes a file atomically: the bytes go to a new temporary file in the same folder, are flushed to disk
 * (`fsync`), the temporary file is renamed over `path`, and the folder is flushed so the rename itself
 * survives a power cut. Readers see the old file or the new one, never a partial write, even if the
 * process dies midway; on an error the temporary file is removed and the target is untouched.
 *
 * @throws DescentError `writeFileAtomic: cannot write <path> (ENOENT: …)` with the system error as `cause`.
 * @example writeFileAtomic("model/manifest.json", text)
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const op = "writeFileAtomic";
  if (typeof path !== "string" || path.length === 0)
    throw new ValueError(op, "path must be a non-empty string");
  if (typeof data !== "string" && !(data instanceof Uint8Array)) {
    throw new ValueError(op, "data must be a string or a Uint8Array");
  }
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${++temporaryCounter}.tmp`);
  let descriptor: number | undefined;
  try {
    descriptor = openSync(temporary, "wx");
    let written = 0;
    while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
    fsyncSync(descriptor);
    closeSync(descriptor);
    descriptor = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (descriptor !== undefined) closeSync(descriptor);
    rmSync(temporary, { force: true });
    throw fileError(op, "write", path, error);
  }
  syncDirectory(dirname(path));
}

/**
 * Saves a model (or a training checkpoint) into `directory` (created if needed), atomically as a whole:
 * a crash at any moment leaves the previous save or this one, loadable, never a mix.
 *
 * `manifest.json` is the one pointer: it names the weights file in use (`weights.file`) with its size and
 * checksum, and replacing it (by an atomic rename) is the moment the new save takes effect. So:
 * 1. the weights go to a new file, `model.<generation>.safetensors`, where the generation is one more
 *    than any weights file in the folder — never the file the current manifest names;
 * 2. that file is written with {@link writeFileAtomic} (temporary file, fsync, rename, fsync of the folder);
 * 3. `manifest.json` is replaced the same way — the commit;
 * 4. only then are stale files removed: weights files of earlier saves (`model.safetensors`,
 *    `model.<n>.safetensors` other than the new one) and temporary files left by saves that crashed
 *    (`.<name>.<pid>.<n>.tmp` of a process that no longer runs). Other files are never touched.
 *
 * Concurrent saves into one folder are not supported (the last manifest written wins).
 *
 * @example
 * saveModel("models/mnist", { architecture: model.config, params, state, seed: 42 });
 */
export function saveModel(directory: string, snapshot: ModelSnapshot): void {
  const op = "saveModel";
  if (typeof directory !== "string" || directory.length === 0) {
    throw new ValueError(op, "directory must be a non-empty string");
  }
  const existing = listDirectory(op, directory);
  const generation = 1 + Math.max(0, ...existing.map(generationOf));
  const weightsFile = `model.${generation}.safetensors`;
  const { manifest, weights } = serializeModel(snapshot, { weightsFile });
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    throw fileError(op, "create", directory, error);
  }
  writeFileAtomic(join(directory, weightsFile), weights);
  writeFileAtomic(join(directory, MANIFEST_FILE), manifest);
  removeStaleFiles(directory, weightsFile);
}

/** A loaded model: the snapshot, plus the model rebuilt from its saved architecture. */
export interface LoadedModel extends ModelSnapshot {
  /** The model rebuilt from the saved architecture, ready for `apply(params, …)`. */
  readonly model: Model;
}

/** Options of {@link loadModel}. */
export interface LoadModelOptions extends DeserializeOptions {
  /**
   * Factories of the custom layers and activations the saved architecture uses, by the names it saved
   * them under (as Keras's `custom_objects`); see `docs/extending.md`.
   */
  readonly custom?: CustomObjects;
}

/**
 * Loads a model saved by {@link saveModel}: reads `manifest.json`, then the weights file it names
 * (`weights.file`, so folders of older versions holding `model.safetensors` load too), validates both
 * (see `deserializeModel`; `options.limits` bounds what the files may make it allocate), rebuilds the
 * model from the saved architecture — custom layer types and activations from `options.custom` — and
 * checks every parameter and state tensor against it. `model` is never null: a folder saved without an
 * architecture (`saveModel(dir, { params })`) is refused; read such a folder with {@link loadSnapshot}.
 *
 * @throws ValueError when a file is missing, truncated or malformed, naming the file and field; when the
 * folder has no architecture (naming `loadSnapshot`); when the architecture uses a layer type or
 * activation that is neither built in nor in `options.custom`, naming it.
 * @example
 * const { model, params, state } = loadModel("models/mnist");
 * const logits = predict(model, params, inputs, { state });
 * loadModel("models/custom", { custom: { layers: { scaleShift: scaleShiftFromConfig }, activations: { swishBeta } } });
 */
export function loadModel(directory: string, options: LoadModelOptions = {}): LoadedModel {
  const op = "loadModel";
  checkDirectoryArgument(op, directory);
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw new ValueError(op, `options is ${describe(options)}: pass { limits?, custom? }`);
  checkOptionKeys(op, options, ["limits", "custom"]);
  const limits = resolveLimits(op, options.limits);
  // Checked before any file is read, so a bad registry fails even for a folder without an architecture.
  resolveCustomObjects(op, options.custom, BUILT_IN_LAYER_TYPES);
  const { snapshot, weightsFile } = readSnapshot(op, directory, limits);
  if (!snapshot.architecture) {
    throw new ValueError(
      op,
      `${join(directory, MANIFEST_FILE)} has no architecture (it was saved as saveModel(directory, { params })): read its parameters with loadSnapshot(directory), or save with { architecture: model.config, params } to load a model`,
    );
  }
  let model: Model;
  try {
    model = buildModel(op, "the saved model", snapshot.architecture, { custom: options.custom });
  } catch (error) {
    if (error instanceof DescentError) throw error;
    throw new ValueError(op, `the saved architecture cannot be rebuilt (${(error as Error)?.message})`);
  }
  checkAgainstArchitecture(op, model, snapshot.params, snapshot.state ?? {}, weightsFile);
  return { ...snapshot, model };
}

/**
 * Reads what {@link saveModel} wrote — parameters, state, seed, training checkpoint, metadata and the
 * architecture's JSON if one was saved — validated as {@link loadModel} does, without rebuilding a model:
 * for folders saved without an architecture (`saveModel(dir, { params })`), or to inspect a save whose
 * custom layers are not at hand.
 *
 * @throws ValueError when a file is missing, truncated or malformed, naming the file and field.
 * @example
 * const { params } = loadSnapshot("weights/encoder"); // saved with saveModel(dir, { params })
 * const { training } = loadSnapshot("checkpoints/run1"); // resume: fit(…, { resume: training })
 */
export function loadSnapshot(directory: string, options: DeserializeOptions = {}): ModelSnapshot {
  const op = "loadSnapshot";
  checkDirectoryArgument(op, directory);
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw new ValueError(op, `options is ${describe(options)}: pass { limits? }`);
  checkOptionKeys(op, options, ["limits"]);
  return readSnapshot(op, directory, resolveLimits(op, options.limits)).snapshot;
}

function checkDirectoryArgument(op: string, directory: unknown): void {
  if (typeof directory !== "string" || directory.length === 0) {
    throw new ValueError(op, "directory must be a non-empty string");
  }
}

/** The validated snapshot of a folder and the weights file it was read from. */
function readSnapshot(
  op: string,
  directory: string,
  limits: Required<ModelFileLimits>,
): { snapshot: ModelSnapshot; weightsFile: string } {
  const manifestPath = join(directory, MANIFEST_FILE);
  // A save running while we read may remove the weights file the manifest we read names; the manifest
  // then names a newer one, so reading again is enough.
  for (let attempt = 1; ; attempt++) {
    const manifestText = readManifest(op, manifestPath, limits.maxManifestBytes);
    const manifest = parseManifest(op, manifestText, MANIFEST_FILE, limits);
    const weightsPath = join(directory, manifest.weights.file);
    let size: number;
    try {
      size = statSync(weightsPath).size;
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException)?.code === "ENOENT";
      if (missing && attempt < 3 && readManifest(op, manifestPath, limits.maxManifestBytes) !== manifestText)
        continue;
      if (missing) {
        throw new ValueError(
          op,
          `${weightsPath} does not exist but ${MANIFEST_FILE} names it: the folder was not written by saveModel, or its files were moved`,
        );
      }
      throw fileError(op, "read", weightsPath, error);
    }
    if (size !== manifest.weights.bytes) {
      throw new ValueError(
        op,
        `${manifest.weights.file} has ${size} bytes but the manifest expects ${manifest.weights.bytes}: the file is truncated or belongs to another save`,
      );
    }
    let weights: Uint8Array;
    try {
      weights = readFileSync(weightsPath); // a Buffer is a Uint8Array: no copy
    } catch (error) {
      throw fileError(op, "read", weightsPath, error);
    }
    const snapshot = deserializeModel({ manifest: manifestText, weights }, { limits });
    return { snapshot, weightsFile: manifest.weights.file };
  }
}

function readManifest(op: string, path: string, maxBytes: number): string {
  try {
    const { size } = statSync(path);
    if (size > maxBytes) {
      throw new ValueError(
        op,
        `${MANIFEST_FILE} has ${size} bytes, more than the limit of ${maxBytes} (limits.maxManifestBytes); if the file is trusted, raise it with { limits: { maxManifestBytes: … } }`,
      );
    }
    return readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof DescentError) throw error;
    if ((error as NodeJS.ErrnoException)?.code === "ENOENT") {
      throw new ValueError(
        op,
        `${path} does not exist: expected a folder written by saveModel (manifest.json and the weights file it names)`,
      );
    }
    throw fileError(op, "read", path, error);
  }
}

function listDirectory(op: string, directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code === "ENOENT") return [];
    throw fileError(op, "list", directory, error);
  }
}

function generationOf(name: string): number {
  const match = OWN_WEIGHTS_FILE.exec(name);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

function removeStaleFiles(directory: string, keep: string): void {
  for (const name of listDirectory("saveModel", directory)) {
    if (name === keep) continue;
    const temporary = TEMPORARY_FILE.exec(name);
    const stale = temporary
      ? (temporary[1] === MANIFEST_FILE || OWN_WEIGHTS_FILE.test(temporary[1]!)) &&
        !isRunning(Number(temporary[2]))
      : OWN_WEIGHTS_FILE.test(name);
    if (stale) rmSync(join(directory, name), { force: true });
  }
}

/** Whether a process with this id runs (ours counts as not running: our saves are synchronous and done). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException)?.code === "EPERM";
  }
}

/** Flushes a folder's entries (renames) to disk; skipped where folders cannot be opened or synced (Windows). */
function syncDirectory(directory: string): void {
  let descriptor: number;
  try {
    descriptor = openSync(directory, "r");
  } catch {
    return;
  }
  try {
    fsyncSync(descriptor);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF") {
      throw fileError("writeFileAtomic", "sync", directory, error);
    }
  } finally {
    closeSync(descriptor);
  }
}

function fileError(op: string, action: string, path: string, cause: unknown): DescentError {
  const error = new DescentError(
    op,
    `cannot ${action} ${path} (${(cause as Error)?.message ?? String(cause)})`,
  );
  Object.assign(error, { cause, code: (cause as NodeJS.ErrnoException)?.code });
  return error;
}
