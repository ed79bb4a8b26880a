import type { Dataset } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import { createDataset } from "../core/dataset.js";
import { DataError } from "../core/errors.js";
import type { IdxArray } from "./idx.js";

/** The ten Fashion-MNIST classes, by label. */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
]);

/**
 * An image dataset from an IDX image array `[n, rows, columns]` and an IDX label array `[n]`:
 * inputs `[count, rows · columns]` float32 with pixel `/ 255` in `[0, 1]`, targets `[count]` float32 class indices.
 * The first `count` samples are taken (default: all). With `imageSize`, images must be `[rows, columns]` = `imageSize`.
 *
 * @throws {@link DataError} when the counts of images and labels differ, the image size is not `imageSize`,
 *   a label is ≥ `classNames.length`, or `count` is too large.
 * @example
 * ```ts
 * const ds = imageDatasetFromIdx("fashion-mnist/train", images, labels, FASHION_MNIST_CLASS_NAMES, 1000);
 * ```
 */
export function imageDatasetFromIdx(
  name: string,
  images: IdxArray,
  labels: IdxArray,
  classNames: readonly string[],
  count?: number,
  imageSize?: readonly [rows: number, columns: number],
): Dataset {
  const [n = 0, rows = 0, columns = 0] = images.dimensions;
  if (images.dimensions.length !== 3 || labels.dimensions.length !== 1) {
    throw new DataError(
      "imageDatasetFromIdx",
      `${name}: images [${images.dimensions.join(",")}] and labels [${labels.dimensions.join(",")}] must have 3 and 1 dimensions`,
    );
  }
  if (labels.dimensions[0] !== n) {
    throw new DataError(
      "imageDatasetFromIdx",
      `${name}: ${n} images but ${labels.dimensions[0]} labels: the image and label files do not belong together`,
    );
  }
  if (imageSize && (rows !== imageSize[0] || columns !== imageSize[1])) {
    throw new DataError(
      "imageDatasetFromIdx",
      `${name}: images are ${rows}×${columns} where ${imageSize[0]}×${imageSize[1]} are expected: these are not the right files`,
    );
  }
  const take = count ?? n;
  if (!Number.isInteger(take) || take < 0 || take > n) {
    throw new DataError(
      "imageDatasetFromIdx",
      `${name}: count = ${take} but the files hold ${n} samples: pass 0 … ${n}`,
    );
  }
  const pixels = rows * columns;
  const inputs = new Float32Array(take * pixels);
  const source = images.data;
  for (let i = 0; i < inputs.length; i++) inputs[i] = source[i]! / 255;
  const targets = new Float32Array(take);
  for (let i = 0; i < take; i++) {
    const label = labels.data[i]!;
    if (label >= classNames.length) {
      throw new DataError(
        "imageDatasetFromIdx",
        `${name}: label ${label} of sample ${i} is not below ${classNames.length} classes: the label file is corrupt`,
      );
    }
    targets[i] = label;
  }
  return createDataset({
    name,
    inputs: new Tensor(inputs, [take, pixels]),
    targets: new Tensor(targets, [take]),
    classes: classNames.length,
    classNames,
  });
}
