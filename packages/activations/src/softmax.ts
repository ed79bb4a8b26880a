import { customOp, type Operand, type Traced } from "@descent/autodiff";
import type { Tensor as TensorLike } from "@descent/spec";
import { allocate, assertTensorLike, normalizeAxis, Tensor, ValueError } from "@descent/tensor";
import { checkOptionKeys, describe } from "./options.js";
import {
  logSoftmaxBackward,
  logSoftmaxForward,
  softmaxBackward,
  softmaxForward,
  splitAroundAxis,
} from "./softmax-kernels.js";
import type { ActivationConfig, FloatArray, NamedActivation } from "./types.js";

type AxisKernel = (
  input: FloatArray,
  output: FloatArray,
  outer: number,
  length: number,
  inner: number,
) => void;
type AxisBackward = (
  output: FloatArray,
  gradientOutput: FloatArray,
  gradientInput: FloatArray,
  outer: number,
  length: number,
  inner: number,
) => void;

function computeAlongAxis(name: string, kernel: AxisKernel, x: TensorLike, axis: number): Tensor {
  assertTensorLike(name, x, "x");
  const resolved = normalizeAxis(name, axis, x.shape.length);
  const [outer, length, inner] = splitAroundAxis(x.shape, resolved);
  const output = allocate(x.dtype, x.data.length);
  kernel(x.data, output, outer, length, inner);
  return new Tensor(output, x.shape);
}

function axisOp(name: string, forward: AxisKernel, backward: AxisBackward, axis: number) {
  return customOp({
    name,
    forward: (x) => computeAlongAxis(name, forward, x, axis),
    backward(cotangent, output, [x]) {
      const input = x!;
      const [outer, length, inner] = splitAroundAxis(
        input.shape,
        normalizeAxis(name, axis, input.shape.length),
      );
      const gradient = allocate(input.dtype, input.data.length);
      backward(output.data, cotangent.data, gradient, outer, length, inner);
      return [new Tensor(gradient, input.shape)];
    },
  });
}

const MAX_CACHED_AXIS = 32;
const softmaxOps = new Map<number, (x: Operand) => Traced>();
const logSoftmaxOps = new Map<number, (x: Operand) => Traced>();

function cachedOp(
  cache: Map<number, (x: Operand) => Traced>,
  name: string,
  forward: AxisKernel,
  backward: AxisBackward,
  axis: number,
): (x: Operand) => Traced {
  if (!Number.isInteger(axis)) throw new ValueError(name, `axis must be an integer, got ${describe(axis)}`);
  let op = cache.get(axis);
  if (op === undefined) {
    op = axisOp(name, forward, backward, axis);
    // Axes beyond any real rank are not cached, so odd requests cannot grow the cache without bound.
    if (Math.abs(axis) <= MAX_CACHED_AXIS) cache.set(axis, op);
  }
  return op;
}

/**
 * Softmax along `axis` (default the last), differentiable: `softmax(x)ᵢ = e^{xᵢ − m} / Σⱼ e^{xⱼ − m}`
 * with `m = maxⱼ xⱼ`, so any finite input gives finite outputs that sum to 1.
 *
 * VJP `∂L/∂x = y ⊙ (g − Σⱼ gⱼ yⱼ)` (Jacobian `diag(y) − y yᵀ`). Range `(0, 1)`, each slice sums
 * to 1. The output layer of multi-class classifiers; pair it with cross-entropy, or better take
 * {@link logSoftmax} and a negative log-likelihood (no `log(0)`).
 *
 * @example
 * ```ts
 * softmax(tensor([[1, 2, 3]])).value.toArray(); // [0.0900…, 0.2447…, 0.6652…]
 * ```
 */
export function softmax(x: Operand, axis = -1): Traced {
  return cachedOp(softmaxOps, "softmax", softmaxForward, softmaxBackward, axis)(x);
}

/**
 * Log-softmax along `axis` (default the last), differentiable: `xᵢ − m − log Σⱼ e^{xⱼ − m}`.
 *
 * VJP `∂L/∂x = g − softmax(x) · Σⱼ gⱼ`. Range `(−∞, 0]`. Finite where `log(softmax(x))` would give
 * `−∞` (e.g. `[0, −1000]`); the input of a negative log-likelihood loss.
 *
 * @example
 * ```ts
 * logSoftmax(tensor([0, -1000])).value.toArray(); // [0, -1000]
 * ```
 */
export function logSoftmax(x: Operand, axis = -1): Traced {
  return cachedOp(logSoftmaxOps, "logSoftmax", logSoftmaxForward, logSoftmaxBackward, axis)(x);
}

/** Options of {@link softmaxActivation} and {@link logSoftmaxActivation}. */
export interface SoftmaxOptions {
  /** The axis the probabilities are normalized over; default `-1` (the last: classes of a `[batch, classes]` tensor). */
  readonly axis?: number;
}

/** An activation applied along an axis (softmax, log-softmax), as stored in a registry or a layer. */
export interface AxisActivation extends NamedActivation<SoftmaxOptions> {}

function axisActivation(
  name: "softmax" | "logSoftmax",
  options: SoftmaxOptions,
  apply: (x: Operand, axis: number) => Traced,
  kernel: AxisKernel,
): AxisActivation {
  checkOptionKeys(name, options, ["axis"]);
  const axis = options.axis ?? -1;
  if (!Number.isInteger(axis)) throw new ValueError(name, `axis must be an integer, got ${describe(axis)}`);
  const frozen = Object.freeze({ axis });
  return {
    name,
    options: frozen,
    apply: (x) => apply(x, axis),
    compute: (x) => computeAlongAxis(name, kernel, x, axis),
    toJSON: (): ActivationConfig => ({ name, options: frozen }),
  };
}

/**
 * {@link softmax} as a registry activation (a layer's `activation: "softmax"`).
 *
 * @example
 * ```ts
 * const output = softmaxActivation({ axis: -1 }).apply(logits);
 * ```
 */
export function softmaxActivation(options: SoftmaxOptions = {}): AxisActivation {
  return axisActivation("softmax", options, softmax, softmaxForward);
}

/**
 * {@link logSoftmax} as a registry activation.
 *
 * @example
 * ```ts
 * const logProbabilities = logSoftmaxActivation().apply(logits);
 * ```
 */
export function logSoftmaxActivation(options: SoftmaxOptions = {}): AxisActivation {
  return axisActivation("logSoftmax", options, logSoftmax, logSoftmaxForward);
}
