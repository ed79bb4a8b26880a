import type { Dataset } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";
import { createDataset } from "../core/dataset.js";
import { DataError } from "../core/errors.js";
import { checkAllocation, checkInteger, checkShape, checkString, describe } from "../core/validate.js";
import type { IdxArray } from "./idx.js";

// An IdxArray built by hand must still be one: integer dimensions and exactly ∏ dimensions bytes.
function checkIdxArray(name: string, value: unknown): IdxArray {
  const op = "imageDatasetFromIdx";
  if (typeof value !== "object" || value === null) {
    throw new ValueError(op, `${name} = ${describe(value)}: pass an IdxArray from parseIdx`);
  }
  const { dimensions, data } = value as Partial<IdxArray>;
  const size = checkShape(op, `${name}.dimensions`, dimensions);
  if (!(data instanceof Uint8Array)) {
    throw new ValueError(op, `${name}.data = ${describe(data)}: pass a Uint8Array`);
  }
  if (data.length !== size) {
    throw new DataError(
      op,
      `${name}.dimensions [${(dimensions as number[]).join(",")}] need ${size} bytes but ${name}.data has ${data.length}: the array is truncated or malformed`,
    );
  }
  return value as IdxArray;
}

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
  const op = "imageDatasetFromIdx";
  checkString(op, "name", name);
  checkIdxArray("images", images);
  checkIdxArray("labels", labels);
  if (
    !Array.isArray(classNames) ||
    classNames.length === 0 ||
    classNames.length > 256 ||
    classNames.some((className) => typeof className !== "string")
  ) {
    throw new ValueError(op, `classNames = ${describe(classNames)}: pass 1 to 256 class names (strings)`);
  }
  if (
    imageSize !== undefined &&
    (!Array.isArray(imageSize) ||
      imageSize.length !== 2 ||
      !imageSize.every((side) => typeof side === "number" && Number.isSafeInteger(side) && side >= 0))
  ) {
    throw new ValueError(op, `imageSize = ${describe(imageSize)}: pass [rows, columns] as two integers`);
  }
  if (count !== undefined) checkInteger(op, "count", count, 0, Number.MAX_SAFE_INTEGER);
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
  const inputs = new Float32Array(checkAllocation(op, `${name}: the inputs`, take * pixels));
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
