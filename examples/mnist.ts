/**
 * Trains a 784-256-128-10 network on handwritten digits (or Fashion-MNIST) and prints the test confusion
 * matrix and accuracy.
 *
 *   pnpm example:mnist                        # MNIST digits, 8,000 train / 2,000 test
 *   pnpm example:mnist --dataset fashion       # Fashion-MNIST from /usr/share/datasets
 *   options: --epochs 20 --batch-size 64 --learning-rate 0.001 --seed 0 --train-count N --test-count N
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { FASHION_MNIST_DIRECTORY, loadFashionMnist, loadMnist } from "@descent/data/node";
import { dense, evaluate, initializers, metrics, predict, sequential } from "@descent/nn";
import { fit } from "@descent/nn/node";
import { adam } from "@descent/optimizers";
import type { DatasetSplit } from "@descent/spec";
import { kernelInfo } from "@descent/tensor";

// `pnpm run x -- --flag` passes the `--` through: drop it.
const args = process.argv.slice(2);
if (args[0] === "--") args.shift();
const { values } = parseArgs({
  args,
  options: {
    dataset: { type: "string", default: "mnist" },
    epochs: { type: "string", default: "20" },
    "batch-size": { type: "string", default: "64" },
    "learning-rate": { type: "string", default: "0.001" },
    seed: { type: "string", default: "0" },
    "train-count": { type: "string" },
    "test-count": { type: "string" },
  },
});

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

const epochs = positiveInteger("epochs", values.epochs!);
const batchSize = positiveInteger("batch-size", values["batch-size"]!);
const learningRate = Number(values["learning-rate"]);
const seed = Number(values.seed);
const trainCount =
  values["train-count"] === undefined ? 8000 : positiveInteger("train-count", values["train-count"]);
const testCount =
  values["test-count"] === undefined ? 2000 : positiveInteger("test-count", values["test-count"]);

let split: DatasetSplit;
let classNames: readonly string[] | undefined;
if (values.dataset === "mnist") {
  split = loadMnist({ trainCount, testCount, seed });
} else if (values.dataset === "fashion") {
  if (!existsSync(FASHION_MNIST_DIRECTORY)) {
    console.error(
      `Fashion-MNIST is not installed: ${FASHION_MNIST_DIRECTORY} does not exist.\n` +
        "Install it with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu), or run without --dataset for the MNIST digits.",
    );
    process.exit(1);
  }
  split = loadFashionMnist({ trainCount, testCount });
  classNames = split.train.classNames;
} else {
  console.error(`--dataset must be "mnist" or "fashion", got ${JSON.stringify(values.dataset)}`);
  process.exit(2);
}

const { train, test } = split;
const model = sequential([
  dense(784, 256, { weightsInitializer: initializers.heUniform() }),
  "relu",
  dense(256, 128, { weightsInitializer: initializers.heUniform() }),
  "relu",
  dense(128, 10),
]);
const params = model.init(seed);
const kernels = kernelInfo();
console.log(
  `${values.dataset}: ${train.inputs.shape[0]} train / ${test.inputs.shape[0]} test images; ` +
    `784-256-128-10 relu network, Adam(${learningRate}), batch ${batchSize}, ${epochs} epochs, seed ${seed}; ` +
    `kernels ${kernels.name} × ${kernels.threads} thread(s)`,
);

const start = performance.now();
const result = fit(model, params, train, {
  optimizer: adam({ learningRate }),
  loss: "softmaxCrossEntropyFromLogits",
  epochs,
  batchSize,
  seed,
  validationData: test,
  metrics: ["accuracy"],
});
const seconds = (performance.now() - start) / 1000;

const logits = predict(model, result.params, test.inputs, { state: result.state });
console.log("\nconfusion matrix on the test set (rows: true class, columns: predicted):");
console.log(
  metrics.formatConfusionMatrix(metrics.confusionMatrix(logits, test.targets, { classes: 10 }), classNames),
);
const scores = evaluate(model, result.params, test, {
  loss: "softmaxCrossEntropyFromLogits",
  metrics: ["accuracy", "f1Score"],
});
console.log(
  `\ntraining: ${seconds.toFixed(1)} s (${((train.inputs.shape[0]! * epochs) / seconds).toFixed(0)} samples/s); ` +
    `test loss ${scores.loss!.toFixed(4)}, macro F1 ${scores.f1Score!.toFixed(4)}`,
);
console.log(`test accuracy: ${scores.accuracy!.toFixed(4)}`);
