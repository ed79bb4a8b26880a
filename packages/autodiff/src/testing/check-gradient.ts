import {
  assertTensorLike,
  createRandom,
  isTensorLike,
  stridesOf,
  type Tensor,
  Tensor as TensorClass,
  treeMap,
  uniform,
  ValueError,
} from "@descent/tensor";
import type { TracedOf } from "../api/types.js";
import { describe as describeValue, valueAndGrad } from "../api/value-and-grad.js";
import { argumentTree } from "../core/argument-tree.js";
import { constant, isTraced, type Operand, type Traced } from "../core/traced.js";
import { mul } from "../ops/elementwise-binary.js";
import { sum } from "../ops/reductions.js";

/** Options of {@link checkGradient}. */
export interface CheckGradientOptions {
  /** Relative finite-difference step: element `x` moves by `h = step·max(1, |x|)`. Default `1e-6`. */
  readonly step?: number;
  /** Allowed absolute error. Default `1e-6`. */
  readonly absoluteTolerance?: number;
  /** Allowed error relative to `max(|analytic|, |numeric|)`. Default `1e-5`. */
  readonly relativeTolerance?: number;
  /** Seed of the fixed random weights that reduce a non-scalar output to a scalar. Default 0. */
  readonly seed?: number;
}

/** One element's comparison in a {@link GradientCheck}. */
export interface GradientCheckElement {
  /** Which input, as a path in the input tree (`"layer1.weights"`, `"0"` for the first of a list; `""` for a lone tensor). */
  readonly path: string;
  /** Row-major index of the element in its input. */
  readonly flatIndex: number;
  /** The element's multi-index, e.g. `[1, 2]`. */
  readonly index: readonly number[];
  /** Gradient from backpropagation. */
  readonly analytic: number;
  /** Gradient from central differences. */
  readonly numeric: number;
  /** `|analytic - numeric|`. */
  readonly absoluteError: number;
  /** `|analytic - numeric| / max(|analytic|, |numeric|)` (0 when both are 0). */
  readonly relativeError: number;
}

/** Result of {@link checkGradient}. */
export interface GradientCheck {
  /** True when every element is within `absoluteTolerance + relativeTolerance·max(|analytic|, |numeric|)`. */
  readonly ok: boolean;
  /** Number of elements compared. */
  readonly checked: number;
  /** The element furthest outside (or closest to) the tolerance; `null` when there are no elements. */
  readonly worst: GradientCheckElement | null;
  /** One line for a test failure or a log: the worst element and the verdict. */
  readonly message: string;
}

/**
 * Checks the gradients backpropagation computes for `fn` against central finite differences, in
 * float64 (the inputs are cast to float64 first; `fn` should not cast them back).
 *
 * `numericᵢ = (f(x + hᵢ) - f(x - hᵢ)) / 2h`, compared element by element with `∂f/∂xᵢ`.
 *
 * `inputs` is a tensor or a tree of tensors (`fn` receives it traced). A non-scalar output is reduced
 * to `Σ wⱼ·f(x)ⱼ` with fixed random weights `wⱼ ∈ [0.5, 1.5)`, so every output element is exercised.
 * Stay away from kinks (relu at 0, ties of max): there the two sides disagree by design.
 *
 * @example
 * ```ts
 * const check = checkGradient((x) => sum(tanh(x)), tensor([0.3, -1.2]));
 * check.ok; // true
 * check.message; // "checkGradient ok: worst element input[1] …"
 * ```
 */
export function checkGradient<Input>(
  fn: (inputs: TracedOf<Input>) => Operand,
  inputs: Input,
  options: CheckGradientOptions = {},
): GradientCheck {
  const op = "checkGradient";
  if (typeof fn !== "function") {
    throw new ValueError(op, `fn is ${describeValue(fn)}: pass the function whose gradient to check`);
  }
  if (typeof options !== "object" || options === null) {
    throw new ValueError(op, `options is ${describeValue(options)}: pass an object such as { step: 1e-6 }`);
  }
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(OPTION_DEFAULTS, key)) {
      throw new ValueError(
        op,
        `options.${key} is not an option: use ${Object.keys(OPTION_DEFAULTS).join(", ")}`,
      );
    }
  }
  const step = positiveOption(op, options, "step", false);
  const absoluteTolerance = positiveOption(op, options, "absoluteTolerance", true);
  const relativeTolerance = positiveOption(op, options, "relativeTolerance", true);
  const seed = options.seed ?? 0;
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    throw new ValueError(op, `options.seed is ${describeValue(seed)}: use an integer`);
  }

  const leaves: { path: string; tensor: Tensor }[] = [];
  const tree = argumentTree(op, "inputs");
  const input64 = treeMap<Tensor, Tensor | Traced>(
    inputs as never,
    (leaf, path) => {
      const value = isTraced(leaf) ? leaf.value : leaf;
      const tensor = new TensorClass(Float64Array.from(value.data), value.shape);
      leaves.push({ path: path.join("."), tensor });
      return tensor;
    },
    tree,
  );

  let weights: Tensor | undefined;
  const scalarFunction = (x: unknown): Traced | Operand => {
    const output: unknown = fn(x as TracedOf<Input>);
    if (typeof output === "number") return output;
    if (!isTraced(output) && !isTensorLike(output)) {
      throw new ValueError(
        op,
        `the function returned ${describeValue(output)}: it must return a tensor (reduced to a scalar with fixed random weights) or a number`,
      );
    }
    if (!isTraced(output)) assertTensorLike(op, output, "the function's result");
    if (output.shape.reduce((a, b) => a * b, 1) === 1) return output;
    weights ??= uniform(createRandom(seed), output.shape, { low: 0.5, high: 1.5, dtype: "float64" });
    return sum(mul(output, weights));
  };

  const analyticTree = valueAndGrad(scalarFunction)(input64 as never).gradients as unknown;
  const analytic: Tensor[] = [];
  treeMap<number, Tensor>(analyticTree as never, (leaf) => analytic.push(leaf), tree);

  const constants = treeMap<Traced, Tensor>(input64 as never, (leaf) => constant(leaf), tree);
  const evaluate = (): number => {
    const output = scalarFunction(constants);
    return typeof output === "number" ? output : (isTraced(output) ? output.value : output).data[0]!;
  };

  let checked = 0;
  let worst: GradientCheckElement | null = null;
  let worstScore = -1;
  let ok = true;
  leaves.forEach(({ path, tensor }, leafIndex) => {
    const data = tensor.data;
    const gradient = analytic[leafIndex]!.data;
    for (let i = 0; i < data.length; i++) {
      const original = data[i]!;
      const h = step * Math.max(1, Math.abs(original));
      const plus = original + h;
      const minus = original - h;
      data[i] = plus;
      const above = evaluate();
      data[i] = minus;
      const below = evaluate();
      data[i] = original;
      const numeric = (above - below) / (plus - minus);
      const value = gradient[i]!;
      const absoluteError = Math.abs(value - numeric);
      const scale = Math.max(Math.abs(value), Math.abs(numeric));
      const relativeError = scale === 0 ? 0 : absoluteError / scale;
      const ratio = absoluteError / (absoluteTolerance + relativeTolerance * scale);
      const score = Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : ratio;
      if (score > 1) ok = false;
      checked++;
      if (score > worstScore) {
        worstScore = score;
        worst = {
          path,
          flatIndex: i,
          index: multiIndex(i, tensor.shape),
          analytic: value,
          numeric,
          absoluteError,
          relativeError,
        };
      }
    }
  });
  return { ok, checked, worst, message: describe(ok, worst, absoluteTolerance, relativeTolerance) };
}

const OPTION_DEFAULTS = { step: 1e-6, absoluteTolerance: 1e-6, relativeTolerance: 1e-5, seed: 0 };

/** `options[key]` (or its default) when it is finite and positive (or zero, when `zeroAllowed`). */
function positiveOption(
  op: string,
  options: CheckGradientOptions,
  key: "step" | "absoluteTolerance" | "relativeTolerance",
  zeroAllowed: boolean,
): number {
  const value: unknown = options[key] ?? OPTION_DEFAULTS[key];
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) {
    throw new ValueError(
      op,
      `options.${key} is ${describeValue(value)}: use a finite number ${zeroAllowed ? "≥ 0" : "> 0"}, e.g. ${OPTION_DEFAULTS[key]}`,
    );
  }
  return value;
}

function multiIndex(flatIndex: number, shape: readonly number[]): number[] {
  return stridesOf(shape).map((stride, axis) => Math.floor(flatIndex / stride) % shape[axis]!);
}

function describe(
  ok: boolean,
  worst: GradientCheckElement | null,
  absoluteTolerance: number,
  relativeTolerance: number,
): string {
  const verdict = ok ? "checkGradient ok" : "checkGradient FAILED";
  if (worst === null) return `${verdict}: no elements to check`;
  const name = `${worst.path === "" ? "input" : worst.path}[${worst.index.join(",")}]`;
  return `${verdict}: worst element ${name} (flat ${worst.flatIndex}): analytic ${worst.analytic}, numeric ${worst.numeric}, absolute error ${worst.absoluteError.toExponential(2)}, relative error ${worst.relativeError.toExponential(2)} (tolerance ${absoluteTolerance} + ${relativeTolerance}·|gradient|)`;
}
