import type { Dataset, DType, FloatDType, Tensor as TensorLike } from "@descent/spec";
import { allocate, formatShape, ShapeError, Tensor, ValueError } from "@descent/tensor";
import { gatherRows, rowCountOf, rowSizeOf } from "./rows.js";
import {
  checkAllocation,
  checkAnyTensor,
  checkInteger,
  checkString,
  checkTensor,
  describe,
  MAX_CLASS_INDEX,
} from "./validate.js";

/**
 * The fields of a {@link Dataset}, as passed to {@link createDataset}. `TargetDType` is the targets' dtype:
 * float by default, `"int32"` for integer class labels.
 */
export interface DatasetFields<TargetDType extends DType = FloatDType> {
  /** Identifier of the set, shown in reports and UIs. */
  readonly name: string;
  /** The samples, stacked along axis 0: shape `[samples, ...features]`. */
  readonly inputs: TensorLike;
  /** One label or value per sample (axis 0 has as many entries as `inputs`); int32 for class labels. */
  readonly targets: TensorLike<TargetDType>;
  /** Number of classes for a classification set; omit for regression. */
  readonly classes?: number;
  /** Human-readable class names, one per class, when known. */
  readonly classNames?: readonly string[];
}

/**
 * A {@link Dataset} after checking that inputs and targets have the same number of samples (axis 0).
 *
 * @throws `ShapeError` (from `@descent/tensor`) when `inputs.shape[0] ≠ targets.shape[0]`.
 * @example
 * ```ts
 * const ds = createDataset({ name: "tiny", inputs: new Tensor(new Float32Array(4), [2, 2]), targets: new Tensor(new Float32Array(2), [2]) });
 * const labelled = createDataset({ name: "tiny", inputs: ds.inputs, targets: new Tensor(new Int32Array([0, 1]), [2]) }); // Dataset<"int32">
 * ```
 */
export function createDataset<TargetDType extends DType = FloatDType>(
  fields: DatasetFields<TargetDType>,
): Dataset<TargetDType> {
  // checkDataset keeps the targets it was given, so their dtype is the one of `fields`.
  return checkDataset("createDataset", "fields", fields) as Dataset<TargetDType>;
}

/**
 * `value` checked as a {@link Dataset}: a string name, tensors `inputs` (float) and `targets` (float, or
 * int32 class labels), data of the length their shapes say, with the same number of samples along axis 0,
 * and valid `classes` / `classNames`. Returns a fresh dataset object with only those fields.
 *
 * @throws `ShapeError` (from `@descent/tensor`) when inputs and targets disagree; `ValueError` (from `@descent/tensor`) when a field is of the wrong kind.
 * @example
 * ```ts
 * const dataset = checkDataset("batches", "dataset", value);
 * ```
 */
export function checkDataset(op: string, argument: string, value: unknown): Dataset<DType> {
  if (typeof value !== "object" || value === null) {
    throw new ValueError(op, `${argument} = ${describe(value)}: pass a dataset ({ name, inputs, targets })`);
  }
  const fields = value as Partial<Record<keyof DatasetFields, unknown>>;
  const name = checkString(op, `${argument}.name`, fields.name);
  const inputs = checkTensor(op, `${argument}.inputs`, fields.inputs);
  const targets = checkAnyTensor(op, `${argument}.targets`, fields.targets);
  if (fields.classes !== undefined)
    checkInteger(op, `${argument}.classes`, fields.classes, 1, MAX_CLASS_INDEX + 1);
  if (fields.classNames !== undefined) {
    const classNames = fields.classNames;
    if (!Array.isArray(classNames) || classNames.some((className) => typeof className !== "string")) {
      throw new ValueError(op, `${argument}.classNames = ${describe(classNames)}: pass an array of strings`);
    }
    if (fields.classes !== undefined && classNames.length !== fields.classes) {
      throw new ValueError(
        op,
        `${argument}.classNames has ${classNames.length} names but ${argument}.classes = ${fields.classes}: pass one name per class`,
      );
    }
  }
  if (inputs.shape.length === 0 || targets.shape.length === 0) {
    throw new ShapeError(
      op,
      `${name}: inputs ${formatShape(inputs.shape)} and targets ${formatShape(targets.shape)} need a sample axis (rank ≥ 1)`,
    );
  }
  if (inputs.shape[0] !== targets.shape[0]) {
    throw new ShapeError(
      op,
      `${name}: inputs ${formatShape(inputs.shape)} and targets ${formatShape(targets.shape)} have ${inputs.shape[0]} and ${targets.shape[0]} samples: axis 0 must match`,
    );
  }
  const dataset: { -readonly [K in keyof Dataset<DType>]: Dataset<DType>[K] } = { name, inputs, targets };
  if (fields.classes !== undefined) dataset.classes = fields.classes as number;
  if (fields.classNames !== undefined) dataset.classNames = fields.classNames as readonly string[];
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
export function sampleCount(dataset: Dataset<DType>): number {
  return rowCountOf(checkDataset("sampleCount", "dataset", dataset).inputs);
}

/**
 * The samples `indices` of a dataset, copied in that order into new tensors (same dtypes: int32 labels stay
 * int32).
 *
 * @example
 * ```ts
 * const firstTen = takeSamples(dataset, Array.from({ length: 10 }, (_, i) => i));
 * ```
 */
export function takeSamples<TargetDType extends DType = FloatDType>(
  dataset: Dataset<TargetDType>,
  indices: ArrayLike<number>,
  name?: string,
): Dataset<TargetDType> {
  const checked = checkDataset("takeSamples", "dataset", dataset);
  const count = rowCountOf(checked.inputs);
  if (!isArrayLike(indices)) {
    throw new ValueError("takeSamples", `indices = ${describe(indices)}: pass an array of sample indices`);
  }
  const partName = name === undefined ? checked.name : checkString("takeSamples", "name", name);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new ValueError(
        "takeSamples",
        `${checked.name}: index ${describe(index)} at position ${i} is outside [0, ${count}): pass indices of samples of this dataset`,
      );
    }
  }
  return createDataset({
    name: partName,
    inputs: takeRows(checked.inputs, indices),
    targets: takeRows(checked.targets as TensorLike<TargetDType>, indices),
    ...(checked.classes !== undefined && { classes: checked.classes }),
    ...(checked.classNames !== undefined && { classNames: checked.classNames }),
  });
}

/** True for arrays and typed arrays (what `indices` and label lists may be). */
export function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

function takeRows<D extends DType>(tensor: TensorLike<D>, indices: ArrayLike<number>): Tensor<D> {
  const rowSize = rowSizeOf(tensor);
  const data = allocate(tensor.dtype, checkAllocation("takeSamples", "the result", indices.length * rowSize));
  gatherRows(tensor.data, rowSize, indices, 0, indices.length, data);
  // `allocate(tensor.dtype, …)` made an array of the dtype `D`.
  return new Tensor(data, [indices.length, ...tensor.shape.slice(1)]) as Tensor<D>;
}

/**
 * Class indices (`[n]` or `[n, 1]`) as one-hot rows: `result[i, labels[i]] = 1`, all else 0. The rows have
 * the labels' float dtype (float32 for int32 labels).
 *
 * @param classes Number of classes; defaults to `max(labels) + 1`.
 * @throws `ValueError` (from `@descent/tensor`) when a label is not an integer in `[0, classes)`.
 * @example
 * ```ts
 * oneHotLabels(new Tensor(new Float32Array([2, 0]), [2]), 3).toNested(); // [[0, 0, 1], [1, 0, 0]]
 * oneHotLabels(new Tensor(new Int32Array([2, 0]), [2]), 3).dtype;     // "float32"
 * ```
 */
export function oneHotLabels(labels: TensorLike<DType>, classes?: number): Tensor {
  const values = classLabelsOf("oneHotLabels", labels);
  let depth = classes;
  if (depth === undefined) {
    depth = 0;
    for (let i = 0; i < values.length; i++) depth = Math.max(depth, values[i]! + 1);
  }
  if (typeof depth !== "number" || !Number.isInteger(depth) || depth <= 0 || depth > MAX_CLASS_INDEX + 1) {
    throw new ValueError(
      "oneHotLabels",
      `classes = ${describe(depth)}: pass a positive integer number of classes, at most ${MAX_CLASS_INDEX + 1}`,
    );
  }
  const result = allocate(
    labels.dtype === "int32" ? "float32" : labels.dtype,
    checkAllocation("oneHotLabels", "the one-hot rows", values.length * depth),
  );
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
export function classCounts(dataset: Dataset<DType>): number[] {
  const checked = checkDataset("classCounts", "dataset", dataset);
  const labels = classLabelsOf("classCounts", checked.targets);
  const counts: number[] = new Array(checked.classes ?? 0).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (checked.classes !== undefined && label >= checked.classes) {
      throw new ValueError(
        "classCounts",
        `${checked.name}: target ${label} at sample ${i} is not below dataset.classes = ${checked.classes}: fix the labels or the number of classes`,
      );
    }
    while (counts.length <= label) counts.push(0);
    counts[label]! += 1;
  }
  return counts;
}

/**
 * Class indices of `[n]` or `[n, 1]` targets (float, or int32 labels) as an `Int32Array`.
 *
 * @throws `ValueError` (from `@descent/tensor`) when targets are not one value per sample or a value is not a non-negative integer.
 * @example
 * ```ts
 * classLabelsOf("myOp", dataset.targets); // Int32Array [0, 1, 1, …]
 * ```
 */
export function classLabelsOf(op: string, targets: TensorLike<DType>): Int32Array {
  const operation = typeof op === "string" && op.length > 0 ? op : "classLabelsOf";
  return classLabels(operation, checkAnyTensor(operation, "targets", targets));
}

function classLabels(op: string, targets: TensorLike<DType>): Int32Array {
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
    if (!Number.isInteger(value) || value < 0 || value > MAX_CLASS_INDEX) {
      throw new ValueError(
        op,
        `target ${describe(value)} at sample ${i} is not a class index: pass integer labels 0, 1, … (at most ${MAX_CLASS_INDEX})`,
      );
    }
    labels[i] = value;
  }
  return labels;
}
