import type { Dataset, Tensor as TensorLike } from "@descent/spec";
import { allocate, formatShape, ShapeError, Tensor, ValueError } from "@descent/tensor";
import { gatherRows, rowCountOf, rowSizeOf } from "./rows.js";

/** The fields of a {@link Dataset}, as passed to {@link createDataset}. */
export interface DatasetFields {
  readonly name: string;
  readonly inputs: TensorLike;
  readonly targets: TensorLike;
  readonly classes?: number;
  readonly classNames?: readonly string[];
}

/**
 * A {@link Dataset} after checking that inputs and targets have the same number of samples (axis 0).
 *
 * @throws {@link ShapeError} when `inputs.shape[0] ≠ targets.shape[0]`.
 * @example
 * ```ts
 * const ds = createDataset({ name: "tiny", inputs: new Tensor(new Float32Array(4), [2, 2]), targets: new Tensor(new Float32Array(2), [2]) });
 * ```
 */
export function createDataset(fields: DatasetFields): Dataset {
  const { name, inputs, targets } = fields;
  if (inputs.shape.length === 0 || targets.shape.length === 0) {
    throw new ShapeError(
      "createDataset",
      `${name}: inputs ${formatShape(inputs.shape)} and targets ${formatShape(targets.shape)} need a sample axis (rank ≥ 1)`,
    );
  }
  if (inputs.shape[0] !== targets.shape[0]) {
    throw new ShapeError(
      "createDataset",
      `${name}: inputs ${formatShape(inputs.shape)} and targets ${formatShape(targets.shape)} have ${inputs.shape[0]} and ${targets.shape[0]} samples: axis 0 must match`,
    );
  }
  const dataset: { -readonly [K in keyof Dataset]: Dataset[K] } = { name, inputs, targets };
  if (fields.classes !== undefined) dataset.classes = fields.classes;
  if (fields.classNames !== undefined) dataset.classNames = fields.classNames;
  return dataset;
}

/**
 * Number of samples of a dataset: `inputs.shape[0]`.
 *
 * @example
 * ```ts
 * sampleCount(circle({ count: 300 })); // 300
 * ```
 */
export function sampleCount(dataset: Dataset): number {
  return rowCountOf(dataset.inputs);
}

/**
 * The samples `indices` of a dataset, copied in that order into new tensors (same dtypes).
 *
 * @example
 * ```ts
 * const firstTen = takeSamples(dataset, Array.from({ length: 10 }, (_, i) => i));
 * ```
 */
export function takeSamples(dataset: Dataset, indices: ArrayLike<number>, name = dataset.name): Dataset {
  const count = sampleCount(dataset);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new ValueError(
        "takeSamples",
        `${dataset.name}: index ${index} at position ${i} is outside [0, ${count}): pass sample indices of this dataset`,
      );
    }
  }
  return createDataset({
    name,
    inputs: takeRows(dataset.inputs, indices),
    targets: takeRows(dataset.targets, indices),
    ...(dataset.classes !== undefined && { classes: dataset.classes }),
    ...(dataset.classNames !== undefined && { classNames: dataset.classNames }),
  });
}

function takeRows(tensor: TensorLike, indices: ArrayLike<number>): Tensor {
  const rowSize = rowSizeOf(tensor);
  const data = allocate(tensor.dtype, indices.length * rowSize);
  gatherRows(tensor.data, rowSize, indices, 0, indices.length, data);
  return new Tensor(data, [indices.length, ...tensor.shape.slice(1)]);
}

/**
 * Class indices (`[n]` or `[n, 1]`) as one-hot rows: `result[i, labels[i]] = 1`, all else 0.
 *
 * @param classes Number of classes; defaults to `max(labels) + 1`.
 * @throws {@link ValueError} when a label is not an integer in `[0, classes)`.
 * @example
 * ```ts
 * oneHotLabels(new Tensor(new Float32Array([2, 0]), [2]), 3).toNested(); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHotLabels(labels: TensorLike, classes?: number): Tensor {
  const values = classLabelsOf("oneHotLabels", labels);
  let depth = classes;
  if (depth === undefined) {
    depth = 0;
    for (let i = 0; i < values.length; i++) depth = Math.max(depth, values[i]! + 1);
  }
  if (!Number.isInteger(depth) || depth <= 0) {
    throw new ValueError("oneHotLabels", `classes = ${depth}: pass a positive integer number of classes`);
  }
  const result = allocate(labels.dtype, values.length * depth);
  for (let i = 0; i < values.length; i++) {
    const label = values[i]!;
    if (label >= depth) {
      throw new ValueError(
        "oneHotLabels",
        `label ${label} at sample ${i} is not below classes = ${depth}: pass the right number of classes`,
      );
    }
    result[i * depth + label] = 1;
  }
  return new Tensor(result, [values.length, depth]);
}

/**
 * How many samples each class has: `counts[c] = #{i : targets[i] = c}` for class-index targets.
 *
 * @example
 * ```ts
 * classCounts(circle({ count: 100 })); // [50, 50]
 * ```
 */
export function classCounts(dataset: Dataset): number[] {
  const labels = classLabelsOf("classCounts", dataset.targets);
  const counts: number[] = new Array(dataset.classes ?? 0).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    while (counts.length <= label) counts.push(0);
    counts[label]! += 1;
  }
  return counts;
}

/**
 * Class indices of `[n]` or `[n, 1]` targets as an `Int32Array`.
 *
 * @throws {@link ValueError} when targets are not one value per sample or a value is not a non-negative integer.
 * @example
 * ```ts
 * classLabelsOf("myOp", dataset.targets); // Int32Array [0, 1, 1, …]
 * ```
 */
export function classLabelsOf(op: string, targets: TensorLike): Int32Array {
  const n = rowCountOf(targets);
  if (targets.shape.length === 0 || rowSizeOf(targets) !== 1) {
    throw new ShapeError(
      op,
      `targets ${formatShape(targets.shape)} are not class indices: pass targets of shape [n] or [n,1] (one class index per sample)`,
    );
  }
  const labels = new Int32Array(n);
  const data = targets.data;
  for (let i = 0; i < n; i++) {
    const value = data[i]!;
    if (!Number.isInteger(value) || value < 0) {
      throw new ValueError(
        op,
        `target ${value} at sample ${i} is not a class index: pass non-negative integer labels (0, 1, …)`,
      );
    }
    labels[i] = value;
  }
  return labels;
}
