import { describe, expect, test } from "vitest";
import { type AppState, DEFAULT_STATE, effectiveLoss, trainCount } from "./app-state.js";
import { normalizeState, stateFromQuery, stateToQuery } from "./url-state.js";

describe("the state in the URL", () => {
  test("a state survives the round trip through the query string", () => {
    const state: AppState = {
      ...DEFAULT_STATE,
      dataset: "spiral",
      noise: 25,
      trainPercent: 70,
      seed: 42,
      features: ["x1", "sinX2", "x1x2"],
      hiddenLayers: [8, 8, 3],
      activation: "relu",
      reluSubgradient: 0.5,
      initializer: "heNormal",
      optimizer: "adamw",
      learningRate: 0.003,
      schedule: "warmupCosine",
      batchSize: 1,
      regularizer: "dropout",
      regularizationRate: 0.3,
      loss: "squared",
      speed: 5,
      showTestData: true,
      discretize: true,
    };
    const query = stateToQuery(state);
    expect(query).toContain("loss=squared&speed=5&showTestData=true&discretize=true");
    expect(query).toContain("features=x1,sinX2,x1x2");
    expect(query).toContain("hiddenLayers=8,8,3");
    expect(stateFromQuery(`?${query}`)).toEqual({ state, notices: [] });
  });

  test("no hidden layers is an empty list, and survives too", () => {
    const state = { ...DEFAULT_STATE, hiddenLayers: [] };
    expect(stateFromQuery(stateToQuery(state)).state.hiddenLayers).toEqual([]);
  });

  test("missing keys take their defaults without a notice", () => {
    expect(stateFromQuery("")).toEqual({ state: DEFAULT_STATE, notices: [] });
    expect(stateFromQuery("?dataset=xor").state).toEqual({ ...DEFAULT_STATE, dataset: "xor" });
  });

  test("each bad value falls back to its default with a notice naming the key, the value and what is allowed", () => {
    const { state, notices } = stateFromQuery(
      "?dataset=moons&noise=80&features=x1,x1&hiddenLayers=4,9&optimizer=adam&learningRate=0.5&batchSize=0&colour=red",
    );
    expect(state).toEqual({ ...DEFAULT_STATE, optimizer: "adam" });
    expect(notices).toEqual([
      'unknown setting "colour" in the URL was ignored',
      expect.stringMatching(/^dataset="moons" is not valid \(one of circle, xor, .*\): using circle$/),
      'noise="80" is not valid (an integer from 0 to 50): using 0',
      expect.stringMatching(/^features="x1,x1" is not valid .*without repeats\): using x1,x2$/),
      'hiddenLayers="4,9" is not valid (up to 6 sizes from 1 to 8, e.g. 4,2): using 4,2',
      expect.stringMatching(/^learningRate="0.5" is not valid \(one of 0.00001, .*\): using 0.03$/),
      'batchSize="0" is not valid (an integer from 1 to 500): using 10',
    ]);
  });

  test("show test data, discretize, speed and loss: set, written, read back; bad values flagged", () => {
    for (const patch of [
      { showTestData: true },
      { discretize: true },
      { showTestData: true, discretize: true },
      { speed: 1 },
      { speed: 100 },
      { loss: "squared" as const },
    ]) {
      const state = { ...DEFAULT_STATE, ...patch };
      expect(stateFromQuery(stateToQuery(state))).toEqual({ state, notices: [] });
    }
    expect(DEFAULT_STATE).toMatchObject({ showTestData: false, discretize: false, loss: "crossEntropy" });
    const { state, notices } = stateFromQuery("?showTestData=yes&discretize=1&speed=3&loss=hinge");
    expect(state).toEqual(DEFAULT_STATE);
    expect(notices).toEqual([
      'loss="hinge" is not valid (one of crossEntropy, squared): using crossEntropy',
      'speed="3" is not valid (steps per frame, one of 1, 2, 5, 10, 25, 50, 100): using 50',
      'showTestData="yes" is not valid (true or false): using false',
      'discretize="1" is not valid (true or false): using false',
    ]);
  });

  test("regression always trains on the squared loss, whatever the classifier's loss says", () => {
    expect(effectiveLoss({ dataset: "regressionPlane", loss: "crossEntropy" })).toBe("squared");
    expect(effectiveLoss({ dataset: "multiGaussian", loss: "squared" })).toBe("squared");
    expect(effectiveLoss({ dataset: "circle", loss: "crossEntropy" })).toBe("crossEntropy");
    expect(effectiveLoss({ dataset: "spiral", loss: "squared" })).toBe("squared");
  });

  test("the regularization rate must fit the regularizer (dropout stays below 1)", () => {
    const { state, notices } = stateFromQuery("?regularizer=dropout&regularizationRate=3");
    expect(state.regularizer).toBe("dropout");
    expect(state.regularizationRate).toBe(0);
    expect(notices[0]).toMatch(/^regularizationRate="3" is not valid \(for dropout, one of 0, 0.05, .*0.9\)/);
    expect(stateFromQuery("?regularizer=l1&regularizationRate=3").state.regularizationRate).toBe(3);
  });

  test("a batch larger than the training set becomes the whole set", () => {
    const state = { ...DEFAULT_STATE, batchSize: 400 };
    expect(trainCount(state)).toBe(250);
    expect(normalizeState(state, trainCount(state)).batchSize).toBe(250);
    expect(normalizeState(DEFAULT_STATE, 250)).toBe(DEFAULT_STATE);
  });
});
