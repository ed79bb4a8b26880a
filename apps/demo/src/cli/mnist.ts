import { parseArgs } from "node:util";
import { loadMnist } from "@descent/data/node";
import { metrics } from "@descent/nn";
import { kernelInfo } from "@descent/tensor";
import { SingleBar } from "cli-progress";
import { DEFAULT_MNIST_OPTIONS, trainMnist } from "./mnist-training.js";

// The terminal quick start: `pnpm demo:cli [--epochs 5] [--batch-size 64] [--hidden 128] [--learning-rate 0.001] [--train 8000] [--test 2000] [--seed 0]`.
const { values } = parseArgs({
  options: {
    epochs: { type: "string" },
    "batch-size": { type: "string" },
    hidden: { type: "string" },
    "learning-rate": { type: "string" },
    train: { type: "string" },
    test: { type: "string" },
    seed: { type: "string" },
    help: { type: "boolean" },
  },
});

if (values.help) {
  console.log(
    "Trains a 784-128-10 network on the MNIST digits in the terminal.\n\nOptions: --epochs 5 --batch-size 64 --hidden 128 --learning-rate 0.001 --train 8000 --test 2000 --seed 0",
  );
  process.exit(0);
}

const numberOption = (name: keyof typeof values, fallback: number): number => {
  const raw = values[name];
  if (raw === undefined || typeof raw !== "string") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    console.error(`--${name} ${raw}: expected a number`);
    process.exit(2);
  }
  return value;
};

const options = {
  epochs: numberOption("epochs", DEFAULT_MNIST_OPTIONS.epochs),
  batchSize: numberOption("batch-size", DEFAULT_MNIST_OPTIONS.batchSize),
  hidden: numberOption("hidden", DEFAULT_MNIST_OPTIONS.hidden),
  learningRate: numberOption("learning-rate", DEFAULT_MNIST_OPTIONS.learningRate),
  seed: numberOption("seed", DEFAULT_MNIST_OPTIONS.seed),
};
const trainCount = numberOption("train", 8000);
const testCount = numberOption("test", 2000);

const split = loadMnist({ trainCount, testCount, seed: options.seed });
console.log(
  `MNIST digits: ${trainCount} training and ${testCount} test images · 784 → ${options.hidden} relu → 10 · Adam, learning rate ${options.learningRate}, batch ${options.batchSize} · kernels ${kernelInfo().name}`,
);
const bar = new SingleBar({
  format: "epoch {epoch}/{epochs} [{bar}] {percentage}% | step {value}/{total} | loss {loss}",
  barCompleteChar: "█",
  barIncompleteChar: "░",
  hideCursor: true,
});
let currentEpoch = -1;
const started = performance.now();
const result = trainMnist(split, options, (epoch, step, stepsPerEpoch, loss) => {
  if (epoch !== currentEpoch) {
    if (currentEpoch >= 0) bar.stop();
    currentEpoch = epoch;
    bar.start(stepsPerEpoch, 0, { epoch: epoch + 1, epochs: options.epochs, loss: loss.toFixed(4) });
  }
  bar.update(step + 1, { loss: loss.toFixed(4) });
});
bar.stop();
const seconds = (performance.now() - started) / 1000;
console.log(`\ntrained in ${seconds.toFixed(1)} s`);
console.log(`training accuracy ${(result.trainAccuracy * 100).toFixed(2)} %`);
console.log(`test accuracy     ${(result.testAccuracy * 100).toFixed(2)} %\n`);
console.log("confusion matrix (test set; rows: true digit, columns: predicted digit)");
console.log(metrics.formatConfusionMatrix(result.confusionMatrix));
