import type { DatasetSplit } from "@descent/spec";
import { loadMnist } from "@descent/data/node";

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
