/**
 * Why this exists: `peers` runs each JavaScript library in a Node process of its own. Its rows only mean
 * something if the child trains exactly what the library trains in this process (same weights, same batches,
 * same kernels), and a child that fails or dies must give a row that says why, not hang the bench.
 */
import { createRandom, initKernels, permutation } from "@descent/tensor";
import { afterEach, describe, expect, it } from "vitest";
import { mnist } from "../shared/datasets.js";
import { descentTrainer, initialWeights, mlpWorkload, paramsFromWeights, peerModel } from "./descent.js";
import { isolatedTrainer, plainDataset } from "./isolated.js";
import type { IsolatedSpec } from "./protocol.js";
import type { PeersSettings, PeerTrainer } from "./types.js";

const SEED = 5;
const settings = {
  hiddenSize: 16,
  batchSize: 32,
  learningRate: 0.1,
  overheadBudgetSeconds: 0.005,
} as PeersSettings;
const { train, test } = mnist(128, 400, SEED);
const workload = mlpWorkload(settings);
const model = peerModel(784, settings.hiddenSize, 10);
const params = model.init(SEED);
const weights = initialWeights(model, params);

const trainers: PeerTrainer[] = [];
afterEach(() => {
  for (const trainer of trainers.splice(0)) trainer.dispose();
});

async function spec(overrides: Partial<IsolatedSpec> = {}): Promise<IsolatedSpec> {
  return {
    library: "descent",
    workload,
    train: plainDataset(train),
    test: plainDataset(test),
    weights,
    settings,
    seed: SEED,
    samplesPerEpoch: 128,
    kernels: (await initKernels()).name,
    ...overrides,
  };
}

describe("a peer in a process of its own", () => {
  it("paramsFromWeights gives back the parameters initialWeights took apart", () => {
    const rebuilt = paramsFromWeights(model, weights, SEED + 1);
    expect(initialWeights(model, rebuilt)).toEqual(weights);
    expect(() => paramsFromWeights(model, { layers: weights.layers.slice(1) }, SEED)).toThrow(
      /1 layers of weights/,
    );
  });

  it("trains descent to the same test accuracies as this process, on the parent's kernels", async () => {
    const child = await isolatedTrainer(await spec());
    trainers.push(child);
    const local = await descentTrainer(model, params, train, test, workload, settings, SEED);
    expect(child.backend()).toBe(local.backend());
    const shuffler = createRandom(SEED).fork();
    const accuracies: [number, number][] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      const order = permutation(shuffler, 128);
      expect(await child.epoch(order)).toBeGreaterThan(0);
      await local.epoch(order);
      accuracies.push([await child.testAccuracy(), await local.testAccuracy()]);
    }
    for (const [inChild, inProcess] of accuracies) expect(inChild).toBe(inProcess);
    // Training moved the weights (400 test digits: the accuracies are not all one value by chance).
    expect(new Set(accuracies.map(([accuracy]) => accuracy)).size).toBeGreaterThan(1);
    await child.restart();
    await child.epoch(permutation(createRandom(SEED).fork(), 128));
    expect(await child.testAccuracy()).toBe(accuracies[0]![0]);
  }, 120_000);

  it("times GEMM turns and adds inside the child", async () => {
    const child = await isolatedTrainer(await spec());
    trainers.push(child);
    const turn = await child.gemm(32, 3, 0.01);
    if (!("take" in turn)) throw new Error("descent's child answered a GEMM speed instead of a turn");
    await turn.prepare();
    expect(await turn.take(4)).toBeGreaterThan(0);
    turn.dispose();
    expect(await child.addMicroseconds([64, 10])).toBeGreaterThan(0);
    expect(await child.addIntoReusedMicroseconds!([64, 10])).toBeGreaterThan(0);
  }, 120_000);

  it("rejects with the child's reason when it cannot start (other kernels than the bench's)", async () => {
    await expect(isolatedTrainer(await spec({ kernels: "no-such-kernels" }))).rejects.toThrow(
      /runs kernels "[^"]+" where the bench runs "no-such-kernels"/,
    );
  }, 120_000);

  it("rejects a request, naming the exit, once the child is gone", async () => {
    const child = await isolatedTrainer(await spec());
    child.dispose();
    await expect(child.epoch(permutation(createRandom(SEED).fork(), 128))).rejects.toThrow(
      /descent peer process exited \(SIGTERM\)/,
    );
  }, 120_000);
});
