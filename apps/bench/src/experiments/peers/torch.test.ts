/**
 * Why this exists: the PyTorch row of `peers` is only a comparison if torch trains the same model from the same
 * weights on the same batches. These tests train one epoch in descent and in torch (when a python with torch is
 * importable here; CI has none, so they are registered only then) and compare the weights; and check that a
 * missing torch gives the "not installed" row instead of failing the experiment.
 */
import { fit, type Model } from "@descent/nn";
import type { Dataset, ParamTree } from "@descent/spec";
import { createRandom, permutation, Tensor } from "@descent/tensor";
import { afterEach, describe, expect, it } from "vitest";
import { mnist } from "../shared/datasets.js";
import {
  CNN_FLATTEN_HWC,
  cnnModel,
  cnnWorkload,
  initialWeights,
  mlpWorkload,
  peerFitOptions,
  peerModel,
} from "./descent.js";
import { findTorchPython, TORCH_NOT_INSTALLED, type TorchTrainer, torchPeer, torchTrainer } from "./torch.js";
import { measureInTurns } from "./turns.js";
import type { InitialWeights, PeersSettings, PeerWorkload } from "./types.js";

const SEED = 11;
const settings = {
  hiddenSize: 32,
  batchSize: 64,
  learningRate: 0.1,
  overheadBudgetSeconds: 0.01,
  cnn: {
    trainCount: 256,
    testCount: 64,
    slowPeerCount: 2,
    epochs: 1,
    warmUpEpochs: 0,
    batchSize: 64,
    learningRate: 1e-3,
  },
} as unknown as PeersSettings;

const found = await findTorchPython();
const trainers: TorchTrainer[] = [];
afterEach(() => {
  for (const trainer of trainers.splice(0)) trainer.dispose();
});

/** The largest |a − b| over every weight and bias, and the largest change of descent's weights from the start. */
function compare(start: InitialWeights, descent: InitialWeights, torch: InitialWeights) {
  let difference = 0;
  let moved = 0;
  descent.layers.forEach((layer, index) => {
    for (const key of ["weights", "bias"] as const) {
      const ours = layer[key];
      const theirs = torch.layers[index]![key];
      expect(theirs.length).toBe(ours.length);
      for (let i = 0; i < ours.length; i++) {
        difference = Math.max(difference, Math.abs(ours[i]! - theirs[i]!));
        moved = Math.max(moved, Math.abs(ours[i]! - start.layers[index]![key][i]!));
      }
    }
  });
  return { difference, moved };
}

/** One epoch of descent's `fit` and of torch from the same weights over the same order of rows. */
async function oneEpochEach(workload: PeerWorkload, model: Model, train: Dataset, test: Dataset) {
  const params = model.init(SEED);
  const flatten = workload.id === "cnn" ? CNN_FLATTEN_HWC : undefined;
  const start = initialWeights(model, params, flatten);
  const trained = fit(model, params, train, { ...peerFitOptions(workload, SEED), epochs: 1 });
  const torch = await torchTrainer(
    (found as { python: string }).python,
    workload,
    train,
    test,
    start,
    settings,
    1,
  );
  trainers.push(torch);
  // descent's fit shuffles with permutation(createRandom(seed).fork(), n) per epoch: the order torch is given.
  const seconds = await torch.epoch(permutation(createRandom(SEED).fork(), train.inputs.shape[0]!));
  expect(seconds).toBeGreaterThan(0);
  return {
    start,
    descent: initialWeights(model, trained.params as ParamTree, flatten),
    torch: await torch.weights(),
    accuracy: await torch.testAccuracy(),
  };
}

describe("the PyTorch peer", () => {
  it("says `not installed` in the row when the chosen python is not there", async () => {
    const missing = await findTorchPython({ ...process.env, DESCENT_PYTHON: "/nonexistent/python3" });
    expect(missing).toEqual({ missing: ["/nonexistent/python3"] });
    const { train, test } = mnist(64, 32, SEED);
    const model = peerModel(784, 8, 10);
    const weights = initialWeights(model, model.init(SEED));
    const [outcome] = await measureInTurns(
      [
        {
          library: "torch",
          backend: "cpu",
          label: "torch",
          create: () => torchPeer(missing, mlpWorkload(settings), train, test, weights, settings, 1),
        },
      ],
      {
        count: 64,
        epochs: 1,
        warmUpEpochs: 1,
        repetitions: 1,
        settleSeconds: 0,
        warmUpSeconds: 0,
        gemmSizes: [],
        gemmMaxRuns: 0,
        gemmBudgetSeconds: 0,
        overheadShapes: [],
        failurePrefix: "not run",
      },
      SEED,
      () => {},
    );
    expect(outcome).toMatchObject({ run: null, failure: TORCH_NOT_INSTALLED });
    expect(TORCH_NOT_INSTALLED).toMatch(/^not installed: apt-get install python3-torch/);
  });

  it("rejects, naming the exit, when the python it was given cannot start (no crash of the bench)", async () => {
    const { train, test } = mnist(64, 32, SEED);
    const model = peerModel(784, 8, 10);
    const weights = initialWeights(model, model.init(SEED));
    await expect(
      torchTrainer("/nonexistent/python3", mlpWorkload(settings), train, test, weights, settings, 1),
    ).rejects.toThrow(/^torch peer exited/);
  });

  if ("python" in found) {
    it(`trains the MLP like descent: the same weights after one SGD epoch (${found.python})`, async () => {
      const { train, test } = mnist(512, 256, SEED);
      const workload = mlpWorkload(settings);
      const result = await oneEpochEach(workload, peerModel(784, settings.hiddenSize, 10), train, test);
      const { difference, moved } = compare(result.start, result.descent, result.torch);
      expect(moved, "SGD moved the weights").toBeGreaterThan(1e-2);
      expect(difference).toBeLessThan(1e-4);
      expect(result.accuracy).toBeGreaterThan(0.3);
    });

    it("trains the CNN like descent: the same weights after one Adam epoch (NCHW and flatten order converted)", async () => {
      const split = mnist(256, 64, SEED);
      const images = (dataset: Dataset): Dataset => ({
        ...dataset,
        inputs: new Tensor(dataset.inputs.data as Float32Array, [dataset.inputs.shape[0]!, 28, 28, 1]),
      });
      const workload = cnnWorkload(settings);
      const result = await oneEpochEach(workload, cnnModel(10), images(split.train), images(split.test));
      const { difference, moved } = compare(result.start, result.descent, result.torch);
      // Four Adam steps of lr 1e-3 move a weight by up to ~4e-3; torch must land on the same point.
      expect(moved, "Adam moved the weights").toBeGreaterThan(2e-3);
      expect(difference).toBeLessThan(1e-4);
    });
  }
});
