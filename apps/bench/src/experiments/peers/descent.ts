import { dense, evaluate, fit, type Model, sequential } from "@descent/nn";
import { sgd } from "@descent/optimizers";
import type { Dataset, ParamTree, Tensor as TensorLike } from "@descent/spec";
import { createRandom, initKernels, kernelInfo, matmul, uniform } from "@descent/tensor";
import { firstRows } from "../shared/datasets.js";
import { gemmGflops, medianSeconds } from "../shared/measure.js";
import type { InitialWeights, PeerRun, PeersSettings } from "./types.js";

/** The compared network: `inputs → dense(hidden) → relu → dense(classes)` (logits). */
export function peerModel(inputSize: number, hiddenSize: number, classes: number): Model {
  return sequential([dense(inputSize, hiddenSize), "relu", dense(hiddenSize, classes)]);
}

function leaf(tree: ParamTree, layer: string, name: string): Float32Array {
  const tensor = (tree[layer] as ParamTree)[name] as TensorLike;
  return Float32Array.from(tensor.data);
}

/** The parameters of {@link peerModel} as plain arrays, to start every library from the same point. */
export function initialWeights(params: ParamTree, hiddenSize: number, classes: number): InitialWeights {
  return {
    hiddenSize,
    classes,
    hiddenWeights: leaf(params, "dense_1", "weights"),
    hiddenBias: leaf(params, "dense_1", "bias"),
    outputWeights: leaf(params, "dense_2", "weights"),
    outputBias: leaf(params, "dense_2", "bias"),
  };
}

function trainOnce(
  model: Model,
  params: ParamTree,
  train: Dataset,
  settings: PeersSettings,
  seed: number,
  onEpoch: (epoch: number) => void,
) {
  const started = performance.now();
  const result = fit(model, params, train, {
    optimizer: sgd({ learningRate: settings.learningRate }),
    loss: "softmaxCrossEntropyFromLogits",
    epochs: settings.epochs,
    mode: "mini-batch",
    batchSize: settings.batchSize,
    shuffle: true,
    seed,
    callbacks: [{ name: "progress", onEpochEnd: (context) => onEpoch(context.epoch) }],
  });
  return { seconds: (performance.now() - started) / 1000, params: result.params };
}

/**
 * Trains the MLP with descent's `fit` (mini-batch SGD, as a user would) after a short warm-up, then
 * times square `matmul`s on the active kernels.
 *
 * @example const run = await runDescent(model, params, train, test, settings, seed, progress);
 */
export async function runDescent(
  model: Model,
  params: ParamTree,
  train: Dataset,
  test: Dataset,
  settings: PeersSettings,
  seed: number,
  progress: (fraction: number) => void,
): Promise<PeerRun> {
  await initKernels();
  const warmUpCount = Math.min(settings.warmUpSamples, train.inputs.shape[0]!);
  trainOnce(model, params, firstRows(train, warmUpCount), { ...settings, epochs: 1 }, seed, () => {});
  const runs: { seconds: number; testAccuracy: number }[] = [];
  const totalEpochs = settings.epochs * settings.repetitions;
  for (let repetition = 0; repetition < settings.repetitions; repetition++) {
    const trained = trainOnce(model, params, train, settings, seed, (epoch) =>
      progress((0.8 * (repetition * settings.epochs + epoch + 1)) / totalEpochs),
    );
    const { accuracy } = evaluate(model, trained.params, test, { metrics: ["accuracy"] });
    if (accuracy === undefined) throw new Error("peers: evaluate returned no accuracy");
    runs.push({ seconds: trained.seconds, testAccuracy: accuracy });
  }
  const gemm = settings.gemmSizes.map((size, index) => {
    const random = createRandom(seed + size);
    const a = uniform(random, [size, size]);
    const b = uniform(random, [size, size]);
    const seconds = medianSeconds(() => matmul(a, b), {
      maxRuns: settings.gemmMaxRuns,
      budgetSeconds: settings.gemmBudgetSeconds,
    });
    progress(0.8 + (0.2 * (index + 1)) / settings.gemmSizes.length);
    return gemmGflops(size, seconds);
  });
  const info = kernelInfo();
  return {
    runs,
    gemmGflops: gemm,
    backend: `${info.name}, ${info.threads} thread${info.threads === 1 ? "" : "s"}`,
  };
}
