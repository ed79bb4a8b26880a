import type { DataArray, Dataset, DType, FloatDType } from "@descent/spec";
import { allocate, Tensor } from "@descent/tensor";
import { checkDataset } from "../core/dataset.js";
import { DEFAULT_SEED, randomFor, shuffleInPlace } from "../core/random.js";
import { gatherRows, rowCountOf, rowSizeOf } from "../core/rows.js";
import { checkBoolean, checkFinite, checkInteger, readOptions } from "../core/validate.js";

/** Options of {@link batches}. */
export interface BatchOptions {
  /** Samples per batch (`n` = full-batch gradient descent, 1 = stochastic, `b` = mini-batch). Default 32. */
  readonly batchSize?: number;
  /** Visit the samples in a new random order every epoch. Default true. */
  readonly shuffle?: boolean;
  /** Seed of the epoch orders: epoch `k`'s order depends only on `(seed, k)`. Default 0. */
  readonly seed?: number;
  /** Skip the last batch when it has fewer than `batchSize` samples. Default false. */
  readonly dropLast?: boolean;
  /**
   * Reuse one pair of buffers for every batch instead of allocating new ones. Faster, but a batch's
   * tensors are then valid only until the next batch is produced: do not keep them (copy what you keep).
   * Default false.
   */
  readonly reuseBuffers?: boolean;
}

/** One mini-batch: rows of the dataset in loader order. `TargetDType` is the targets' dtype (int32 labels stay int32). */
export interface Batch<TargetDType extends DType = FloatDType> {
  /** `[size, …]` rows of `dataset.inputs`. */
  readonly inputs: Tensor;
  /** `[size, …]` rows of `dataset.targets`, of their dtype. */
  readonly targets: Tensor<TargetDType>;
  /** Dataset indices of the rows (a view of the epoch order; do not modify). */
  readonly indices: Int32Array;
  /** Number of samples in this batch. */
  readonly size: number;
  /** 0-based epoch this batch belongs to. */
  readonly epoch: number;
  /** 0-based position of the batch within its epoch. */
  readonly index: number;
}

/** A re-iterable source of mini-batches; every `for … of` runs the next epoch. */
export interface BatchLoader<TargetDType extends DType = FloatDType> extends Iterable<Batch<TargetDType>> {
  /** Number of batches in one epoch: `⌈n / batchSize⌉`, or `⌊n / batchSize⌋` with `dropLast`. */
  readonly batchesPerEpoch: number;
  /** Number of samples in the dataset. */
  readonly sampleCount: number;
  /** The epoch the next `for … of` will run (starts at 0). */
  readonly nextEpoch: number;
  /** The batches of epoch `epoch` (any epoch, in any order: its order depends only on seed and epoch). */
  epoch(epoch: number): IterableIterator<Batch<TargetDType>>;
  /** The sample order of epoch `epoch`. */
  order(epoch: number): Int32Array;
}

/**
 * Mini-batches of a dataset, reshuffled every epoch from the seed.
 *
 * Epoch `k` visits every sample exactly once, in the order `permutation(seed, k)` (or `0 … n−1`
 * without `shuffle`), cut into batches of `batchSize`. Rows are copied with plain typed-array loops
 * (no per-sample objects); without `shuffle`, batches are zero-copy views of the dataset. Targets keep
 * their dtype: int32 class labels come out as int32 batches.
 *
 * @throws `ShapeError` (from `@descent/tensor`) when inputs and targets have different numbers of samples (every batch would
 *   otherwise pair a row with the wrong, or a missing, target); `ValueError` (from `@descent/tensor`) when `batchSize` is not a
 *   positive integer, an option is of the wrong kind or unknown.
 * @example
 * ```ts
 * const loader = batches(dataset, { batchSize: 64, seed: 1 });
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   for (const { inputs, targets } of loader) step(inputs, targets);
 * }
 * ```
 */
export function batches<TargetDType extends DType = FloatDType>(
  dataset: Dataset<TargetDType>,
  options: BatchOptions = {},
): BatchLoader<TargetDType> {
  const { inputs, targets } = checkDataset("batches", "dataset", dataset);
  const given = readOptions("batches", options, [
    "batchSize",
    "shuffle",
    "seed",
    "dropLast",
    "reuseBuffers",
  ] as const);
  const batchSize = checkInteger(
    "batches",
    "options.batchSize",
    given.batchSize ?? 32,
    1,
    Number.MAX_SAFE_INTEGER,
  );
  const shuffle = checkBoolean("batches", "options.shuffle", given.shuffle ?? true);
  const seed = checkFinite("batches", "options.seed", given.seed ?? DEFAULT_SEED);
  const dropLast = checkBoolean("batches", "options.dropLast", given.dropLast ?? false);
  const reuseBuffers = checkBoolean("batches", "options.reuseBuffers", given.reuseBuffers ?? false);
  const n = rowCountOf(inputs);
  const batchesPerEpoch = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  // A batch never holds more than n rows, so a huge batchSize allocates no more than the dataset.
  const bufferRows = Math.min(batchSize, n);
  const inputRowSize = rowSizeOf(inputs);
  const targetRowSize = rowSizeOf(targets);
  const inputRowShape = inputs.shape.slice(1);
  const targetRowShape = targets.shape.slice(1);
  let inputBuffer: Float32Array | Float64Array | undefined;
  let targetBuffer: Float32Array | Float64Array | Int32Array | undefined;
  let nextEpoch = 0;

  const order = (epoch: number): Int32Array => {
    checkInteger("batches", "epoch", epoch, 0, Number.MAX_SAFE_INTEGER);
    const indices = new Int32Array(n);
    for (let i = 0; i < n; i++) indices[i] = i;
    if (shuffle) shuffleInPlace(randomFor(seed, epoch), indices);
    return indices;
  };

  function* epochBatches(epoch: number): Generator<Batch<TargetDType>, void, undefined> {
    const indices = order(epoch);
    for (let index = 0; index < batchesPerEpoch; index++) {
      const start = index * batchSize;
      const end = Math.min(start + batchSize, n);
      const size = end - start;
      let inputData: Float32Array | Float64Array;
      let targetData: Float32Array | Float64Array | Int32Array;
      if (!shuffle) {
        inputData = inputs.data.subarray(start * inputRowSize, end * inputRowSize);
        targetData = targets.data.subarray(start * targetRowSize, end * targetRowSize);
      } else if (reuseBuffers) {
        inputBuffer ??= allocate(inputs.dtype, bufferRows * inputRowSize);
        targetBuffer ??= allocate(targets.dtype, bufferRows * targetRowSize);
        inputData = inputBuffer.subarray(0, size * inputRowSize);
        targetData = targetBuffer.subarray(0, size * targetRowSize);
      } else {
        inputData = allocate(inputs.dtype, size * inputRowSize);
        targetData = allocate(targets.dtype, size * targetRowSize);
      }
      if (shuffle) {
        gatherRows(inputs.data, inputRowSize, indices, start, end, inputData);
        gatherRows(targets.data, targetRowSize, indices, start, end, targetData);
      }
      yield {
        inputs: new Tensor(inputData, [size, ...inputRowShape]),
        // `targetData` is a view or a copy of `dataset.targets.data`, so it has the dtype `TargetDType`.
        targets: new Tensor(targetData as DataArray<TargetDType>, [
          size,
          ...targetRowShape,
        ]) as Tensor<TargetDType>,
        indices: indices.subarray(start, end),
        size,
        epoch,
        index,
      };
    }
  }

  return {
    batchesPerEpoch,
    sampleCount: n,
    get nextEpoch() {
      return nextEpoch;
    },
    epoch: epochBatches,
    order,
    [Symbol.iterator]() {
      return epochBatches(nextEpoch++);
    },
  };
}
