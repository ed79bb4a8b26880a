import { describe, expect, test } from "vitest";
import { DEFAULT_STATE } from "../state/app-state.js";
import type { Snapshot, WorkerMessage } from "./protocol.js";
import { TrainingSession } from "./training-session.js";

const FAST = { frameMilliseconds: 0, snapshotMilliseconds: 0, slowPhaseMilliseconds: 1 };

function recorder() {
  const messages: WorkerMessage[] = [];
  const session = new TrainingSession((message) => messages.push(message), FAST);
  const snapshots = () =>
    messages.flatMap((message) => (message.type === "snapshot" ? [message.snapshot] : []));
  const last = (): Snapshot => snapshots().at(-1)!;
  return { messages, session, snapshots, last };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((done) => setTimeout(done, 2));
  expect(condition()).toBe(true);
};

describe("TrainingSession", () => {
  test("configure posts the points, then a snapshot with every column of the network", () => {
    const { messages, session, last } = recorder();
    session.handle({ type: "configure", state: DEFAULT_STATE });
    expect(messages.map((message) => message.type)).toEqual(["points", "snapshot"]);
    const snapshot = last();
    expect(snapshot.columns.map((column) => column.grids.length)).toEqual([2, 4, 2, 1]);
    expect(snapshot.output.length).toBe(snapshot.gridSize ** 2);
    expect(snapshot.columns[1]!.weights!.length).toBe(2 * 4);
    expect(snapshot).toMatchObject({ step: 0, epoch: 0, running: false, slow: null });
  });

  test("play trains in chunks until pause; setOptimizer lands while it runs", async () => {
    const { session, last } = recorder();
    session.handle({ type: "configure", state: DEFAULT_STATE });
    session.handle({ type: "play" });
    await until(() => last().step > 50);
    session.handle({ type: "setOptimizer", optimizer: "adam" });
    const stepAtSwitch = last().step;
    await until(() => last().step > stepAtSwitch + 50 && last().optimizer === "adam");
    session.handle({ type: "pause" });
    const paused = last();
    expect(paused.running).toBe(false);
    await new Promise((done) => setTimeout(done, 30));
    expect(last().step).toBe(paused.step);
  });

  test("a slow step goes forward, backward one layer at a time, then updates", async () => {
    const { session, snapshots, last } = recorder();
    session.handle({ type: "configure", state: DEFAULT_STATE });
    session.handle({ type: "slowStep" });
    await until(() => last().slow?.phase === "update");
    const phases = snapshots().flatMap((snapshot) =>
      snapshot.slow ? [`${snapshot.slow.phase}:${snapshot.slow.revealedLayers}`] : [],
    );
    expect(phases).toEqual(["forward:0", "backward:1", "backward:2", "backward:3", "update:3"]);
    expect(last().step).toBe(1);
    expect(last().slow!.lossAfter).toBeLessThan(last().slow!.batchLoss);
    session.handle({ type: "step" });
    expect(last().slow).toBeNull();
  });

  test("errors are posted with the message, and training pauses", async () => {
    const { messages, session, last } = recorder();
    session.handle({ type: "play" });
    expect(messages[0]).toMatchObject({
      type: "error",
      message: expect.stringContaining('"play" arrived before "configure"'),
    });
    session.handle({
      type: "configure",
      state: {
        ...DEFAULT_STATE,
        dataset: "regressionPlane",
        features: ["x1Squared", "x2Squared"],
        learningRate: 10,
      },
    });
    session.handle({ type: "play" });
    await until(() =>
      messages.some((message) => message.type === "error" && message.message.includes("loss became")),
    );
    expect(last().running).toBe(false);
  });
});
