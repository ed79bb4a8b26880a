import { customOp, isTraced, mul, type Operand, reshape, stopGradient, type Traced } from "@descent/autodiff";
import { allocate, bernoulli, formatShape, ShapeError, Tensor, ValueError } from "@descent/tensor";
import { tensorOfOperand } from "./operands.js";
import type { ApplyOptions, Layer } from "./types.js";
import { checkApplyOptions, checkOptionKeys, describe, nameOption, operandTensor } from "./validate.js";

/**
 * Flattens every axis after the batch axis: `[batch, d₁, …, dₖ] → [batch, d₁·…·dₖ]`. No parameters.
 *
 * @example
 * sequential([conv2d(1, 8, 3), flatten(), dense(8 * 26 * 26, 10)])
 */
export function flatten(options: { readonly name?: string } = {}): Layer {
  checkOptionKeys("flatten", options, ["name"]);
  nameOption("flatten", "options.name", options.name);
  return {
    type: "flatten",
    name: options.name,
    hasParams: false,
    hasState: false,
    config: { type: "flatten", name: options.name },
    init: () => ({}),
    initState: () => ({}),
    apply(_params, input) {
      const shape = operandTensor("flatten", "input", input).shape;
      if (shape.length < 1) throw new ShapeError("flatten", "input is a scalar: expected [batch, …]");
      return reshape(input, [shape[0]!, -1]);
    },
    outputShape: (inputShape) => [inputShape.reduce((product, size) => product * size, 1)],
  };
}

/**
 * Inverted dropout: in training mode each element is zeroed with probability `rate` and the survivors are
 * scaled by `1 / (1 − rate)`, so the expected activation is unchanged and inference is the identity.
 * The mask comes from `options.random` (seeded, reproducible). No parameters.
 *
 * `y = x · m / (1 − rate)`, `m ~ Bernoulli(1 − rate)` (training); `y = x` (inference)
 *
 * @example
 * sequential([dense(784, 256), activation(relu()), dropout(0.2), dense(256, 10)])
 */
export function dropout(rate: number, options: { readonly name?: string } = {}): Layer {
  if (typeof rate !== "number" || !(rate >= 0 && rate < 1))
    throw new ValueError("dropout", `rate is ${describe(rate)}: use a probability in [0, 1)`);
  checkOptionKeys("dropout", options, ["name"]);
  nameOption("dropout", "options.name", options.name);
  return {
    type: "dropout",
    name: options.name,
    hasParams: false,
    hasState: false,
    config: { type: "dropout", name: options.name, rate },
    init: () => ({}),
    initState: () => ({}),
    apply(_params, input: Operand, applyOptions: ApplyOptions = {}): Traced {
      checkApplyOptions("dropout", applyOptions);
      operandTensor("dropout", "input", input);
      // Inference: the identity, without copying (a plain input becomes a constant of the graph).
      if (!applyOptions.training || rate === 0) return isTraced(input) ? input : stopGradient(input);
      const random = applyOptions.random;
      if (random === undefined) {
        throw new ValueError(
          "dropout",
          "training mode needs options.random (a seeded generator, e.g. createRandom(seed)) to draw the mask; fit() passes one",
        );
      }
      const value = tensorOfOperand(input);
      const mask = bernoulli(random, value.shape, 1 - rate, value.dtype);
      const scale = 1 / (1 - rate);
      const data = mask.data;
      for (let i = 0; i < data.length; i++) data[i]! *= scale;
      return mul(input, mask);
    },
    outputShape: (inputShape) => [...inputShape],
  };
}

const softmaxOp = customOp({
  name: "softmax",
  forward(x) {
    const input = x!;
    const columns = input.shape[input.shape.length - 1]!;
    const output = allocate(input.dtype, input.data.length);
    softmaxRows(input.data, output, columns);
    return new Tensor(output, input.shape);
  },
  backward(cotangent, output) {
    const columns = output.shape[output.shape.length - 1]!;
    const y = output.data;
    const g = cotangent.data;
    const gradient = allocate(cotangent.dtype, g.length);
    for (let offset = 0; offset < g.length; offset += columns) {
      let dot = 0;
      for (let j = 0; j < columns; j++) dot += g[offset + j]! * y[offset + j]!;
      for (let j = 0; j < columns; j++) gradient[offset + j] = y[offset + j]! * (g[offset + j]! - dot);
    }
    return [new Tensor(gradient, output.shape)];
  },
});

/** Stable softmax of each row of `columns` values: `exp(x − max) / Σ exp(x − max)`. */
export function softmaxRows(
  input: Float32Array | Float64Array,
  output: Float32Array | Float64Array,
  columns: number,
): void {
  for (let offset = 0; offset < input.length; offset += columns) {
    let max = -Infinity;
    for (let j = 0; j < columns; j++) max = Math.max(max, input[offset + j]!);
    if (max === -Infinity) max = 0;
    let total = 0;
    for (let j = 0; j < columns; j++) {
      const e = Math.exp(input[offset + j]! - max);
      output[offset + j] = e;
      total += e;
    }
    for (let j = 0; j < columns; j++) output[offset + j]! /= total;
  }
}

/**
 * Softmax over the last axis as a layer: `yᵢ = exp(xᵢ) / Σⱼ exp(xⱼ)` (stable: the row max is subtracted).
 * For training, prefer leaving logits unnormalized and using `softmaxCrossEntropyFromLogits`.
 *
 * @example
 * sequential([dense(4, 3), softmax()])
 */
export function softmax(options: { readonly name?: string } = {}): Layer {
  checkOptionKeys("softmax", options, ["name"]);
  nameOption("softmax", "options.name", options.name);
  return {
    type: "softmax",
    name: options.name,
    hasParams: false,
    hasState: false,
    config: { type: "softmax", name: options.name },
    init: () => ({}),
    initState: () => ({}),
    apply(_params, input) {
      if (operandTensor("softmax", "input", input).shape.length < 1) {
        throw new ShapeError("softmax", `input ${formatShape([])}: expected at least one axis`);
      }
      return softmaxOp(input);
    },
    outputShape: (inputShape) => [...inputShape],
  };
}
