import type { Dataset, DatasetSplit, DType, FloatDType, Tensor as TensorLike } from "@descent/spec";
import { allocate, formatShape, ShapeError, Tensor, ValueError } from "@descent/tensor";
import { checkDataset, createDataset } from "../core/dataset.js";
import { rowCountOf, rowSizeOf } from "../core/rows.js";
import { checkTensor, describe } from "../core/validate.js";

/**
 * Per-feature mean and scale fitted on training inputs, applied as `(x − mean) / scale`.
 * `scale` is the population standard deviation, or 1 for a constant feature (so it maps to 0, never NaN);
 * `transform` throws a `ValueError` on a value that would not standardize to a finite number.
 */
export interface Standardizer {
  /** Per-feature means (one per value of a sample: the product of the non-batch axes). */
  readonly mean: Float64Array;
  /** Per-feature divisors: the standard deviation, or 1 where it is 0. */
  readonly scale: Float64Array;
  /** `(x − mean) / scale` for every sample of `inputs` (any number of samples, same feature shape). */
  transform(inputs: TensorLike): Tensor;
}

/**
 * Fits a {@link Standardizer} on `inputs` (samples along axis 0):
 * `mean_j = (1/n) Σᵢ x_ij`, `scale_j = √((1/n) Σᵢ (x_ij − mean_j)²)`, or 1 when that is 0.
 *
 * @throws `ValueError` (from `@descent/tensor`) when there are no samples or a value is NaN or infinite (named by sample and feature).
 * @example
 * ```ts
 * const standardizer = fitStandardizer(split.train.inputs);
 * const testInputs = standardizer.transform(split.test.inputs);
 * ```
 */
export function fitStandardizer(inputs: TensorLike): Standardizer {
  checkTensor("fitStandardizer", "inputs", inputs);
  const n = rowCountOf(inputs);
  const features = rowSizeOf(inputs);
  if (inputs.shape.length === 0 || n === 0) {
    throw new ValueError(
      "fitStandardizer",
      `inputs ${formatShape(inputs.shape)} have no samples: fit on at least one`,
    );
  }
  const data = inputs.data;
  const mean = new Float64Array(features);
  for (let i = 0; i < n; i++) {
    const offset = i * features;
    for (let j = 0; j < features; j++) {
      const value = data[offset + j]!;
      if (!Number.isFinite(value)) {
        throw new ValueError(
          "fitStandardizer",
          `value ${value} at sample ${i}, feature ${j}: remove or impute non-finite values before standardizing`,
        );
      }
      mean[j]! += value;
    }
  }
  for (let j = 0; j < features; j++) mean[j]! /= n;
  const scale = new Float64Array(features);
  for (let i = 0; i < n; i++) {
    const offset = i * features;
    for (let j = 0; j < features; j++) {
      const deviation = data[offset + j]! - mean[j]!;
      scale[j]! += deviation * deviation;
    }
  }
  for (let j = 0; j < features; j++) {
    const deviation = Math.sqrt(scale[j]! / n);
    // A constant feature carries no information; dividing by 1 keeps it at 0 instead of 0/0 = NaN.
    scale[j] = deviation > 0 ? deviation : 1;
    if (!Number.isFinite(mean[j]!) || !Number.isFinite(scale[j]!)) {
      throw new ValueError(
        "fitStandardizer",
        `feature ${j} has mean ${mean[j]} and standard deviation ${scale[j]}: its values are so large that their sum overflows; rescale them first (e.g. divide by a power of 10)`,
      );
    }
  }
  const featureShape = inputs.shape.slice(1);
  return {
    mean,
    scale,
    transform(values: TensorLike): Tensor {
      checkTensor("Standardizer.transform", "inputs", values);
      if (values.shape.length !== featureShape.length + 1 || rowSizeOf(values) !== features) {
        throw new ShapeError(
          "Standardizer.transform",
          `inputs ${formatShape(values.shape)} do not have the fitted feature shape ${formatShape(featureShape)}: pass [n,${featureShape.join(",")}]`,
        );
      }
      const count = rowCountOf(values);
      const source = values.data;
      const result = allocate(values.dtype, source.length);
      for (let i = 0; i < count; i++) {
        const offset = i * features;
        for (let j = 0; j < features; j++) {
          result[offset + j] = (source[offset + j]! - mean[j]!) / scale[j]!;
          const value = result[offset + j]!;
          if (!Number.isFinite(value)) {
            throw new ValueError(
              "Standardizer.transform",
              `inputs value ${source[offset + j]} at sample ${i}, feature ${j} standardizes to ${value} in ${values.dtype}: remove or impute non-finite and out-of-range values first`,
            );
          }
        }
      }
      return new Tensor(result, values.shape);
    },
  };
}

/**
 * Standardizes the inputs of every part of a split with statistics fitted on `split.train` only
 * (no information from validation or test leaks into training). Targets are left as they are (int32 labels
 * stay int32).
 *
 * @example
 * ```ts
 * const { split: scaled, standardizer } = standardizeSplit(splitDataset(circle()));
 * ```
 */
export function standardizeSplit<TargetDType extends DType = FloatDType>(
  split: DatasetSplit<TargetDType>,
): { split: DatasetSplit<TargetDType>; standardizer: Standardizer } {
  if (typeof split !== "object" || split === null) {
    throw new ValueError("standardizeSplit", `split = ${describe(split)}: pass { train, test, validation? }`);
  }
  // The checked copies hold the caller's tensors, so their targets keep the dtype `TargetDType`.
  const check = (name: string, dataset: unknown) =>
    checkDataset("standardizeSplit", name, dataset) as Dataset<TargetDType>;
  const parts = {
    train: check("split.train", split.train),
    test: check("split.test", split.test),
    ...(split.validation !== undefined && { validation: check("split.validation", split.validation) }),
  };
  const standardizer = fitStandardizer(parts.train.inputs);
  const apply = (dataset: Dataset<TargetDType>) =>
    createDataset({ ...dataset, inputs: standardizer.transform(dataset.inputs) });
  const result: {
    train: Dataset<TargetDType>;
    test: Dataset<TargetDType>;
    validation?: Dataset<TargetDType>;
  } = {
    train: apply(parts.train),
    test: apply(parts.test),
  };
  if (parts.validation) result.validation = apply(parts.validation);
  return { split: result, standardizer };
}
