import { customOp, type Operand, type Traced } from "@descent/autodiff";
import type { FloatDType, RandomGenerator, Tensor as TensorLike } from "@descent/spec";
import {
  convolution2d,
  convolution2dBackward,
  formatShape,
  type LinearActivation,
  type Padding,
  ShapeError,
  ValueError,
  windowAxis,
  windowGeometry,
} from "@descent/tensor";
import { glorotUniform, type Initializer, zeros } from "../initializers/initializers.js";
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

/** A window size or stride: one number for both axes, or `[height, width]`. */
export type Size2d = number | readonly [number, number];

/** `value` as `[height, width]`, after checking each is a positive integer (at most 65536). */
export function pair(op: string, label: string, value: Size2d): [number, number] {
  const result: [number, number] =
    typeof value === "number"
      ? [value, value]
      : Array.isArray(value) && value.length === 2
        ? [value[0], value[1]]
        : [Number.NaN, Number.NaN];
  if (!result.every((size) => Number.isSafeInteger(size) && size >= 1 && size <= 65536)) {
    throw new ValueError(
      op,
      `${label} is ${Array.isArray(value) ? `[${value.map(describe).join(", ")}]` : describe(value)}: use a positive integer or [height, width] (at most 65536)`,
    );
  }
  return result;
}

/** Throws a ShapeError naming `op` unless `shape` is NHWC images (with `channels` channels, when given). */
export function checkImages(op: string, shape: readonly number[], channels: number | undefined): void {
  if (shape.length !== 4 || (channels !== undefined && shape[3] !== channels)) {
    throw new ShapeError(
      op,
      `input ${formatShape(shape)} does not fit: expected NHWC images [batch, height, width, ${channels ?? "channels"}]`,
    );
  }
}

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** Step of the window, one number or `[height, width]`. Default 1. */
  readonly strides?: Size2d;
  /** `"valid"` (default: only full windows) or `"same"` (zero padding so `out = ⌈in / stride⌉`, as TensorFlow). */
  readonly padding?: Padding;
  /** Whether to add a bias `[out]`. Default `true`. */
  readonly useBias?: boolean;
  /** Initializer of `weights` `[kh, kw, in, out]`. Default Glorot uniform (fans include the receptive field). */
  readonly weightsInitializer?: Initializer;
  /** Initializer of `bias` `[out]`. Default zeros. */
  readonly biasInitializer?: Initializer;
  /**
   * `"relu"` applies relu in the GEMM's epilogue and masks the gradient by `y > 0` backward (the bits of a
   * separate relu layer, one pass fewer each way); `sequential` uses it for `[conv2d, relu]`. Default `"none"`.
   */
  readonly activation?: LinearActivation;
  /** Parameter-tree name (default `conv2d_<n>` given by `sequential`). */
  readonly name?: string;
}

/**
 * Parameters of a {@link conv2d} layer: `weights` `[kh, kw, in, out]` and `bias` `[out]`
 * (`{ useBias: false }` gives `{ weights }` only). What `model.paramsOf(params, layer)` returns for it.
 *
 * @example
 * const { weights, bias } = model.paramsOf(params, conv); // conv = conv2d(1, 8, 3)
 */
export type Conv2dParams = { readonly weights: TensorLike; readonly bias: TensorLike };

/**
 * 2-D convolution (cross-correlation, as every framework) over **NHWC** images `[batch, height, width,
 * channels]` — TensorFlow's layout, chosen because im2col then needs no transpose: the windows are the
 * rows of a `[batch·outH·outW, kh·kw·in]` matrix and one GEMM with the kernel `[kh, kw, in, out]` (read as
 * `[kh·kw·in, out]`) gives the NHWC output directly (`convolution2d` of `@descent/tensor`, whose WebAssembly
 * kernels pack that matrix's panels straight from the images instead of making it).
 *
 * `y[n, i, j, o] = b[o] + Σ_{ky, kx, c} x[n, i·sh + ky − pt, j·sw + kx − pl, c] · W[ky, kx, c, o]`
 *
 * Backward: `∂W = colsᵀ·g`, `∂b = Σ g`, and (only when the input needs it) `∂x = col2im(g·Wᵀ)`.
 * Parameters `{ weights: [kh, kw, in, out], bias: [out] }`.
 *
 * @example
 * const layer = conv2d(1, 8, 3, { padding: "same" }); // [n, 28, 28, 1] → [n, 28, 28, 8]
 */
export function conv2d(
  inChannels: number,
  outChannels: number,
  kernelSize: Size2d,
  options: Conv2dOptions & { readonly useBias: false },
): Layer<{ readonly weights: TensorLike }>;
export function conv2d(
  inChannels: number,
  outChannels: number,
  kernelSize: Size2d,
  options?: Conv2dOptions & { readonly useBias?: true },
): Layer<Conv2dParams>;
export function conv2d(
  inChannels: number,
  outChannels: number,
  kernelSize: Size2d,
  options?: Conv2dOptions,
): Layer<Conv2dParams | { readonly weights: TensorLike }>;
export function conv2d(
  inChannels: number,
  outChannels: number,
  kernelSize: Size2d,
  options: Conv2dOptions = {},
): Layer<Conv2dParams | { readonly weights: TensorLike }> {
  const op = "conv2d";
  checkOptionKeys(op, options, [
    "strides",
    "padding",
    "useBias",
    "weightsInitializer",
    "biasInitializer",
    "activation",
    "name",
  ]);
  for (const [label, size] of [
    ["inChannels", inChannels],
    ["outChannels", outChannels],
  ] as const) {
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 1)
      throw new ValueError(op, `${label} is ${describe(size)}: use a positive integer`);
  }
  const kernel = pair(op, "kernelSize", kernelSize);
  const strides = pair(op, "strides", options.strides ?? 1);
  const padding = options.padding ?? "valid";
  if (padding !== "valid" && padding !== "same") {
    throw new ValueError(op, `options.padding is ${describe(padding)}: use "valid" or "same"`);
  }
  const useBias = booleanOption(op, "options.useBias", options.useBias, true);
  const activation = options.activation ?? "none";
  if (activation !== "none" && activation !== "relu") {
    throw new ValueError(
      op,
      `options.activation is ${describe(activation)}: use "none" or "relu" (other activations as a layer after it)`,
    );
  }
  const weightsInitializer =
    functionOption<Initializer>(op, "options.weightsInitializer", options.weightsInitializer) ??
    glorotUniform();
  const biasInitializer =
    functionOption<Initializer>(op, "options.biasInitializer", options.biasInitializer) ?? zeros();
  nameOption(op, "options.name", options.name);
  const weightShape = [kernel[0], kernel[1], inChannels, outChannels];
  const fix = `pass the tree made by init() of conv2d(${inChannels}, ${outChannels}, [${kernel.join(", ")}])`;

  const apply = (
    allocateGradient: ApplyOptions["allocateGradient"],
    allocateTransient: ApplyOptions["allocateTransient"],
  ) =>
    customOp({
      name: op,
      forward: (x, weights, bias) =>
        convolution2d(x!, weights!, { strides, padding, bias, activation, allocate: allocateTransient }),
      backward: (cotangent, output, [x, weights], needsGradient) => {
        const gradients = convolution2dBackward({
          input: x!,
          weights: weights!,
          output,
          cotangent,
          strides,
          padding,
          activation,
          bias: useBias,
          inputGradient: needsGradient[0] === true,
          allocate: allocateGradient,
          allocateIntermediate: allocateTransient,
        });
        return [gradients.input ?? null, gradients.weights, ...(useBias ? [gradients.bias!] : [])];
      },
    });

  return {
    type: op,
    name: options.name,
    hasParams: true,
    hasState: false,
    config: {
      type: op,
      name: options.name,
      inChannels,
      outChannels,
      kernelSize: kernel,
      strides,
      padding,
      useBias,
      // `activation` only when set, so configs saved before it existed stay identical.
      ...(activation === "none" ? {} : { activation }),
    },
    init(random: RandomGenerator, dtype?: FloatDType): Conv2dParams | { readonly weights: TensorLike } {
      const weights = weightsInitializer(random, weightShape, dtype);
      return useBias ? { weights, bias: biasInitializer(random, [outChannels], dtype) } : { weights };
    },
    initState: () => ({}),
    apply(params: Params, input: Operand, applyOptions: ApplyOptions = {}): Traced {
      checkApplyOptions(op, applyOptions);
      if (!isObject(params)) throw new ValueError(op, `params is ${describe(params)}: ${fix}`);
      const weights = checkParameter(op, "weights", ownValue(params, "weights"), weightShape, fix);
      const bias = useBias
        ? checkParameter(op, "bias", ownValue(params, "bias"), [outChannels], fix)
        : undefined;
      const { shape } = operandTensor(op, "input", input);
      checkImages(op, shape, inChannels);
      windowGeometry(op, shape, kernel, strides, padding); // a window larger than the image: the error names conv2d
      const conv = apply(applyOptions.allocateGradient, applyOptions.allocateTransient);
      return useBias ? conv(input, weights, bias!) : conv(input, weights);
    },
    outputShape(inputShape) {
      checkImages(op, [1, ...inputShape], inChannels);
      const [outHeight] = windowAxis(op, inputShape[0]!, kernel[0], strides[0], padding);
      const [outWidth] = windowAxis(op, inputShape[1]!, kernel[1], strides[1], padding);
      return [outHeight, outWidth, outChannels];
    },
    ...(activation === "none"
      ? {
          fusedWithRelu: () =>
            conv2d(inChannels, outChannels, kernel, {
              strides,
              padding,
              useBias,
              weightsInitializer,
              biasInitializer,
              activation: "relu",
              name: options.name,
            }),
        }
      : {}),
  };
}
