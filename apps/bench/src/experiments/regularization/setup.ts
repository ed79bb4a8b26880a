import type { Dataset, Tensor as TensorLike } from "@descent/spec";
import { createRandom, Tensor } from "@descent/tensor";
import { mnist } from "../shared/datasets.js";

/** The over-fitting set-up: a small training set, a validation set for early stopping, a clean test set. */
export interface OverfittingData {
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly test: Dataset;
  /** Share of training and validation labels that were replaced by a wrong class. */
  readonly labelNoise: number;
}

function rows(dataset: Dataset, start: number, count: number): Dataset {
  const take = (tensor: TensorLike) => {
    const rowLength = tensor.data.length / tensor.shape[0]!;
    return new Tensor(tensor.data.subarray(start * rowLength, (start + count) * rowLength), [
      count,
      ...tensor.shape.slice(1),
    ]);
  };
  return { ...dataset, inputs: take(dataset.inputs), targets: take(dataset.targets) };
}

/**
 * Each label replaced, with probability `noise`, by one of the 9 other classes drawn uniformly, so about
 * `noise` of the labels are wrong. Seeded; the inputs are shared, the targets copied.
 *
 * @example withLabelNoise(train, 0.2, createRandom(1)) // ≈ 20 % wrong labels
 */
export function withLabelNoise(
  dataset: Dataset,
  noise: number,
  random: { next(): number },
  classes = 10,
): Dataset {
  if (noise === 0) return dataset;
  const labels = Float32Array.from(dataset.targets.data);
  for (let i = 0; i < labels.length; i++) {
    if (random.next() >= noise) continue;
    const shift = 1 + Math.floor(random.next() * (classes - 1));
    labels[i] = (labels[i]! + shift) % classes;
  }
  return { ...dataset, targets: new Tensor(labels, dataset.targets.shape) };
}

/**
 * MNIST cut into `trainCount` training digits, then `validationCount` validation and `testCount` test digits
 * (disjoint); with `labelNoise` > 0, training and validation labels are corrupted (the test labels never are:
 * test accuracy measures the truth).
 *
 * @example overfittingData({ trainCount: 500, validationCount: 500, testCount: 2000, labelNoise: 0.2, seed: 1 })
 */
export function overfittingData(options: {
  readonly trainCount: number;
  readonly validationCount: number;
  readonly testCount: number;
  readonly labelNoise: number;
  readonly seed: number;
}): OverfittingData {
  const { trainCount, validationCount, testCount, labelNoise, seed } = options;
  const split = mnist(trainCount, validationCount + testCount, seed);
  const random = createRandom(seed + 7919);
  return {
    train: withLabelNoise(split.train, labelNoise, random),
    validation: withLabelNoise(rows(split.test, 0, validationCount), labelNoise, random),
    test: rows(split.test, validationCount, testCount),
    labelNoise,
  };
}
