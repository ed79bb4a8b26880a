import { loadMnist } from "@descent/data/node";
import type { Dataset, DatasetSplit, Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "@descent/tensor";

const mnistSplits = new Map<string, DatasetSplit>();

/**
 * MNIST digits (inputs `[n, 784]` in [0, 1], targets `[n]` class indices), loaded once per process for
 * each (trainCount, testCount, seed): several experiments share one copy instead of re-reading it.
 *
 * @example
 * const { train, test } = mnist(8000, 2000, context.seed);
 */
export function mnist(trainCount: number, testCount: number, seed: number): DatasetSplit {
  const key = `${trainCount}/${testCount}/${seed}`;
  let split = mnistSplits.get(key);
  if (split === undefined) {
    split = loadMnist({ trainCount, testCount, seed });
    mnistSplits.set(key, split);
  }
  return split;
}

/**
 * The first `count` samples of a dataset, sharing its buffers (no copy).
 *
 * @example firstRows(train, 256).inputs.shape // [256, 784]
 */
export function firstRows(dataset: Dataset, count: number): Dataset {
  const rows = (tensor: TensorLike) => {
    const rowLength = tensor.data.length / tensor.shape[0]!;
    return new Tensor(tensor.data.subarray(0, count * rowLength), [count, ...tensor.shape.slice(1)]);
  };
  return { ...dataset, inputs: rows(dataset.inputs), targets: rows(dataset.targets) };
}
