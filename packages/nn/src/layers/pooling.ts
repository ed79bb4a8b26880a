import { customOp, type Operand, type Traced } from "@descent/autodiff";
import type { Tensor as TensorLike } from "@descent/spec";
import {
  averagePool,
  averagePoolBackward,
  formatShape,
  maxPool,
  maxPoolBackward,
  type Padding,
  ShapeError,
  Tensor,
  ValueError,
  type WindowGeometry,
  windowAxis,
  windowGeometry,
} from "@descent/tensor";
import { checkImages, pair, type Size2d } from "./convolution.js";
import type { ApplyOptions, Layer } from "./types.js";
import { checkApplyOptions, checkOptionKeys, describe, nameOption, operandTensor } from "./validate.js";

/** Options of {@link maxPool2d}. */
export interface MaxPool2dOptions {
  /** Step of the window. Default: the pool size (non-overlapping windows). */
  readonly strides?: Size2d;
  /** `"valid"` (default) or `"same"`; padding never wins the max. */
  readonly padding?: Padding;
  /** Layer name (default `maxPool2d_<n>` given by `sequential`; the layer has no parameters). */
  readonly name?: string;
}

/** Options of {@link avgPool2d}. */
export interface AvgPool2dOptions {
  /** Step of the window. Default: the pool size (non-overlapping windows). */
  readonly strides?: Size2d;
  /** `"valid"` (default) or `"same"`; padding is left out of each window's count (as TensorFlow). */
  readonly padding?: Padding;
  /** Layer name (default `avgPool2d_<n>` given by `sequential`; the layer has no parameters). */
  readonly name?: string;
}

/**
 * One call's pooling op: given how to get the window geometry of an input and the step's allocator
 * (`ApplyOptions.allocateTransient`), the custom op of forward and backward.
 */
type PoolingOp = (
  geometryOf: (x: TensorLike) => WindowGeometry,
  allocate: ApplyOptions["allocateTransient"],
) => (input: Operand) => Traced;

/**
 * A parameterless layer sliding a `poolSize` window over NHWC images (`maxPool2d`, `avgPool2d`): the options,
 * config, checks and output shape they share, around the op `pooling` makes for each call.
 */
function windowPoolingLayer(
  op: string,
  poolSize: Size2d,
  options: MaxPool2dOptions | AvgPool2dOptions,
  pooling: PoolingOp,
): Layer {
  checkOptionKeys(op, options, ["strides", "padding", "name"]);
  nameOption(op, "options.name", options.name);
  const pool = pair(op, "poolSize", poolSize);
  const strides = pair(op, "strides", options.strides ?? pool);
  const padding = options.padding ?? "valid";
  if (padding !== "valid" && padding !== "same") {
    throw new ValueError(op, `options.padding is ${describe(padding)}: use "valid" or "same"`);
  }
  const geometryOf = (x: TensorLike) => windowGeometry(op, x.shape, pool, strides, padding);
  return {
    type: op,
    name: options.name,
    hasParams: false,
    hasState: false,
    config: { type: op, name: options.name, poolSize: pool, strides, padding },
    init: () => ({}),
    initState: () => ({}),
    apply(_params, input: Operand, applyOptions: ApplyOptions = {}): Traced {
      checkApplyOptions(op, applyOptions);
      const x = operandTensor(op, "input", input);
      checkImages(op, x.shape, undefined);
      geometryOf(x); // a window larger than the image: the error names the layer
      return pooling(geometryOf, applyOptions.allocateTransient)(input);
    },
    outputShape(inputShape) {
      checkImages(op, [1, ...inputShape], undefined);
      const [outHeight] = windowAxis(op, inputShape[0]!, pool[0], strides[0], padding);
      const [outWidth] = windowAxis(op, inputShape[1]!, pool[1], strides[1], padding);
      return [outHeight, outWidth, inputShape[2]!];
    },
  };
}

/**
 * 2-D max pooling over NHWC images: each output is the largest input of its window, per channel.
 * Backward routes the gradient to the winning input (the first one on ties). No parameters.
 *
 * `y[n, i, j, c] = max_{ky, kx} x[n, i·sh + ky − pt, j·sw + kx − pl, c]`
 *
 * @example
 * maxPool2d(2) // [n, 28, 28, 8] → [n, 14, 14, 8]
 */
export function maxPool2d(poolSize: Size2d, options: MaxPool2dOptions = {}): Layer {
  // One op per call: its backward reads the winners its forward found (no cache keyed by the output).
  return windowPoolingLayer("maxPool2d", poolSize, options, (geometryOf, allocate) => {
    let argmax: Int32Array = new Int32Array(0);
    return customOp({
      name: "maxPool2d",
      forward(x) {
        const pooled = maxPool(x!, geometryOf(x!), { allocate });
        argmax = pooled.argmax;
        return pooled.output;
      },
      backward: (cotangent, _output, [x]) => [
        maxPoolBackward(cotangent, argmax, geometryOf(x!), { allocate }),
      ],
    });
  });
}

/**
 * 2-D average pooling over NHWC images: each output is the mean of its window's inputs inside the image, per
 * channel (padding excluded from the count, as TensorFlow's `AveragePooling2D`). Backward shares each
 * output's gradient equally among those inputs. No parameters.
 *
 * `y[n, i, j, c] = (1 / |W|) Σ_{(y, x) ∈ W} x[n, y, x, c]`, `W` = rows `i·sh − pt + [0, kh)` × columns
 * `j·sw − pl + [0, kw)` clipped to the image
 *
 * @example
 * avgPool2d(2) // [n, 28, 28, 8] → [n, 14, 14, 8]
 */
export function avgPool2d(poolSize: Size2d, options: AvgPool2dOptions = {}): Layer {
  return windowPoolingLayer("avgPool2d", poolSize, options, (geometryOf, allocate) =>
    customOp({
      name: "avgPool2d",
      forward: (x) => averagePool(x!, geometryOf(x!), { allocate }),
      backward: (cotangent, _output, [x]) => [averagePoolBackward(cotangent, geometryOf(x!), { allocate })],
    }),
  );
}

/** The `[height, width]` window covering a whole image of NHWC `shape`, after checking it has pixels. */
function wholeImage(op: string, shape: readonly number[]): [number, number] {
  checkImages(op, shape, undefined);
  const [, height, width] = shape as [number, number, number, number];
  if (height < 1 || width < 1) {
    throw new ShapeError(op, `input ${formatShape(shape)} has no pixels: expected images of at least 1×1`);
  }
  return [height, width];
}

const GLOBAL = "globalAveragePool2d";

/** The average pooling of whole NHWC images, `[n, h, w, c] → [n, c]` (the mean over the image per channel). */
const globalPooling = (allocate: ApplyOptions["allocateTransient"]) =>
  customOp({
    name: GLOBAL,
    forward(x) {
      const window = wholeImage(GLOBAL, x!.shape);
      const geometry = windowGeometry(GLOBAL, x!.shape, window, window, "valid");
      return new Tensor(averagePool(x!, geometry, { allocate }).data, [x!.shape[0]!, x!.shape[3]!]);
    },
    backward(cotangent, _output, [x]) {
      const window = wholeImage(GLOBAL, x!.shape);
      const [batch, channels] = cotangent.shape as [number, number];
      const images = new Tensor(cotangent.data, [batch, 1, 1, channels]);
      const geometry = windowGeometry(GLOBAL, x!.shape, window, window, "valid");
      return [averagePoolBackward(images, geometry, { allocate })];
    },
  });

/**
 * Global average pooling over NHWC images: the mean of each channel over the whole image, `[n, h, w, c] →
 * [n, c]` (the head of a convolutional network before its classifier, in place of `flatten`). Backward
 * spreads each gradient evenly over the image. No parameters.
 *
 * `y[n, c] = (1 / (h·w)) Σ_{y, x} x[n, y, x, c]`
 *
 * @example
 * sequential([conv2d(3, 16, 3), globalAveragePool2d(), dense(16, 10)]) // [n, 32, 32, 3] → [n, 10]
 */
export function globalAveragePool2d(options: { readonly name?: string } = {}): Layer {
  checkOptionKeys(GLOBAL, options, ["name"]);
  nameOption(GLOBAL, "options.name", options.name);
  return {
    type: GLOBAL,
    name: options.name,
    hasParams: false,
    hasState: false,
    config: { type: GLOBAL, name: options.name },
    init: () => ({}),
    initState: () => ({}),
    apply(_params, input: Operand, applyOptions: ApplyOptions = {}): Traced {
      checkApplyOptions(GLOBAL, applyOptions);
      wholeImage(GLOBAL, operandTensor(GLOBAL, "input", input).shape);
      return globalPooling(applyOptions.allocateTransient)(input);
    },
    outputShape(inputShape) {
      wholeImage(GLOBAL, [1, ...inputShape]);
      return [inputShape[2]!];
    },
  };
}
