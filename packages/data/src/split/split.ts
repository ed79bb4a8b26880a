import type { Dataset, DatasetSplit, DType, FloatDType } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { checkDataset, classLabelsOf, takeSamples } from "../core/dataset.js";
import { DEFAULT_SEED, randomFor, shuffleInPlace } from "../core/random.js";
import { rowCountOf } from "../core/rows.js";
import { checkBoolean, checkFinite, describe, readOptions } from "../core/validate.js";

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
 * the rest (per class when `stratify`). Each part's samples come in shuffled order. Targets keep their dtype
 * (int32 labels stay int32).
 *
 * @throws `ValueError` (from `@descent/tensor`) when the fractions are outside `[0, 1)` or leave no training sample.
 * @example
 * ```ts
 * const { train, validation, test } = splitDataset(circle(), { testFraction: 0.2, validationFraction: 0.1, stratify: true });
 * ```
 */
export function splitDataset<TargetDType extends DType = FloatDType>(
  dataset: Dataset<TargetDType>,
  options: SplitOptions = {},
): DatasetSplit<TargetDType> {
  // The checked copy holds the caller's tensors, so its targets keep the dtype `TargetDType`.
  const checked = checkDataset("splitDataset", "dataset", dataset) as Dataset<TargetDType>;
  const given = readOptions("splitDataset", options, [
    "testFraction",
    "validationFraction",
    "seed",
    "stratify",
  ] as const);
  const testFraction = fractionOf("testFraction", given.testFraction ?? 0.2);
  const validationFraction = fractionOf("validationFraction", given.validationFraction ?? 0);
  if (testFraction + validationFraction >= 1) {
    throw new ValueError(
      "splitDataset",
      `testFraction + validationFraction = ${testFraction + validationFraction} leaves no training samples: keep the sum below 1`,
    );
  }
  const seed = checkFinite("splitDataset", "options.seed", given.seed ?? DEFAULT_SEED);
  const stratify = checkBoolean("splitDataset", "options.stratify", given.stratify ?? false);
  const random = randomFor(seed);
  const n = rowCountOf(checked.inputs);
  const groups = stratify ? indicesByClass(checked) : [identity(n)];
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
    if (stratify) shuffleInPlace(random, order);
    return takeSamples(checked, order, `${checked.name}/${part}`);
  };
  const split: {
    train: Dataset<TargetDType>;
    test: Dataset<TargetDType>;
    validation?: Dataset<TargetDType>;
  } = {
    train: take(parts.train, "train"),
    test: take(parts.test, "test"),
  };
  if (validationFraction > 0) split.validation = take(parts.validation, "validation");
  return split;
}

function fractionOf(name: string, value: unknown): number {
  if (typeof value !== "number" || !(value >= 0 && value < 1)) {
    throw new ValueError("splitDataset", `options.${name} = ${describe(value)}: pass a fraction in [0, 1)`);
  }
  return value;
}

function identity(n: number): Int32Array {
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  return indices;
}

// Groups in ascending class order; a Map keeps sparse labels (e.g. 0 and 900,000) from allocating every class between.
function indicesByClass(dataset: Dataset<DType>): Int32Array[] {
  const labels = classLabelsOf("splitDataset", dataset.targets);
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
  const groups = new Map<number, Int32Array>();
  for (const label of [...counts.keys()].sort((a, b) => a - b)) {
    groups.set(label, new Int32Array(counts.get(label)!));
  }
  const filled = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    const at = filled.get(label) ?? 0;
    groups.get(label)![at] = i;
    filled.set(label, at + 1);
  }
  return [...groups.values()];
}
