import { existsSync } from "node:fs";
import type { DatasetSplit } from "@descent/spec";
import { DataError } from "../core/errors.js";
import { checkInteger, checkString, readOptions } from "../core/validate.js";
import { FASHION_MNIST_CLASS_NAMES, imageDatasetFromIdx } from "../images/image-dataset.js";
import { join } from "./files.js";
import { readIdxFile } from "./idx-file.js";

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const FASHION_MNIST_DIRECTORY = "/usr/share/datasets/fashion-mnist";

/** Options of {@link loadFashionMnist}. */
export interface FashionMnistOptions {
  /** Folder with the four IDX files (`.gz` or uncompressed). Default `/usr/share/datasets/fashion-mnist`. */
  readonly directory?: string;
  /** Take the first `trainCount` of the 60,000 training images. Default all. */
  readonly trainCount?: number;
  /** Take the first `testCount` of the 10,000 test images. Default all. */
  readonly testCount?: number;
}

const FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

/**
 * The size of each file of the published dataset (60,000 + 10,000 images of 28×28 bytes, a 16-byte
 * image header, an 8-byte label header): no file may decompress to more, which bounds a gzip bomb.
 */
const MAX_BYTES: Readonly<Record<keyof typeof FILES, number>> = {
  trainImages: 16 + 60000 * 784,
  trainLabels: 8 + 60000,
  testImages: 16 + 10000 * 784,
  testLabels: 8 + 10000,
};

/**
 * Fashion-MNIST (Zalando, MIT licence): 70,000 28×28 grey images of 10 clothing classes, read from
 * IDX files with `node:zlib`. Inputs `[n, 784]` float32 in `[0, 1]` (`pixel / 255`), targets `[n]` class
 * indices (names in `classNames`). Headers are checked strictly; a truncated or malformed file throws a
 * `DataError` naming the file. The files' own order is kept (it is already shuffled).
 * No file is decompressed past the size its IDX header declares, nor past the published dataset's size
 * (47,040,016 bytes for the training images), so a decompression bomb is refused within that much memory.
 *
 * @throws {@link @descent/data!DataError} when files are missing (with how to get them: `apt-get install
 *   dataset-fashion-mnist`, or pass `directory`), truncated or malformed.
 * @example
 * ```ts
 * const { train, test } = loadFashionMnist({ trainCount: 10000 });
 * ```
 */
export function loadFashionMnist(options: FashionMnistOptions = {}): DatasetSplit {
  const given = readOptions("loadFashionMnist", options, ["directory", "trainCount", "testCount"] as const);
  const directory = checkString(
    "loadFashionMnist",
    "options.directory",
    given.directory ?? FASHION_MNIST_DIRECTORY,
  );
  const count = (name: "trainCount" | "testCount") =>
    given[name] === undefined
      ? undefined
      : checkInteger("loadFashionMnist", `options.${name}`, given[name], 0, Number.MAX_SAFE_INTEGER);
  const trainCount = count("trainCount");
  const testCount = count("testCount");
  const paths = Object.fromEntries(
    Object.entries(FILES).map(([key, file]) => {
      const compressed = join(directory, `${file}.gz`);
      const plain = join(directory, file);
      return [key, existsSync(compressed) || !existsSync(plain) ? compressed : plain];
    }),
  ) as Record<keyof typeof FILES, string>;
  const missing = Object.values(paths).filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new DataError(
      "loadFashionMnist",
      `${missing.length} of the 4 Fashion-MNIST files are missing in ${directory} (${missing.map((path) => path.slice(directory.length + 1)).join(", ")}): ${fashionMnistHowToGet(directory)}`,
      { file: missing[0]! },
    );
  }
  const read = (key: keyof typeof FILES, dimensions: number) =>
    readIdxFile(
      "loadFashionMnist",
      { path: paths[key], dimensions, maxBytes: MAX_BYTES[key] },
      fashionMnistHowToGet(directory),
    );
  return {
    train: imageDatasetFromIdx(
      "fashion-mnist/train",
      read("trainImages", 3),
      read("trainLabels", 1),
      FASHION_MNIST_CLASS_NAMES,
      trainCount,
      [28, 28],
    ),
    test: imageDatasetFromIdx(
      "fashion-mnist/test",
      read("testImages", 3),
      read("testLabels", 1),
      FASHION_MNIST_CLASS_NAMES,
      testCount,
      [28, 28],
    ),
  };
}

function fashionMnistHowToGet(directory: string): string {
  return directory === FASHION_MNIST_DIRECTORY
    ? "install them with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu), or put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (from zalandoresearch/fashion-mnist) in a folder and pass it as `directory`"
    : `put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz there, or install Debian's \`apt-get install dataset-fashion-mnist\` and leave \`directory\` at its default ${FASHION_MNIST_DIRECTORY}`;
}
