import { customOp, type Operand, type Traced } from "@descent/autodiff";
import type { DType, ParamTree, RandomGenerator, Tensor as TensorLike } from "@descent/spec";
import { allocate, getKernels, resultDType, Tensor, ValueError } from "@descent/tensor";
import { glorotUniform, type Initializer, zeros } from "../initializers/initializers.js";
import { gradientBuffer } from "../training/recycling.js";
import { checkLastAxis, inDType, isTrackedOperand, tensorOfOperand } from "./operands.js";
import type { ApplyOptions, Layer, Params } from "./types.js";

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
export function dense(inputSize: number, outputSize: number, options: DenseOptions = {}): Layer {
  for (const [label, size] of [
    ["inputSize", inputSize],
    ["outputSize", outputSize],
  ] as const) {
    if (!Number.isInteger(size) || size < 1)
      throw new ValueError("dense", `${label} is ${size}: use a positive integer`);
  }
  const useBias = options.useBias ?? true;
  const weightsInitializer = options.weightsInitializer ?? glorotUniform();
  const biasInitializer = options.biasInitializer ?? zeros();
  return {
    type: "dense",
    name: options.name,
    hasParams: true,
    hasState: false,
    config: { type: "dense", name: options.name, inputSize, outputSize, useBias },
    init(random: RandomGenerator, dtype?: DType): ParamTree {
      const weights = weightsInitializer(random, [inputSize, outputSize], dtype);
      return useBias ? { weights, bias: biasInitializer(random, [outputSize], dtype) } : { weights };
    },
    initState: () => ({}),
    apply(params: Params, input: Operand, _options?: ApplyOptions): Traced {
      const weights = params.weights as Operand | undefined;
      const bias = params.bias as Operand | undefined;
      if (weights === undefined || (useBias && bias === undefined)) {
        throw new ValueError(
          "dense",
          `parameters are missing ${weights === undefined ? '"weights"' : '"bias"'}: pass the tree made by init()`,
        );
      }
      checkLastAxis("dense", tensorOfOperand(input).shape, inputSize, `${inputSize} input features`);
      const op = isTrackedOperand(input) ? linearWithInputGradient : linearWithoutInputGradient;
      return useBias ? op(input, weights, bias!) : op(input, weights);
    },
    outputShape(inputShape: readonly number[]): number[] {
      checkLastAxis("dense", [1, ...inputShape], inputSize, `${inputSize} input features`);
      return [...inputShape.slice(0, -1), outputSize];
    },
  };
}

/** `x·W (+ b)` over the last axis of `x`, in the widest dtype of the operands. */
function linearForward(x: Tensor, weights: Tensor, bias?: Tensor): TensorLike {
  const dtype = resultDType(x.dtype, weights.dtype, ...(bias ? [bias.dtype] : []));
  const [inputSize, outputSize] = weights.shape as [number, number];
  const rows = x.data.length / inputSize;
  const output = allocate(dtype, rows * outputSize);
  getKernels().gemm(
    false,
    false,
    rows,
    outputSize,
    inputSize,
    1,
    inDType(x, dtype).data,
    inDType(weights, dtype).data,
    0,
    output,
  );
  if (bias) {
    const b = bias.data;
    for (let r = 0, offset = 0; r < rows; r++, offset += outputSize) {
      for (let j = 0; j < outputSize; j++) output[offset + j]! += b[j]!;
    }
  }
  return new Tensor(output, [...x.shape.slice(0, -1), outputSize]);
}

function linearBackward(
  withInputGradient: boolean,
  cotangent: Tensor,
  inputs: readonly Tensor[],
): (TensorLike | null)[] {
  const [x, weights, bias] = inputs as [Tensor, Tensor, Tensor | undefined];
  const dtype = cotangent.dtype;
  const [inputSize, outputSize] = weights.shape as [number, number];
  const rows = x.data.length / inputSize;
  const g = cotangent.data;
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
    const biasGradient = allocate(dtype, outputSize);
    for (let r = 0, offset = 0; r < rows; r++, offset += outputSize) {
      for (let j = 0; j < outputSize; j++) biasGradient[j]! += g[offset + j]!;
    }
    gradients.push(new Tensor(biasGradient, bias.shape));
  }
  return gradients;
}

const linearWithInputGradient = customOp({
  name: "dense",
  forward: (x, weights, bias) => linearForward(x!, weights!, bias),
  backward: (cotangent, _output, inputs) => linearBackward(true, cotangent, inputs),
});

const linearWithoutInputGradient = customOp({
  name: "dense",
  forward: (x, weights, bias) => linearForward(x!, weights!, bias),
  backward: (cotangent, _output, inputs) => linearBackward(false, cotangent, inputs),
});
