import { describe, expect, test } from "vitest";
import { DEFAULT_STATE } from "../state/app-state.js";
import { commandsFor } from "./commands.js";

describe("commandsFor", () => {
  test("live settings become one command each and keep training going", () => {
    const next = {
      ...DEFAULT_STATE,
      optimizer: "adam" as const,
      learningRate: 0.01,
      schedule: "cosine" as const,
      batchSize: 1,
      regularizer: "l2" as const,
      regularizationRate: 0.003,
      loss: "squared" as const,
      speed: 10,
    };
    expect(commandsFor(DEFAULT_STATE, next)).toEqual([
      { type: "setOptimizer", optimizer: "adam" },
      { type: "setLearningRate", learningRate: 0.01 },
      { type: "setSchedule", schedule: "cosine" },
      { type: "setBatchSize", batchSize: 1 },
      { type: "setRegularizer", regularizer: "l2", regularizationRate: 0.003 },
      { type: "setLoss", loss: "squared" },
      { type: "setSpeed", speed: 10 },
    ]);
  });

  test("show test data and discretize only change the picture: no command", () => {
    expect(commandsFor(DEFAULT_STATE, { ...DEFAULT_STATE, showTestData: true, discretize: true })).toEqual(
      [],
    );
  });

  test("new data or a new architecture rebuild from the whole next state", () => {
    const spiral = { ...DEFAULT_STATE, dataset: "spiral" as const, optimizer: "adam" as const };
    expect(commandsFor(DEFAULT_STATE, spiral)).toEqual([{ type: "setDataset", state: spiral }]);
    const deeper = { ...DEFAULT_STATE, hiddenLayers: [4, 2, 2] };
    expect(commandsFor(DEFAULT_STATE, deeper)).toEqual([{ type: "setNetwork", state: deeper }]);
    const features = { ...DEFAULT_STATE, features: ["x1", "x2", "sinX1"] as const };
    expect(commandsFor(DEFAULT_STATE, features)).toEqual([{ type: "setNetwork", state: features }]);
  });

  test("an equal state needs no command, even with fresh arrays", () => {
    expect(
      commandsFor(DEFAULT_STATE, { ...DEFAULT_STATE, hiddenLayers: [4, 2], features: ["x1", "x2"] }),
    ).toEqual([]);
  });
});
