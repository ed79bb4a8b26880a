import { loadMnist } from "@descent/data/node";
import type { Dataset, DatasetSplit, DType, FloatDType, Tensor as TensorLike } from "@descent/spec";
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
export function firstRows<D extends DType = FloatDType>(dataset: Dataset<D>, count: number): Dataset<D> {
  const rows = <T extends DType>(tensor: TensorLike<T>) => {
    const rowLength = tensor.data.length / tensor.shape[0]!;
    // A view of `tensor.data` has its dtype `T`.
    return new Tensor(tensor.data.subarray(0, count * rowLength), [
      count,
      ...tensor.shape.slice(1),
    ]) as Tensor<T>;
  };
  return { ...dataset, inputs: rows(dataset.inputs), targets: rows(dataset.targets) };
}
