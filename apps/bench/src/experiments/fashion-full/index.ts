import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadFashionMnist } from "@descent/data/node";
import {
  conv2d,
  dense,
  dropout,
  evaluate,
  fit,
  flatten,
  type Model,
  maxPool2d,
  sequential,
} from "@descent/nn";
import { adam, cosineDecay } from "@descent/optimizers";
import type { Dataset } from "@descent/spec";
import { initKernels, Tensor } from "@descent/tensor";
import { column, defineExperiment, findingOf } from "../../experiment.js";
import { formatNumber, median } from "../shared/measure.js";

type ModelId = "mlp" | "cnn";

/** How one model trains in one mode. */
interface ModelRun {
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam's learning rate η₀: constant, or the start of the cosine decay. */
  readonly learningRate: number;
  /** `"cosine"`: `η(t) = η₀ · ½(1 + cos(π·t/T))` over the run's T steps, down to 0 at the last step. */
  readonly decay: "constant" | "cosine";
  /** The test accuracy the model should reach at full size (60,000 / 10,000). */
  readonly target: number;
}

interface FashionFullSettings {
  /** Training images (the first n of the 60,000). */
  readonly trainCount: number;
  /** Test images (the first n of the 10,000). */
  readonly testCount: number;
  readonly models: { readonly [id in ModelId]: ModelRun };
}

const FULL_TRAIN = 60_000;
const FULL_TEST = 10_000;
const TRAIN_IMAGES = "train-images-idx3-ubyte.gz";

/** Model recipes; only `epochs` changes with the mode, so a subset run trains the same networks. */
const mlpRun = (epochs: number): ModelRun => ({
  epochs,
  batchSize: 64,
  learningRate: 1e-3,
  decay: "constant",
  target: 0.89,
});

/**
 * The CNN's recipe: "same" padding, Adam from η₀ = 2e-3 cosine-decayed to 0 over the run, batch 64, 15 epochs.
 * Chosen on a validation split (the first 50,000 training images to train, the last 10,000 to validate, seed
 * 42): "valid" padding with η₀ = 1e-3 cosine-decayed ended at 0.9157 (0.9158 without the first dropout), the
 * dataset README's 0.916 again; "same" with η₀ = 2e-3 was at 0.9121 after 4 of its 15 epochs, where those two
 * were at 0.894–0.896 (that run was stopped there for time). The test images were used once, for this recipe:
 * 0.9270 after 15 epochs on all 60,000 (seed 42).
 */
const cnnRun = (epochs: number): ModelRun => ({
  epochs,
  batchSize: 64,
  learningRate: 2e-3,
  decay: "cosine",
  target: 0.92,
});

const modelNames: { readonly [id in ModelId]: string } = {
  mlp: "MLP 784-256-128-10 (ReLU, dropout 0.2)",
  cnn: 'CNN conv3×3·32, pool 2, conv3×3·64, pool 2 ("same"), dense 128 (dropout 0.25, 0.5), dense 10',
};

/**
 * The MLP: `[n, 784] → dense 256 → relu → dropout 0.2 → dense 128 → relu → dropout 0.2 → dense 10` (logits).
 * Without dropout the same network with Adam 1e-3 reached 0.8892 after 20 epochs, just short of 0.89; the
 * dropout trades a little training fit for the test accuracy it misses.
 */
export function fashionMlp(): Model {
  return sequential([
    dense(784, 256),
    "relu",
    dropout(0.2),
    dense(256, 128),
    "relu",
    dropout(0.2),
    dense(128, 10),
  ]);
}

/**
 * The CNN, "same" padding, NHWC: `[n, 28, 28, 1] → conv3×3·32 → relu → maxPool 2 → conv3×3·64 → relu → maxPool 2
 * → flatten [n, 3136] → dropout 0.25 → dense 128 → relu → dropout 0.5 → dense 10` (logits). "same" keeps the
 * image border (clothes fill the frame) and leaves a 7×7 map instead of "valid"'s 5×5, for 1.6× the second
 * convolution's work and 2× the first dense layer's; with it and a cosine-decayed learning rate (`cnnRun`) the
 * network was ahead of the "valid" one by 1.6 points of validation accuracy a third of the way through training.
 */
export function fashionCnn(): Model {
  return sequential([
    conv2d(1, 32, 3, { padding: "same" }),
    "relu",
    maxPool2d(2),
    conv2d(32, 64, 3, { padding: "same" }),
    "relu",
    maxPool2d(2),
    flatten(),
    dropout(0.25),
    dense(7 * 7 * 64, 128),
    "relu",
    dropout(0.5),
    dense(128, 10),
  ]);
}

/** The same rows with inputs `[n, 28, 28, 1]` (NHWC) instead of `[n, 784]`, no copy. */
function asImages(dataset: Dataset): Dataset {
  const rows = dataset.inputs.shape[0]!;
  return { ...dataset, inputs: new Tensor(dataset.inputs.data as Float32Array, [rows, 28, 28, 1]) };
}

/** One model's measurement. */
interface ModelResult {
  readonly id: ModelId;
  readonly epochs: number;
  readonly epochSeconds: number;
  readonly accuracy: number;
  readonly target: number;
}

/** Trains `model` with Adam on softmax cross-entropy, timing each epoch; returns the median epoch and test accuracy. */
function trainAndTest(
  id: ModelId,
  model: Model,
  train: Dataset,
  test: Dataset,
  run: ModelRun,
  seed: number,
  onEpoch: (epoch: number) => void,
): ModelResult {
  const epochSeconds: number[] = [];
  const steps = run.epochs * Math.ceil(train.inputs.shape[0]! / run.batchSize);
  const learningRate =
    run.decay === "cosine"
      ? cosineDecay({ initialValue: run.learningRate, decaySteps: steps })
      : run.learningRate;
  let last = performance.now();
  const result = fit(model, model.init(seed), train, {
    optimizer: adam({ learningRate }),
    loss: "softmaxCrossEntropyFromLogits",
    mode: "mini-batch",
    batchSize: run.batchSize,
    shuffle: true,
    seed,
    epochs: run.epochs,
    callbacks: [
      {
        name: "epoch-timer",
        onEpochEnd() {
          const now = performance.now();
          epochSeconds.push((now - last) / 1000);
          last = now;
          onEpoch(epochSeconds.length);
        },
      },
    ],
  });
  const { accuracy } = evaluate(model, result.params, test, { metrics: ["accuracy"] });
  if (accuracy === undefined) throw new Error("fashion-full: evaluate returned no accuracy");
  return { id, epochs: run.epochs, epochSeconds: median(epochSeconds), accuracy, target: run.target };
}

const columns = [
  column("model"),
  column("epochs"),
  column("time per epoch", "s (median)"),
  column("train count", "images"),
  column("test count", "images"),
  column("test accuracy", "fraction"),
  column("target", "test accuracy at 60,000 / 10,000"),
  column("target met"),
];

/** `fashion-full`: the MLP and the CNN on all of Fashion-MNIST (60,000 train / 10,000 test) in `--full`. */
export const fashionFull = defineExperiment<FashionFullSettings>({
  id: "fashion-full",
  title: "Fashion-MNIST at full size",
  question:
    "Trained on all 60,000 Fashion-MNIST images and tested on the 10,000, does the MLP reach 0.89 test accuracy and the CNN 0.92, and how long does an epoch take?",
  settings: {
    tiny: { trainCount: 256, testCount: 64, models: { mlp: mlpRun(1), cnn: cnnRun(1) } },
    quick: { trainCount: 6000, testCount: 2000, models: { mlp: mlpRun(1), cnn: cnnRun(1) } },
    full: { trainCount: FULL_TRAIN, testCount: FULL_TEST, models: { mlp: mlpRun(20), cnn: cnnRun(15) } },
  },
  // Seconds on 2 cores, measured (tiny 2.2 s, quick 20 s; full: MLP 12.3 s per 60,000-image epoch, from a run
  // before H1's im2col change, and the "same"-padding CNN 66 s, its least-loaded epoch of the 15-epoch recipe
  // run on 60,000 images (median 97 s while other agents' runs shared the cores), so 20 · 12.3 + 15 · 66 ≈ 1240 s).
  cost: { tiny: 2.2, quick: 20, full: 1240 },
  async run(settings, context) {
    const directory = context.fashionMnistDirectory;
    if (!existsSync(join(directory, TRAIN_IMAGES))) {
      const why = `no Fashion-MNIST in ${directory} (apt-get install dataset-fashion-mnist, or --fashion-mnist <dir>)`;
      return {
        columns,
        rows: (["mlp", "cnn"] as const).map((id) => [
          modelNames[id],
          settings.models[id].epochs,
          null,
          0,
          0,
          null,
          settings.models[id].target,
          "not measured",
        ]),
        ...findingOf([`Not measured: ${why}.`]),
        plots: [],
      };
    }
    await initKernels();
    const { train, test } = loadFashionMnist({
      directory,
      trainCount: settings.trainCount,
      testCount: settings.testCount,
    });
    const totalEpochs = settings.models.mlp.epochs + settings.models.cnn.epochs;
    const progress = (done: number, label: string) => context.progress(done / totalEpochs, label);
    const mlp = trainAndTest("mlp", fashionMlp(), train, test, settings.models.mlp, context.seed, (epoch) =>
      progress(epoch, `mlp epoch ${epoch}`),
    );
    const cnn = trainAndTest(
      "cnn",
      fashionCnn(),
      asImages(train),
      asImages(test),
      settings.models.cnn,
      context.seed,
      (epoch) => progress(settings.models.mlp.epochs + epoch, `cnn epoch ${epoch}`),
    );
    const results = [mlp, cnn];
    const fullSize = settings.trainCount === FULL_TRAIN && settings.testCount === FULL_TEST;
    const met = (result: ModelResult) =>
      fullSize ? (result.accuracy >= result.target ? "met" : "not met") : "n/a (subset)";
    const rows = results.map((result) => [
      modelNames[result.id],
      result.epochs,
      result.epochSeconds,
      settings.trainCount,
      settings.testCount,
      result.accuracy,
      result.target,
      met(result),
    ]);
    const describe = (result: ModelResult) =>
      `the ${result.id.toUpperCase()} reached ${formatNumber(result.accuracy, 4)} after ${result.epochs} epoch${result.epochs === 1 ? "" : "s"} (${formatNumber(result.epochSeconds, 1)} s per epoch)`;
    const headline = fullSize
      ? [
          `On all ${FULL_TRAIN} training and ${FULL_TEST} test images, ${describe(mlp)} and ${describe(cnn)}.`,
          `Targets: MLP ${mlp.target} ${met(mlp)}, CNN ${cnn.target} ${met(cnn)}.`,
        ]
      : [
          `Subset run (${context.mode} mode): ${settings.trainCount} training and ${settings.testCount} test images; ${describe(mlp)} and ${describe(cnn)}.`,
          `The targets (MLP ${mlp.target}, CNN ${cnn.target}) apply only to --full, which trains on all ${FULL_TRAIN} images and tests on the ${FULL_TEST}.`,
        ];
    return {
      columns,
      rows,
      ...findingOf(headline, [
        "Both models train with Adam (batch 64) on softmax cross-entropy, shuffled by the run's seed, the MLP at learning rate 1e-3 and the CNN from 2e-3 cosine-decayed to 0 over its steps; accuracy is measured once, after the last epoch.",
      ]),
      plots: [],
    };
  },
});
