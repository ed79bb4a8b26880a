import type { Dataset, DType, RandomGenerator } from "@descent/spec";
import { allocate, Tensor, ValueError } from "@descent/tensor";
import { createDataset } from "../core/dataset.js";
import { DEFAULT_SEED, randomFor } from "../core/random.js";

/** Options shared by every toy 2-D set. */
export interface ToyOptions {
  /** Number of points. Default 500 for classification sets, 1200 for regression sets (as the Playground). */
  readonly count?: number;
  /**
   * Noise level, the Playground's "Noise" slider divided by 100 (the slider goes from 0 to 50, so
   * `0 … 0.5` matches it; larger values are allowed). Default 0. Its exact effect is given by each set.
   */
  readonly noise?: number;
  /** Seed of the generator; the same seed gives the same points everywhere. Default 0. */
  readonly seed?: number;
  /** dtype of inputs and targets. Default `"float32"`. */
  readonly dtype?: DType;
}

/** Where a generator writes point `i`: `x`, `y` and its label or target value. */
export interface PointWriter {
  readonly random: RandomGenerator;
  readonly count: number;
  readonly noise: number;
  put(i: number, x: number, y: number, target: number): void;
}

const CLASS_NAMES = ["negative", "positive"] as const;

/** Runs `generate` with validated options and wraps the points as a dataset. */
export function buildToyDataset(
  name: string,
  kind: "classification" | "regression",
  options: ToyOptions,
  generate: (writer: PointWriter) => void,
): Dataset {
  const count = options.count ?? (kind === "classification" ? 500 : 1200);
  const noise = options.noise ?? 0;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(count) || count < 0) {
    throw new ValueError(name, `count = ${count}: pass a non-negative integer number of points`);
  }
  if (!Number.isFinite(noise) || noise < 0) {
    throw new ValueError(
      name,
      `noise = ${noise}: pass a finite number ≥ 0 (the Playground's 0–50 % is 0–0.5)`,
    );
  }
  if (!Number.isFinite(seed)) throw new ValueError(name, `seed = ${seed}: pass a finite integer seed`);
  const dtype = options.dtype ?? "float32";
  const inputs = allocate(dtype, count * 2);
  const targets = allocate(dtype, count);
  generate({
    random: randomFor(seed),
    count,
    noise,
    put(i, x, y, target) {
      inputs[2 * i] = x;
      inputs[2 * i + 1] = y;
      targets[i] = target;
    },
  });
  return createDataset({
    name,
    inputs: new Tensor(inputs, [count, 2]),
    targets: kind === "classification" ? new Tensor(targets, [count]) : new Tensor(targets, [count, 1]),
    ...(kind === "classification" && { classes: 2, classNames: CLASS_NAMES }),
  });
}

/** Sizes of the two classes of a set of `count` points: the positive class takes the odd point. */
export function classSizes(count: number): [positive: number, negative: number] {
  const negative = Math.floor(count / 2);
  return [count - negative, negative];
}
