import type { DataArray, DType, FloatDType, Tensor as TensorLike } from "@descent/spec";
import { allocate, formatShape, ShapeError, Tensor, ValueError } from "@descent/tensor";
import { checkAnyTensor, checkTensor, describe } from "../layers/validate.js";
import type { FitOptions } from "./types.js";

/** Inputs and targets of a supervised dataset (any `Dataset` of `@descent/spec` fits). */
export interface TrainingData {
  /** The samples, stacked along axis 0. */
  readonly inputs: TensorLike;
  /**
   * One target per sample, in the order of `inputs` (same length along axis 0): float values or rows, or
   * int32 class labels (`[N]` or `[N, 1]`) for the classification losses and metrics.
   */
  readonly targets: TensorLike<DType>;
}

/** Checks that inputs and targets have a batch axis of the same length, and returns it. */
export function sampleCountOf(op: string, data: TrainingData, label = "data"): number {
  if (typeof data !== "object" || data === null) {
    throw new ValueError(op, `${label} is ${describe(data)}: pass { inputs, targets } tensors (a Dataset)`);
  }
  const { inputs, targets } = data;
  if (inputs === undefined || targets === undefined) {
    throw new ValueError(op, `${label} must be { inputs, targets } tensors (a Dataset)`);
  }
  // The data's length must match its shape: a short array would be read past its end into NaN targets.
  checkTensor(op, `${label}.inputs`, inputs);
  checkAnyTensor(op, `${label}.targets`, targets);
  if (inputs.shape.length === 0 || targets.shape.length === 0) {
    throw new ShapeError(op, `${label}: inputs and targets need a batch axis (got a scalar)`);
  }
  const count = inputs.shape[0]!;
  if (targets.shape[0] !== count) {
    throw new ShapeError(
      op,
      `${label}: inputs ${formatShape(inputs.shape)} and targets ${formatShape(targets.shape)} have different numbers of samples (${count} ≠ ${targets.shape[0]})`,
    );
  }
  if (count === 0) throw new ValueError(op, `${label} has no samples`);
  return count;
}

/**
 * Copies rows of a tensor (samples along axis 0) into one reused buffer, so a training loop allocates no
 * per-batch arrays: `gather(order, start, size)` returns a tensor over the buffer holding samples
 * `order[start … start + size)`. The returned tensor is valid until the next call. Rows keep their dtype
 * (`D`): int32 class labels are gathered as int32.
 */
export class RowGatherer<D extends DType = FloatDType> {
  private readonly source: Float32Array | Float64Array | Int32Array;
  private readonly rowLength: number;
  private readonly sampleShape: readonly number[];
  private readonly buffer: Float32Array | Float64Array | Int32Array;

  /** `allocateBuffer` makes the batch buffer (any contents); default: a new zeroed array. */
  constructor(
    tensor: TensorLike<D>,
    maxRows: number,
    allocateBuffer: (dtype: D, length: number) => DataArray<D> = (dtype, length) =>
      allocate(dtype, length) as DataArray<D>,
  ) {
    this.source = tensor.data;
    this.sampleShape = tensor.shape.slice(1);
    this.rowLength = this.sampleShape.reduce((product, size) => product * size, 1);
    this.buffer = allocateBuffer(tensor.dtype, maxRows * this.rowLength);
  }

  gather(order: Int32Array | null, start: number, size: number): Tensor<D> {
    const { source, rowLength, buffer } = this;
    // Both arrays have the source tensor's dtype `D`.
    if (order === null) {
      const begin = start * rowLength;
      return new Tensor(source.subarray(begin, begin + size * rowLength), [
        size,
        ...this.sampleShape,
      ]) as Tensor<D>;
    }
    if (rowLength === 1) {
      for (let i = 0; i < size; i++) buffer[i] = source[order[start + i]!]!;
    } else {
      for (let i = 0; i < size; i++) {
        const from = order[start + i]! * rowLength;
        buffer.set(source.subarray(from, from + rowLength), i * rowLength);
      }
    }
    return new Tensor(buffer.subarray(0, size * rowLength), [size, ...this.sampleShape]) as Tensor<D>;
  }
}

/** The batch size a mode means for `count` samples. */
export function resolveBatchSize(
  op: string,
  options: Pick<FitOptions, "mode" | "batchSize">,
  count: number,
): number {
  const mode = options.mode ?? "mini-batch";
  if ((mode === "batch" || mode === "stochastic") && options.batchSize !== undefined) {
    const implied = mode === "batch" ? count : 1;
    if (options.batchSize !== implied) {
      throw new ValueError(
        op,
        `mode "${mode}" uses batches of ${implied} but batchSize is ${describe(options.batchSize)}: drop batchSize, or use mode "mini-batch"`,
      );
    }
  }
  if (mode === "batch") return count;
  if (mode === "stochastic") return 1;
  if (mode !== "mini-batch")
    throw new ValueError(op, `options.mode is ${describe(mode)}: use "batch", "stochastic" or "mini-batch"`);
  const size = options.batchSize ?? 32;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 1)
    throw new ValueError(op, `batchSize is ${describe(size)}: use a positive integer`);
  return Math.min(size, count);
}
