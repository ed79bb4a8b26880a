import type { Dataset, FloatDType, RandomGenerator } from "@descent/spec";
import { allocate, Tensor, ValueError } from "@descent/tensor";
import { createDataset } from "../core/dataset.js";
import { DEFAULT_SEED, randomFor } from "../core/random.js";
import { checkDType, checkFinite, describe, readOptions } from "../core/validate.js";

/** Most points a toy set may have (10 million: 80 MB of float32 inputs). */
export const MAX_TOY_COUNT = 10_000_000;

/** Largest noise level (the Playground's slider stops at 0.5; far beyond this the points leave float32). */
export const MAX_TOY_NOISE = 1_000_000;

/** Options shared by every toy 2-D set. */
export interface ToyOptions {
  /** Number of points. Default 500 for classification sets, 1200 for regression sets (as the Playground). */
  readonly count?: number;
  /**
   * Noise level, the Playground's "Noise" slider divided by 100 (the slider goes from 0 to 50, so
   * `0 … 0.5` matches it; larger values up to 10⁶ are allowed). Default 0. Its exact effect is given by each set.
   */
  readonly noise?: number;
  /** Seed of the generator; the same seed gives the same points everywhere. Default 0. */
  readonly seed?: number;
  /** dtype of inputs and targets. Default `"float32"`. */
  readonly dtype?: FloatDType;
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
  const given = readOptions(name, options, ["count", "noise", "seed", "dtype"] as const);
  const count = given.count ?? (kind === "classification" ? 500 : 1200);
  const noise = given.noise ?? 0;
  const seed = given.seed ?? DEFAULT_SEED;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > MAX_TOY_COUNT) {
    throw new ValueError(
      name,
      `count = ${describe(count)}: pass a non-negative integer number of points, at most ${MAX_TOY_COUNT}`,
    );
  }
  if (typeof noise !== "number" || !Number.isFinite(noise) || noise < 0 || noise > MAX_TOY_NOISE) {
    throw new ValueError(
      name,
      `noise = ${describe(noise)}: pass a finite number in [0, ${MAX_TOY_NOISE}] (the Playground's 0–50 % is 0–0.5)`,
    );
  }
  checkFinite(name, "seed", seed);
  const dtype = checkDType(name, "dtype", given.dtype ?? "float32");
  const inputs = allocate(dtype, count * 2);
  const targets = allocate(dtype, count);
  generate({
    random: randomFor(seed as number),
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
