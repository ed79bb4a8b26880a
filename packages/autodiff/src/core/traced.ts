import type { FloatDType, Shape, Tensor as TensorLike } from "@descent/spec";
import { assertTensorLike, formatShape, scalar, Tensor, ValueError } from "@descent/tensor";

/** Anything an autodiff op accepts: a traced value, a plain tensor (a constant) or a number (a scalar constant). */
export type Operand = Traced | TensorLike | number;

/**
 * A vector-Jacobian product: given the cotangent `g = ∂L/∂output`, returns `∂L/∂input` for each
 * input (`null` for an input that needs none, e.g. a constant or a condition).
 *
 * Rules are written with the autodiff ops of this package and use only their arguments (never a
 * traced value captured from the forward pass): the engine passes plain tensors for first-order
 * gradients and traced values when the gradient is itself differentiated (grad of grad), so the
 * same rule serves both.
 */
export type BackwardRule = (
  cotangent: Traced | Tensor,
  inputs: readonly Operand[],
  output: Traced | Tensor,
  needsGradient: readonly boolean[],
) => readonly (Traced | TensorLike | null)[];

// A registered symbol, not `instanceof`, so two installed copies of this package recognise each other's values.
const tracedBrand: unique symbol = Symbol.for("@descent/autodiff/Traced") as never;

/**
 * A tensor value on the computation graph: the result of an autodiff op, together with how it was
 * computed, so {@link valueAndGrad} can run backpropagation from it. The graph lives on the values
 * (no tape, no global engine); a value that does not depend on a differentiated input is a constant
 * and carries no graph.
 *
 * A `Traced` deliberately has no `data` field: passing it to a plain `@descent/tensor` op (which
 * would silently drop the gradient) is a type error. Read the numbers with `.value`.
 *
 * @example
 * ```ts
 * const { value, gradients } = valueAndGrad((x: Traced) => sum(square(x)))(tensor([1, 2]));
 * ```
 */
export class Traced {
  /** The computed tensor. */
  readonly value: Tensor;
  /** Name of the op that produced the value (`"input"` for a differentiated input, `"constant"` for a constant). */
  readonly op: string;
  /** @internal The op's operands, kept for the backward pass; `null` for inputs and constants. */
  readonly inputs: readonly Operand[] | null;
  /** @internal The op's vector-Jacobian product; `null` for inputs and constants. */
  readonly backward: BackwardRule | null;
  /** True when the value depends on an input being differentiated (false for constants). */
  readonly tracked: boolean;

  /** @internal Use the ops, {@link stopGradient} or {@link valueAndGrad} to make traced values. */
  constructor(
    value: Tensor,
    op: string,
    inputs: readonly Operand[] | null,
    backward: BackwardRule | null,
    tracked: boolean,
  ) {
    this.value = value;
    this.op = op;
    this.inputs = inputs;
    this.backward = backward;
    this.tracked = tracked;
  }

  /** Sizes of the axes. */
  get shape(): Shape {
    return this.value.shape;
  }

  /** Element type. */
  get dtype(): FloatDType {
    return this.value.dtype;
  }

  /** Number of elements. */
  get size(): number {
    return this.value.size;
  }

  /** Number of axes. */
  get rank(): number {
    return this.value.rank;
  }

  /** The single value of a one-element traced tensor (e.g. a loss). */
  item(): number {
    return this.value.item();
  }

  /** `Traced(op, shape, dtype)`. */
  toString(): string {
    return `Traced(${this.op}, shape=${formatShape(this.shape)}, dtype=${this.dtype})`;
  }
}

Object.defineProperty(Traced.prototype, tracedBrand, { value: true });

/** True when `value` is a {@link Traced} (from any installed copy of `@descent/autodiff`). */
export function isTraced(value: unknown): value is Traced {
  return (
    typeof value === "object" && value !== null && (value as { [tracedBrand]?: true })[tracedBrand] === true
  );
}

/** True when `value` is a traced value that depends on a differentiated input. */
export function isTracked(value: unknown): value is Traced {
  return isTraced(value) && value.tracked;
}

/** The numbers behind an operand: the tensor of a traced value, the operand itself otherwise. */
/**
 * Throws unless `operand` is a number, a traced value or a consistent tensor (`assertTensorLike`), naming
 * `op` and the argument: for ops that read an operand's shape or dtype before a tensor op checks it.
 *
 * @example
 * ```ts
 * assertOperand("transpose", x, "x");
 * ```
 */
export function assertOperand(op: string, operand: unknown, name: string): asserts operand is Operand {
  if (typeof operand === "number" || isTraced(operand)) return;
  assertTensorLike(op, operand, name);
}

/** Throws unless `options` is undefined or an object (the tensor op then checks its keys). */
export function assertOptionsObject(op: string, options: unknown): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValueError(
      op,
      `options is ${options === null ? "null" : Array.isArray(options) ? "an array" : typeof options}: pass an object, e.g. {}`,
    );
  }
}

export function operandValue(operand: Operand): TensorLike | number {
  return isTraced(operand) ? operand.value : operand;
}

/** The operand as a tensor, a number becoming a scalar of `dtype` (float32 by default). */
export function tensorOf(operand: Operand, dtype?: FloatDType): TensorLike {
  if (typeof operand === "number") return scalar(operand, dtype);
  return isTraced(operand) ? operand.value : operand;
}

/** The shape of an operand (`[]` for a number). */
export function shapeOf(operand: Operand): Shape {
  return typeof operand === "number" ? [] : operand.shape;
}

/** The operand as the `Tensor` class (wrapping, not copying, a structural tensor). */
export function asTensor(value: TensorLike): Tensor {
  // `instanceof` narrows to a tensor of any dtype; `value` is typed float already.
  return value instanceof Tensor ? (value as Tensor) : new Tensor(value.data, value.shape);
}

/** A traced constant: carries a value and no graph. */
export function constant(value: TensorLike): Traced {
  return new Traced(asTensor(value), "constant", null, null, false);
}

/**
 * Records the result of an op: a node with its backward rule when an operand is tracked, a
 * constant otherwise (no graph is kept for values that do not depend on a differentiated input).
 */
export function record(
  op: string,
  value: TensorLike,
  inputs: readonly Operand[],
  backward: BackwardRule,
): Traced {
  for (let i = 0; i < inputs.length; i++) {
    if (isTracked(inputs[i])) return new Traced(asTensor(value), op, inputs, backward, true);
  }
  return constant(value);
}

/**
 * The value of `x` as a constant: the same numbers, with no graph, so no gradient flows back
 * through it. `∂ stopGradient(x) / ∂x = 0`.
 *
 * @example
 * ```ts
 * // The target is treated as fixed while differentiating the prediction.
 * const loss = mean(square(sub(prediction, stopGradient(target))));
 * ```
 */
export function stopGradient(x: Operand): Traced {
  assertOperand("stopGradient", x, "x");
  return constant(tensorOf(x));
}
