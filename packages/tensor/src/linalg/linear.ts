import type { FloatDType, Tensor as TensorLike } from "@descent/spec";
import { allocate, resultDType } from "../core/dtype.js";
import { DTypeError, formatShape, ShapeError, ValueError } from "../core/errors.js";
import { sizeOf } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { assertTensorLike } from "../core/tensor-like.js";
import { describe, readOptions } from "../creation/validate.js";
import { viewsOverlap } from "../kernels/arguments.js";
import { getKernels } from "../kernels/registry.js";

/** Activation fused into {@link linear}: `"none"`, or `"relu"` = `max(z, 0)` (NaN kept, relu'(0) = 0). */
export type LinearActivation = "none" | "relu";

/** Options of {@link linear}. */
export interface LinearOptions {
  /** Added to every row, shape `[outputs]`. Default: none. */
  readonly bias?: TensorLike;
  /** Applied after the bias. Default `"none"`. */
  readonly activation?: LinearActivation;
  /**
   * Where the result's array comes from, called as `allocate(dtype, length)` (contents arbitrary: every
   * element is written), e.g. a training step's arrays that are reused once the step ends, or
   * `residentFloat32` storage (`@descent/tensor/kernels`), which the WebAssembly kernels write in place. It
   * must not share memory with `x`, `weights` or `bias`. Default: a new array.
   */
  readonly allocate?: GradientAllocator;
}

/** Where {@link linearBackward} takes the arrays of the parameter gradients (contents arbitrary: all are written). */
export type GradientAllocator = (dtype: FloatDType, length: number) => Float32Array | Float64Array;

/** Arguments of {@link linearBackward}: the forward's operands and result, and what to differentiate. */
export interface LinearBackwardOptions {
  /** The forward's `x`, `[…, inputs]`. */
  readonly input: TensorLike;
  /** The forward's `weights`, `[inputs, outputs]`. */
  readonly weights: TensorLike;
  /** The forward's result `y`, `[…, outputs]`: required with `activation: "relu"` (its mask is `y > 0`). */
  readonly output?: TensorLike;
  /** `∂L/∂y`, the shape of the forward's result. */
  readonly cotangent: TensorLike;
  /** The forward's activation. Default `"none"`. */
  readonly activation?: LinearActivation;
  /** Whether the forward had a bias (then `∂b` is returned). */
  readonly bias: boolean;
  /** Whether to compute `∂x` (false for data, whose gradient nobody reads: one GEMM fewer). */
  readonly inputGradient: boolean;
  /** Arrays for `∂W` and `∂b`, e.g. a training step's pool. Default: new arrays. */
  readonly allocate?: GradientAllocator;
  /**
   * Arrays for what the backward makes besides the parameter gradients: the masked cotangent `g'` (with relu)
   * and `∂x` (contents arbitrary: every element is written), e.g. a training step's scratch arrays that are
   * reused once the step ends. Default: new arrays.
   */
  readonly allocateIntermediate?: GradientAllocator;
}

/** The gradients {@link linearBackward} returns, each the shape of its operand. */
export interface LinearGradients {
  /** `∂L/∂x`, when `inputGradient` was asked for. */
  readonly input?: Tensor;
  /** `∂L/∂W`. */
  readonly weights: Tensor;
  /** `∂L/∂b`, when the forward had a bias. */
  readonly bias?: Tensor;
}

const ACTIVATIONS: readonly LinearActivation[] = ["none", "relu"];

/**
 * A fully connected layer's forward on the last axis: `y = act(x·W + b)` for `x: [… , inputs]`,
 * `W: [inputs, outputs]`, `b: [outputs]`, giving `[…, outputs]`. One GEMM whose epilogue adds the bias and
 * applies the activation while the result is still in cache (`Kernels.denseForward`, or `gemm` then the same
 * epilogue in JavaScript: the same bits either way). Mixed dtypes compute in float64 (as every op).
 *
 * `yᵣⱼ = act(Σₚ xᵣₚ·Wₚⱼ + bⱼ)`, `act(z) = z` or `max(z, 0)`
 *
 * @throws {@link ShapeError} when `weights` is not a matrix, `x`'s last axis is not `weights`' first, or
 *   `bias` is not `[outputs]`; {@link ValueError} for an unknown activation or option, or an `allocate` that is
 *   not a function, returns an array of the wrong length or one sharing memory with an operand;
 *   {@link DTypeError} for an int32 operand (or an `allocate` array of the wrong type).
 * @example
 * ```ts
 * linear(x, weights, { bias, activation: "relu" }); // [batch, 784] · [784, 128] → [batch, 128]
 * // The result in an array the caller reuses (a training step's scratch): no new array per call.
 * const hidden = new Float32Array(64 * 128);
 * linear(batch, weights, { bias, activation: "relu", allocate: () => hidden });
 * ```
 */
export function linear(x: TensorLike, weights: TensorLike, options: LinearOptions = {}): Tensor {
  const op = "linear";
  assertTensorLike(op, x, "x");
  assertTensorLike(op, weights, "weights");
  const given = readOptions(op, options, ["bias", "activation", "allocate"]);
  const { bias, activation = "none" } = given;
  if (bias !== undefined) assertTensorLike(op, bias, "options.bias");
  assertActivation(op, "options.activation", activation);
  assertAllocator(op, "allocate", given.allocate);
  const [inputSize, outputSize] = checkWeights(op, x, weights);
  if (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== outputSize)) {
    throw new ShapeError(
      op,
      `options.bias ${formatShape(bias.shape)} does not fit weights ${formatShape(weights.shape)}: the bias has one entry per output, shape [${outputSize}]`,
    );
  }
  const dtype = resultDType(x.dtype, weights.dtype, ...(bias ? [bias.dtype] : []));
  const rows = sizeOf(x.shape.slice(0, -1));
  const output = resultArray(op, given.allocate, dtype, rows * outputSize);
  if (given.allocate !== undefined) {
    const operands = { x, weights, ...(bias ? { "options.bias": bias } : {}) };
    for (const [name, operand] of Object.entries(operands)) {
      if (viewsOverlap(operand.data, output)) {
        throw new ValueError(
          op,
          `options.allocate returned an array that shares memory with ${name}: the product would overwrite its own operand; return an array of its own`,
        );
      }
    }
  }
  if (output.length > 0) {
    getKernels().denseForward(
      false,
      false,
      rows,
      outputSize,
      inputSize,
      dataIn(x, dtype),
      dataIn(weights, dtype),
      bias ? dataIn(bias, dtype) : null,
      activation,
      output,
    );
  }
  return new Tensor(output, [...x.shape.slice(0, -1), outputSize]);
}

/**
 * The vector-Jacobian product of {@link linear}: given `g = ∂L/∂y`, the gradients of its operands.
 * With relu, `g` is first masked by the result (`g ⊙ [y > 0]`: relu'(0) = 0, NaN where y is NaN) in one pass
 * that also sums `∂b`; `∂x` costs a second GEMM and is computed only when asked for. `∂W` and `∂b` are written
 * into arrays from `options.allocate` (any contents), `g'` and `∂x` into arrays from
 * `options.allocateIntermediate`; new arrays where one is not given.
 *
 * `g' = g ⊙ act'(y)`, `∂W = xᵀ·g'`, `∂b = Σᵣ g'ᵣ`, `∂x = g'·Wᵀ`
 *
 * @throws {@link ShapeError} when the shapes do not match a forward of `linear(input, weights)`;
 *   {@link ValueError} when `output` is missing with relu, a flag is not a boolean, or `allocate` (or
 *   `allocateIntermediate`) returns an array of the wrong type or length; {@link DTypeError} for an int32 operand.
 * @example
 * ```ts
 * const y = linear(x, weights, { bias, activation: "relu" });
 * const { weights: dW, bias: db } = linearBackward({
 *   input: x, weights, output: y, cotangent: g, activation: "relu", bias: true, inputGradient: false,
 * });
 * ```
 */
export function linearBackward(options: LinearBackwardOptions): LinearGradients {
  const op = "linearBackward";
  const given = readBackwardOptions(op, options);
  const { input, weights, output, cotangent, activation = "none", bias, inputGradient } = given;
  const [inputSize, outputSize] = checkWeights(op, input, weights);
  const outputShape = [...input.shape.slice(0, -1), outputSize];
  checkResultShape(op, "options.cotangent", cotangent, outputShape);
  const relu = activation === "relu";
  if (output !== undefined) {
    assertTensorLike(op, output, "options.output");
    checkResultShape(op, "options.output", output, outputShape);
  } else if (relu) {
    throw new ValueError(op, `options.output is missing: relu's gradient needs the forward's result y`);
  }

  const dtype = resultDType(input.dtype, weights.dtype, cotangent.dtype);
  const rows = sizeOf(input.shape.slice(0, -1));
  const take = given.allocate ?? ((wanted: FloatDType, length: number) => allocate(wanted, length, op));
  const takeIntermediate = intermediateAllocator(op, given.allocateIntermediate);
  const biasGradient = bias ? zeroedResultArray(op, given.allocate, dtype, outputSize) : null;
  const kernels = getKernels();
  const g = activationCotangent(
    cotangent,
    relu ? output! : null,
    biasGradient,
    outputSize,
    dtype,
    takeIntermediate,
  );
  const x = dataIn(input, dtype);
  const weightsGradient = allocated(op, take, dtype, inputSize * outputSize);
  kernels.gemm(true, false, inputSize, outputSize, rows, 1, x, g, 0, weightsGradient);
  let inputGradientTensor: Tensor | undefined;
  if (inputGradient) {
    const data = takeIntermediate(dtype, rows * inputSize);
    kernels.gemm(false, true, rows, inputSize, outputSize, 1, g, dataIn(weights, dtype), 0, data);
    inputGradientTensor = new Tensor(data, input.shape);
  }
  return {
    ...(inputGradientTensor ? { input: inputGradientTensor } : {}),
    weights: new Tensor(weightsGradient, weights.shape),
    ...(biasGradient ? { bias: new Tensor(biasGradient, [outputSize]) } : {}),
  };
}

/**
 * The cotangent before the activation, `g' = g ⊙ act'(y)` (relu: masked by `y > 0` where `output` is given,
 * into an array from `take`; no activation: `g` itself), adding `Σᵣ g'ᵣ` onto `biasGradient` (rows of
 * `outputSize`) in the same pass.
 */
export function activationCotangent(
  cotangent: TensorLike,
  output: TensorLike | null,
  biasGradient: Float32Array | Float64Array | null,
  outputSize: number,
  dtype: FloatDType,
  take: (dtype: FloatDType, length: number) => Float32Array | Float64Array,
): Float32Array | Float64Array {
  const g = dataIn(cotangent, dtype);
  if (output !== null) {
    // No hidden cache: the caller's allocator (a training step's scratch) or a new array.
    const masked = take(dtype, g.length);
    getKernels().reluBackward(g, dataIn(output, dtype), masked, biasGradient, outputSize);
    return masked;
  }
  if (biasGradient !== null) {
    for (let offset = 0; offset < g.length; offset += outputSize) {
      for (let j = 0; j < outputSize; j++) biasGradient[j]! += g[offset + j]!;
    }
  }
  return g;
}

/** The options every product's backward takes ({@link linearBackward}, `convolution2dBackward`). */
const BACKWARD_OPTIONS = [
  "input",
  "weights",
  "output",
  "cotangent",
  "activation",
  "bias",
  "inputGradient",
  "allocate",
  "allocateIntermediate",
] as const;

/**
 * A product backward's `options` after checking the keys shared by every one (`input`, `weights`,
 * `cotangent` tensors; `activation`; `bias` and `inputGradient` booleans; `allocate` and `allocateIntermediate`
 * functions when given)
 * and allowing `extraKeys` besides, whose values the caller checks.
 *
 * @throws {@link ValueError} naming `op`, the option and the fix, for an unknown key or a value of the wrong kind.
 * @example const given = readBackwardOptions("convolution2dBackward", options, ["strides", "padding"]);
 */
export function readBackwardOptions<Options extends LinearBackwardOptions>(
  op: string,
  options: Options,
  extraKeys: readonly (keyof Options & string)[] = [],
): Options {
  const given = readOptions(op, options, [...BACKWARD_OPTIONS, ...extraKeys]) as Options;
  assertTensorLike(op, given.input, "options.input");
  assertTensorLike(op, given.weights, "options.weights");
  assertTensorLike(op, given.cotangent, "options.cotangent");
  assertActivation(op, "options.activation", given.activation === undefined ? "none" : given.activation);
  for (const [label, flag] of [
    ["bias", given.bias],
    ["inputGradient", given.inputGradient],
  ] as const) {
    if (typeof flag !== "boolean")
      throw new ValueError(op, `options.${label} is ${describe(flag)}: use true or false`);
  }
  for (const key of ["allocate", "allocateIntermediate"] as const) assertAllocator(op, key, given[key]);
  return given;
}

/** Throws unless `value` (the option `key`) is undefined or a function. */
export function assertAllocator(op: string, key: string, value: unknown): void {
  if (value !== undefined && typeof value !== "function") {
    throw new ValueError(op, `options.${key} is ${describe(value)}: pass (dtype, length) => array`);
  }
}

/**
 * The array an op writes a result into: a new one (zeros) without `take`, else `take`'s, checked by
 * {@link allocated} (`label` names the option in its error).
 */
export function resultArray(
  op: string,
  take: GradientAllocator | undefined,
  dtype: FloatDType,
  length: number,
  label = "options.allocate",
): Float32Array | Float64Array {
  return take === undefined ? allocate(dtype, length, op) : allocated(op, take, dtype, length, label);
}

/** {@link resultArray} for a result the op adds into: an allocator's array (any contents) is zeroed first. */
export function zeroedResultArray(
  op: string,
  take: GradientAllocator | undefined,
  dtype: FloatDType,
  length: number,
  label = "options.allocate",
): Float32Array | Float64Array {
  const array = resultArray(op, take, dtype, length, label);
  if (take !== undefined) getKernels().zero(array);
  return array;
}

/** The allocator of an op's intermediate arrays: {@link resultArray} for `options.allocateIntermediate`. */
export function intermediateAllocator(
  op: string,
  given: GradientAllocator | undefined,
): (dtype: FloatDType, length: number) => Float32Array | Float64Array {
  return (dtype, length) => resultArray(op, given, dtype, length, "options.allocateIntermediate");
}

/** `[inputs, outputs]` after checking that `weights` is a matrix whose first axis is `x`'s last. */
function checkWeights(op: string, x: TensorLike, weights: TensorLike): [number, number] {
  const name = op === "linear" ? "" : "options.";
  if (weights.shape.length !== 2) {
    throw new ShapeError(
      op,
      `${name}weights ${formatShape(weights.shape)} is not a matrix: pass weights of shape [inputs, outputs]`,
    );
  }
  const [inputSize, outputSize] = weights.shape as [number, number];
  if (x.shape.length === 0 || x.shape[x.shape.length - 1] !== inputSize) {
    throw new ShapeError(
      op,
      `${name}${op === "linear" ? "x" : "input"} ${formatShape(x.shape)} does not fit weights ${formatShape(weights.shape)}: its last axis must have ${inputSize} entries, [batch, …, ${inputSize}] (or transpose the weights if they are stored [outputs, inputs])`,
    );
  }
  return [inputSize, outputSize];
}

function checkResultShape(op: string, label: string, value: TensorLike, expected: readonly number[]): void {
  if (value.shape.length !== expected.length || value.shape.some((size, axis) => size !== expected[axis])) {
    throw new ShapeError(
      op,
      `${label} ${formatShape(value.shape)} is not the forward's result shape ${formatShape(expected)}: pass the y of linear(input, weights) and ∂L/∂y of the same shape`,
    );
  }
}

export function assertActivation(
  op: string,
  label: string,
  value: unknown,
): asserts value is LinearActivation {
  if (!ACTIVATIONS.includes(value as LinearActivation)) {
    throw new ValueError(op, `${label} is ${describe(value)}: use "none" or "relu"`);
  }
}

/**
 * The array a caller's allocator gives for a result, checked: `take(dtype, length)` must return a
 * `Float32Array` (or `Float64Array` for `"float64"`) of exactly `length` elements. Every op and optimizer
 * that takes an allocator option checks it through this one function.
 *
 * @throws {@link DTypeError} for an array of the other type or no array; {@link ValueError} for the wrong
 *   length. Both name `op`, `label` (the option), what came back and the fix.
 * @example
 * ```ts
 * const out = allocated("myOp", "options.allocate", (dtype, n) => new Float32Array(n), "float32", 16);
 * ```
 */
export function allocated(
  op: string,
  take: GradientAllocator,
  dtype: FloatDType,
  length: number,
  label = "options.allocate",
): Float32Array | Float64Array {
  const array: unknown = take(dtype, length);
  const expected = dtype === "float64" ? Float64Array : Float32Array;
  if (!(array instanceof expected) || array.length !== length) {
    const got = ArrayBuffer.isView(array)
      ? `a ${array.constructor.name} of ${(array as Float32Array).length} elements`
      : describe(array);
    throw new (array instanceof expected ? ValueError : DTypeError)(
      op,
      `${label}("${dtype}", ${length}) returned ${got}: return a ${expected.name} of exactly ${length} elements`,
    );
  }
  return array;
}

/** The data of `tensor` in `dtype`, copied only when the dtype differs (float32 → float64 is exact). */
export function dataIn(tensor: TensorLike, dtype: FloatDType): Float32Array | Float64Array {
  if (tensor.dtype === dtype) return tensor.data as Float32Array | Float64Array;
  const copy = allocate(dtype, tensor.data.length);
  copy.set(tensor.data);
  return copy;
}
