import type { Dataset, DatasetSplit } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { classLabelsOf, sampleCount, takeSamples } from "../core/dataset.js";
import { DEFAULT_SEED, randomFor, shuffleInPlace } from "../core/random.js";

/** Options of {@link splitDataset}. */
export interface SplitOptions {
  /** Fraction of the samples in the test set, in `[0, 1)`. Default 0.2. */
  readonly testFraction?: number;
  /** Fraction of the samples in the validation set (none when 0). Default 0. */
  readonly validationFraction?: number;
  /** Seed of the shuffle. Default 0. */
  readonly seed?: number;
  /**
   * Keep each class's share equal in every part (targets must be class indices). Each class is split on
   * its own with `round(n_c · fraction)` samples per part, so part sizes may differ from
   * `round(n · fraction)` by up to one per class. Default false.
   */
  readonly stratify?: boolean;
}

/**
 * A seeded train / validation / test split: the samples are shuffled, then cut into parts.
 *
 * Part sizes: `test = round(n · testFraction)`, `validation = round(n · validationFraction)`, train gets
 * the rest (per class when `stratify`). Each part's samples come in shuffled order.
 *
 * @throws {@link ValueError} when the fractions are outside `[0, 1)` or leave no training sample.
 * @example
 * ```ts
 * const { train, validation, test } = splitDataset(circle(), { testFraction: 0.2, validationFraction: 0.1, stratify: true });
 * ```
 */
export function splitDataset(dataset: Dataset, options: SplitOptions = {}): DatasetSplit {
  const testFraction = options.testFraction ?? 0.2;
  const validationFraction = options.validationFraction ?? 0;
  for (const [name, value] of [
    ["testFraction", testFraction],
    ["validationFraction", validationFraction],
  ] as const) {
    if (!(value >= 0 && value < 1)) {
      throw new ValueError("splitDataset", `${name} = ${value}: pass a fraction in [0, 1)`);
    }
  }
  if (testFraction + validationFraction >= 1) {
    throw new ValueError(
      "splitDataset",
      `testFraction + validationFraction = ${testFraction + validationFraction} leaves no training samples: keep the sum below 1`,
    );
  }
  const random = randomFor(options.seed ?? DEFAULT_SEED);
  const n = sampleCount(dataset);
  const groups = options.stratify ? indicesByClass(dataset) : [identity(n)];
  const parts = { train: [] as number[], validation: [] as number[], test: [] as number[] };
  for (const group of groups) {
    shuffleInPlace(random, group);
    const testCount = Math.round(group.length * testFraction);
    const validationCount = Math.round(group.length * validationFraction);
    for (let i = 0; i < group.length; i++) {
      const part =
        i < testCount ? parts.test : i < testCount + validationCount ? parts.validation : parts.train;
      part.push(group[i]!);
    }
  }
  const take = (indices: number[], part: string) => {
    const order = Int32Array.from(indices);
    if (options.stratify) shuffleInPlace(random, order);
    return takeSamples(dataset, order, `${dataset.name}/${part}`);
  };
  const split: { train: Dataset; test: Dataset; validation?: Dataset } = {
    train: take(parts.train, "train"),
    test: take(parts.test, "test"),
  };
  if (validationFraction > 0) split.validation = take(parts.validation, "validation");
  return split;
}

function identity(n: number): Int32Array {
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  return indices;
}

function indicesByClass(dataset: Dataset): Int32Array[] {
  const labels = classLabelsOf("splitDataset", dataset.targets);
  const counts: number[] = [];
  for (let i = 0; i < labels.length; i++) counts[labels[i]!] = (counts[labels[i]!] ?? 0) + 1;
  const groups = Array.from(counts, (count) => new Int32Array(count ?? 0));
  const filled = new Array<number>(groups.length).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    groups[label]![filled[label]!++] = i;
  }
  return groups.filter((group) => group.length > 0);
}
