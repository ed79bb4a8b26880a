import type { FloatDType, Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import type { LayerConfig } from "../layers/types.js";

// Why this exists: the one place that knows how each descent layer stores what a PyTorch module stores —
// which tensors, in which layout. Linear keeps `weight [out, in]` where dense keeps `weights [in, out]`;
// Conv2d keeps `[out, in, kh, kw]` where conv2d (NHWC) keeps `[kh, kw, in, out]`; BatchNorm's running
// statistics are state here, not parameters.

/**
 * How the features reaching a layer were flattened: PyTorch flattens NCHW images as `[C, H·W]`, descent
 * flattens NHWC images as `[H·W, C]`, so a layer indexing flattened features reorders them.
 */
export interface FlattenedImages {
  readonly channels: number;
  readonly spatial: number;
}

/** What one descent layer type takes from its PyTorch module. */
export interface TorchMapping {
  /** The PyTorch module, for messages (`"Linear"`). */
  readonly module: string;
  /** The PyTorch shapes of the module's tensors, by state_dict name, for this layer's config. */
  shapes(config: LayerConfig): Record<string, number[]>;
  /** The descent parameters (and state) from the module's tensors, already checked against `shapes`. */
  convert(
    tensors: ReadonlyMap<string, TensorLike>,
    config: LayerConfig,
    flattened: FlattenedImages | undefined,
    dtype: FloatDType,
  ): { params: Record<string, TensorLike>; state?: Record<string, TensorLike> };
}

/**
 * The tensor with its axes permuted: output axis `k` is input axis `axes[k]` (NumPy's `transpose`), in
 * `dtype`. `[out, in]` with `axes = [1, 0]` gives `[in, out]`.
 *
 * @example permuteAxes(weight, [8, 4], [1, 0], "float32").shape // [4, 8]
 */
export function permuteAxes(
  tensor: TensorLike,
  shape: readonly number[],
  axes: readonly number[],
  dtype: FloatDType,
): Tensor {
  const outShape = axes.map((axis) => shape[axis]!);
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((product, n) => product * n, 1));
  const source = tensor.data;
  const output = dtype === "float64" ? new Float64Array(source.length) : new Float32Array(source.length);
  const index = new Array<number>(outShape.length).fill(0);
  for (let k = 0; k < output.length; k++) {
    let offset = 0;
    for (let axis = 0; axis < axes.length; axis++) offset += index[axis]! * strides[axes[axis]!]!;
    output[k] = source[offset]!;
    for (let axis = outShape.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < outShape[axis]!) break;
      index[axis] = 0;
    }
  }
  return new Tensor(output, outShape);
}

/** A `[features]` vector in `dtype`, reordered from PyTorch's flattened `[C, H·W]` to descent's `[H·W, C]`. */
function features(vector: TensorLike, flattened: FlattenedImages | undefined, dtype: FloatDType): Tensor {
  if (flattened === undefined) return permuteAxes(vector, vector.shape, [0], dtype);
  const { channels, spatial } = flattened;
  const reordered = permuteAxes(vector, [channels, spatial], [1, 0], dtype);
  return new Tensor(reordered.data, [channels * spatial]);
}

const number = (config: LayerConfig, key: string): number => config[key] as number;
const withBias = (config: LayerConfig, shapes: Record<string, number[]>, size: number) =>
  config.useBias === false ? shapes : { ...shapes, bias: [size] };

function weightsAndBias(
  weights: Tensor,
  bias: TensorLike | undefined,
  size: number,
  dtype: FloatDType,
): Record<string, TensorLike> {
  return bias === undefined ? { weights } : { weights, bias: permuteAxes(bias, [size], [0], dtype) };
}

const linear: TorchMapping = {
  module: "Linear",
  shapes: (config) =>
    withBias(
      config,
      { weight: [number(config, "outputSize"), number(config, "inputSize")] },
      number(config, "outputSize"),
    ),
  convert(tensors, config, flattened, dtype) {
    const [out, inputs] = [number(config, "outputSize"), number(config, "inputSize")];
    // Linear's weight [out, in]: with flattened images, `in` is [C, H·W] and dense's rows are [H·W, C].
    const weights =
      flattened === undefined
        ? permuteAxes(tensors.get("weight")!, [out, inputs], [1, 0], dtype)
        : new Tensor(
            permuteAxes(
              tensors.get("weight")!,
              [out, flattened.channels, flattened.spatial],
              [2, 1, 0],
              dtype,
            ).data,
            [inputs, out],
          );
    return { params: weightsAndBias(weights, tensors.get("bias"), out, dtype) };
  },
};

const convolution: TorchMapping = {
  module: "Conv2d",
  shapes(config) {
    const [kh, kw] = config.kernelSize as [number, number];
    const out = number(config, "outChannels");
    return withBias(config, { weight: [out, number(config, "inChannels"), kh, kw] }, out);
  },
  convert(tensors, config, _flattened, dtype) {
    const [kh, kw] = config.kernelSize as [number, number];
    const [inputs, out] = [number(config, "inChannels"), number(config, "outChannels")];
    // [out, in, kh, kw] → [kh, kw, in, out]
    const weights = permuteAxes(tensors.get("weight")!, [out, inputs, kh, kw], [2, 3, 1, 0], dtype);
    return { params: weightsAndBias(weights, tensors.get("bias"), out, dtype) };
  },
};

const batchNorm: TorchMapping = {
  module: "BatchNorm",
  shapes: (config) => {
    const size = [number(config, "features")];
    return { weight: size, bias: size, running_mean: size, running_var: size };
  },
  convert: (tensors, _config, flattened, dtype) => ({
    params: {
      gamma: features(tensors.get("weight")!, flattened, dtype),
      beta: features(tensors.get("bias")!, flattened, dtype),
    },
    state: {
      runningMean: features(tensors.get("running_mean")!, flattened, dtype),
      runningVariance: features(tensors.get("running_var")!, flattened, dtype),
    },
  }),
};

const layerNorm: TorchMapping = {
  module: "LayerNorm",
  shapes: (config) => ({ weight: [number(config, "features")], bias: [number(config, "features")] }),
  convert: (tensors, _config, flattened, dtype) => ({
    params: {
      gamma: features(tensors.get("weight")!, flattened, dtype),
      beta: features(tensors.get("bias")!, flattened, dtype),
    },
  }),
};

/** The PyTorch counterpart of each descent layer type that has one (BatchNorm1d and BatchNorm2d alike). */
export const TORCH_MAPPINGS: Readonly<Record<string, TorchMapping>> = Object.freeze({
  dense: linear,
  conv2d: convolution,
  batchNorm,
  layerNorm,
});
