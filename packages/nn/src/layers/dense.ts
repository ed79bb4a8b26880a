import { customOp, type Operand, type Traced } from "@descent/autodiff";
import type { FloatDType, RandomGenerator, Tensor as TensorLike } from "@descent/spec";
import { type LinearActivation, linear, linearBackward, ValueError } from "@descent/tensor";
import { glorotUniform, type Initializer, zeros } from "../initializers/initializers.js";
import { checkLastAxis, tensorOfOperand } from "./operands.js";
import type { ApplyOptions, Layer, Params } from "./types.js";
import {
  booleanOption,
  checkApplyOptions,
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
  /**
   * Applied to `x·W + b` in the same op: `"none"` (default) or `"relu"` (`max(z, 0)`, relu'(0) = 0, NaN kept;
   * the forward's epilogue and one masked pass backward instead of a separate activation layer).
   */
  readonly activation?: LinearActivation;
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
 * A fully connected (linear) layer: `y = act(x · W + b)` with `W: [in, out]`, `b: [out]`, for `x: [batch, in]`
 * (or `[batch, …, in]`, applied to the last axis), `act` the identity or relu (`options.activation`).
 * Parameters `{ weights, bias }`.
 *
 * One op (`linear` (from `@descent/tensor`) forward, `linearBackward` (from `@descent/tensor`) backward): one GEMM
 * whose epilogue adds the bias and applies relu; backward `g' = g ⊙ act'(y)`, `∂W = xᵀ·g'`, `∂b = Σ_rows g'`
 * and, only when the input itself needs a gradient, `∂x = g'·Wᵀ` (skipped for the first layer, whose input is
 * data). `∂W` and `∂b` go into arrays from `ApplyOptions.allocateGradient` when given. Weights default to
 * Glorot uniform and bias to zeros (Keras/TensorFlow.js defaults; pass `weightsInitializer: heNormal()` for
 * deep relu stacks).
 *
 * @example
 * const layer = dense(784, 128, { activation: "relu" });
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
  checkOptionKeys("dense", options, [
    "useBias",
    "weightsInitializer",
    "biasInitializer",
    "activation",
    "name",
  ]);
  const useBias = booleanOption("dense", "options.useBias", options.useBias, true);
  const weightsInitializer =
    functionOption<Initializer>("dense", "options.weightsInitializer", options.weightsInitializer) ??
    glorotUniform();
  const biasInitializer =
    functionOption<Initializer>("dense", "options.biasInitializer", options.biasInitializer) ?? zeros();
  const activation = options.activation ?? "none";
  if (activation !== "none" && activation !== "relu") {
    throw new ValueError(
      "dense",
      `options.activation is ${describe(activation)}: use "none" or "relu" (other activations as a layer after it)`,
    );
  }
  nameOption("dense", "options.name", options.name);
  const fix = `pass the tree made by init() of dense(${inputSize}, ${outputSize}${options.name === undefined ? "" : `, { name: ${JSON.stringify(options.name)} }`})`;
  const op = activation === "relu" ? "denseRelu" : "dense";
  const layer: Layer<DenseParams | DenseWeights> = {
    type: "dense",
    name: options.name,
    hasParams: true,
    hasState: false,
    // `activation` only when set, so configs saved before it existed stay identical.
    config: {
      type: "dense",
      name: options.name,
      inputSize,
      outputSize,
      useBias,
      ...(activation === "none" ? {} : { activation }),
    },
    init(random: RandomGenerator, dtype?: FloatDType): DenseParams | DenseWeights {
      const weights = weightsInitializer(random, [inputSize, outputSize], dtype);
      return useBias ? { weights, bias: biasInitializer(random, [outputSize], dtype) } : { weights };
    },
    initState: () => ({}),
    apply(params: Params, input: Operand, applyOptions: ApplyOptions = {}): Traced {
      checkApplyOptions("dense", applyOptions);
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
      const { allocateGradient: allocate, allocateTransient } = applyOptions;
      // One customOp per call: its backward takes this call's allocator. Inputs: [x, weights, bias?].
      const linearOp = customOp({
        name: op,
        forward: (x, w, b) => linear(x!, w!, { bias: b, activation, allocate: allocateTransient }),
        backward: (cotangent, output, [x, w], needsGradient) => {
          const gradients = linearBackward({
            input: x!,
            weights: w!,
            output,
            cotangent,
            activation,
            bias: useBias,
            inputGradient: needsGradient[0] === true,
            allocate,
            allocateIntermediate: allocateTransient,
          });
          return [gradients.input ?? null, gradients.weights, ...(useBias ? [gradients.bias!] : [])];
        },
      });
      return useBias ? linearOp(input, weights, bias!) : linearOp(input, weights);
    },
    outputShape(inputShape: readonly number[]): number[] {
      checkLastAxis("dense", [1, ...inputShape], inputSize, `${inputSize} input features`);
      return [...inputShape.slice(0, -1), outputSize];
    },
    ...(activation === "none"
      ? {
          fusedWithRelu: () =>
            dense(inputSize, outputSize, {
              useBias,
              weightsInitializer,
              biasInitializer,
              activation: "relu",
              name: options.name,
            }),
        }
      : {}),
  };
  return layer;
}
