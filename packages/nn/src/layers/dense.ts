import { customOp, type Operand, type Traced } from "@descent/autodiff";
import type { FloatDType, RandomGenerator, Tensor as TensorLike } from "@descent/spec";
import {
  allocate,
  denseForwardByGemm,
  getKernels,
  reluGradient,
  resultDType,
  Tensor,
  ValueError,
} from "@descent/tensor";
import { glorotUniform, type Initializer, zeros } from "../initializers/initializers.js";
import { gradientBuffer } from "../training/recycling.js";
import { checkLastAxis, inDType, isTrackedOperand, tensorOfOperand } from "./operands.js";
import type { ApplyOptions, Layer, Params } from "./types.js";
import {
  booleanOption,
  checkOptionKeys,
  checkParameter,
  describe,
  functionOption,
  isObject,
  nameOption,
  operandTensor,
  ownValue,
} from "./validate.js";

/** Options of {@link dense}. */
export interface DenseOptions {
  /** Whether to add a bias. Default `true`. */
  readonly useBias?: boolean;
  /** Initializer of `weights` `[in, out]`. Default {@link glorotUniform} (as Keras and TensorFlow.js). */
  readonly weightsInitializer?: Initializer;
  /** Initializer of `bias` `[out]`. Default zeros. */
  readonly biasInitializer?: Initializer;
  /** Parameter-tree name (default `dense_<n>` given by `sequential`). */
  readonly name?: string;
}

/**
 * Parameters of a {@link dense} layer: `weights` `[in, out]` and `bias` `[out]`
 * (`{ useBias: false }` gives {@link DenseWeights}). What `model.paramsOf(params, layer)` returns for it.
 *
 * @example
 * const { weights, bias } = model.paramsOf(params, hidden); // hidden = dense(2, 8)
 */
export type DenseParams = { readonly weights: TensorLike; readonly bias: TensorLike };

/**
 * Parameters of a `dense(…, { useBias: false })` layer: `weights` `[in, out]` only.
 *
 * @example
 * const { weights } = dense(2, 8, { useBias: false }).init(createRandom(0));
 */
export type DenseWeights = { readonly weights: TensorLike };

/**
 * A fully connected (linear) layer: `y = x · W + b` with `W: [in, out]`, `b: [out]`, for `x: [batch, in]`
 * (or `[batch, …, in]`, applied to the last axis). Parameters `{ weights, bias }`.
 *
 * One fused op: the forward is one GEMM plus the bias; the backward is `∂W = xᵀ·g`, `∂b = Σ_rows g`
 * and, only when the input itself needs a gradient, `∂x = g·Wᵀ` (skipped for the first layer, whose
 * input is data). Weights default to Glorot uniform and bias to zeros (Keras/TensorFlow.js defaults;
 * pass `weightsInitializer: heNormal()` for deep relu stacks).
 *
 * @example
 * const layer = dense(784, 128);
 * const params = layer.init(createRandom(0)); // { weights: [784,128], bias: [128] }
 * layer.apply(params, batch).shape; // [batch, 128]
 */
export function dense(
  inputSize: number,
  outputSize: number,
  options: DenseOptions & { readonly useBias: false },
): Layer<DenseWeights>;
export function dense(
  inputSize: number,
  outputSize: number,
  options?: DenseOptions & { readonly useBias?: true },
): Layer<DenseParams>;
export function dense(
  inputSize: number,
  outputSize: number,
  options?: DenseOptions,
): Layer<DenseParams | DenseWeights>;
export function dense(
  inputSize: number,
  outputSize: number,
  options: DenseOptions = {},
): Layer<DenseParams | DenseWeights> {
  for (const [label, size] of [
    ["inputSize", inputSize],
    ["outputSize", outputSize],
  ] as const) {
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 1)
      throw new ValueError("dense", `${label} is ${describe(size)}: use a positive integer`);
  }
  checkOptionKeys("dense", options, ["useBias", "weightsInitializer", "biasInitializer", "name"]);
  const useBias = booleanOption("dense", "options.useBias", options.useBias, true);
  const weightsInitializer =
    functionOption<Initializer>("dense", "options.weightsInitializer", options.weightsInitializer) ??
    glorotUniform();
  const biasInitializer =
    functionOption<Initializer>("dense", "options.biasInitializer", options.biasInitializer) ?? zeros();
  nameOption("dense", "options.name", options.name);
  const fix = `pass the tree made by init() of dense(${inputSize}, ${outputSize}${options.name === undefined ? "" : `, { name: ${JSON.stringify(options.name)} }`})`;
  const layer: Layer<DenseParams | DenseWeights> = {
    type: "dense",
    name: options.name,
    hasParams: true,
    hasState: false,
    config: { type: "dense", name: options.name, inputSize, outputSize, useBias },
    init(random: RandomGenerator, dtype?: FloatDType): DenseParams | DenseWeights {
      const weights = weightsInitializer(random, [inputSize, outputSize], dtype);
      return useBias ? { weights, bias: biasInitializer(random, [outputSize], dtype) } : { weights };
    },
    initState: () => ({}),
    apply: (params: Params, input: Operand, _options?: ApplyOptions): Traced => run(false, params, input),
    outputShape(inputShape: readonly number[]): number[] {
      checkLastAxis("dense", [1, ...inputShape], inputSize, `${inputSize} input features`);
      return [...inputShape.slice(0, -1), outputSize];
    },
  };
  withRelu.set(layer, (params, input) => run(true, params, input));
  return layer;

  function run(relu: boolean, params: Params, input: Operand): Traced {
    if (!isObject(params)) throw new ValueError("dense", `params is ${describe(params)}: ${fix}`);
    const weights = checkParameter(
      "dense",
      "weights",
      ownValue(params, "weights"),
      [inputSize, outputSize],
      fix,
    );
    const bias = useBias
      ? checkParameter("dense", "bias", ownValue(params, "bias"), [outputSize], fix)
      : undefined;
    operandTensor("dense", "input", input);
    checkLastAxis("dense", tensorOfOperand(input).shape, inputSize, `${inputSize} input features`);
    const tracked = isTrackedOperand(input);
    const op = relu
      ? tracked
        ? linearReluWithInputGradient
        : linearReluWithoutInputGradient
      : tracked
        ? linearWithInputGradient
        : linearWithoutInputGradient;
    return useBias ? op(input, weights, bias!) : op(input, weights);
  }
}

/**
 * The dense layers made by {@link dense}, with their fused `relu(x·W + b)`: `sequential` runs a dense layer
 * followed by a default relu as this one op (one pass over the output forward and backward, one graph node).
 */
const withRelu = new WeakMap<Layer, (params: Params, input: Operand) => Traced>();

/** The fused `relu(dense(x))` of a layer made by {@link dense}, if `layer` is one. */
export function denseReluOf(layer: Layer): ((params: Params, input: Operand) => Traced) | undefined {
  return withRelu.get(layer);
}

/** `x·W (+ b)`, then `max(·, 0)` when `relu`, over the last axis of `x`, in the widest dtype of the operands. */
function linearForward(relu: boolean, x: Tensor, weights: Tensor, bias?: Tensor): TensorLike {
  const dtype = resultDType(x.dtype, weights.dtype, ...(bias ? [bias.dtype] : []));
  const [inputSize, outputSize] = weights.shape as [number, number];
  const rows = x.data.length / inputSize;
  const output = allocate(dtype, rows * outputSize);
  const kernels = getKernels();
  const operands = [
    false,
    false,
    rows,
    outputSize,
    inputSize,
    inDType(x, dtype).data,
    inDType(weights, dtype).data,
    bias ? inDType(bias, dtype).data : null,
    relu ? "relu" : "none",
    output,
  ] as const;
  // The kernels' fused epilogue (bias and relu while C is still in cache), else gemm then the same epilogue
  // in JavaScript: the same bits either way (the sum rounds once, and max commutes with that rounding).
  if (kernels.denseForward) kernels.denseForward(...operands);
  else denseForwardByGemm(kernels, ...operands);
  return new Tensor(output, [...x.shape.slice(0, -1), outputSize]);
}

/** Reused for `g · relu'(z)`, which lives only during one backward call (the GEMMs copy it). */
let reluScratch: { float32: Float32Array; float64: Float64Array } = {
  float32: new Float32Array(0),
  float64: new Float64Array(0),
};

/**
 * `g · relu'(z)` from the relu output `y = max(z, 0)`: 1 where y > 0, 0 where y = 0 (z ≤ 0: relu'(0) = 0,
 * the default subgradient), NaN where y is NaN — as the unfused relu. Also sums the rows into `biasGradient`
 * when given (same order and roundings as a separate loop).
 */
function reluCotangent(
  cotangent: Tensor,
  output: Tensor,
  columns: number,
  biasGradient: Float32Array | Float64Array | undefined,
): Float32Array | Float64Array {
  const length = cotangent.data.length;
  const key = cotangent.dtype;
  if (reluScratch[key].length < length) {
    reluScratch = {
      ...reluScratch,
      [key]: key === "float64" ? new Float64Array(length) : new Float32Array(length),
    };
  }
  const result = reluScratch[key].subarray(0, length);
  reluGradient(cotangent.data, inDType(output, key).data, result, biasGradient ?? null, columns);
  return result;
}

function linearBackward(
  withInputGradient: boolean,
  relu: boolean,
  cotangent: Tensor,
  output: Tensor,
  inputs: readonly Tensor[],
): (TensorLike | null)[] {
  const [x, weights, bias] = inputs as [Tensor, Tensor, Tensor | undefined];
  const dtype = cotangent.dtype;
  const [inputSize, outputSize] = weights.shape as [number, number];
  const rows = x.data.length / inputSize;
  const biasGradient = bias ? allocate(dtype, outputSize) : undefined;
  const g = relu ? reluCotangent(cotangent, output, outputSize, biasGradient) : cotangent.data;
  const kernels = getKernels();
  const weightsGradient = gradientBuffer(dtype, inputSize * outputSize);
  kernels.gemm(true, false, inputSize, outputSize, rows, 1, inDType(x, dtype).data, g, 0, weightsGradient);
  const gradients: (TensorLike | null)[] = [null, new Tensor(weightsGradient, weights.shape)];
  if (withInputGradient) {
    const inputGradient = allocate(dtype, rows * inputSize);
    kernels.gemm(
      false,
      true,
      rows,
      inputSize,
      outputSize,
      1,
      g,
      inDType(weights, dtype).data,
      0,
      inputGradient,
    );
    gradients[0] = new Tensor(inputGradient, x.shape);
  }
  if (bias) {
    if (!relu) {
      for (let r = 0, offset = 0; r < rows; r++, offset += outputSize) {
        for (let j = 0; j < outputSize; j++) biasGradient![j]! += g[offset + j]!;
      }
    }
    gradients.push(new Tensor(biasGradient!, bias.shape));
  }
  return gradients;
}

function linearOp(relu: boolean, withInputGradient: boolean) {
  return customOp({
    name: relu ? "denseRelu" : "dense",
    forward: (x, weights, bias) => linearForward(relu, x!, weights!, bias),
    backward: (cotangent, output, inputs) =>
      linearBackward(withInputGradient, relu, cotangent, output, inputs),
  });
}

const linearWithInputGradient = linearOp(false, true);
const linearWithoutInputGradient = linearOp(false, false);
const linearReluWithInputGradient = linearOp(true, true);
const linearReluWithoutInputGradient = linearOp(true, false);
