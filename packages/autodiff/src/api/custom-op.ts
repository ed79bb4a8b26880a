import type { Tensor as TensorLike } from "@descent/spec";
import { assertTensorLike, resultDType, type Tensor, ValueError } from "@descent/tensor";
import {
  assertOperand,
  asTensor,
  isTraced,
  type Operand,
  record,
  type Traced,
  tensorOf,
} from "../core/traced.js";

/** An op defined by a forward on tensors and its vector-Jacobian product: see {@link customOp}. */
export interface CustomOpDefinition {
  /** Names the op in graphs and error messages, e.g. `"denseRelu"`. */
  readonly name: string;
  /** Computes the output from the input tensors (numbers arrive as scalar tensors). */
  forward(...inputs: Tensor[]): TensorLike;
  /**
   * `∂L/∂inputᵢ` for each input, given `cotangent = ∂L/∂output`, the output and the inputs: one
   * gradient per input, with that input's shape. `needsGradient[i]` is false for an input whose
   * gradient is not wanted (a constant, e.g. a data batch): return `null` there and skip the work.
   */
  backward(
    cotangent: Tensor,
    output: Tensor,
    inputs: readonly Tensor[],
    needsGradient: readonly boolean[],
  ): readonly (TensorLike | null)[];
}

/**
 * Defines a differentiable op from a forward on plain tensors and a hand-written VJP: the way to
 * add a fused kernel (dense + bias + activation, softmax + cross-entropy) whose backward is faster
 * than the chain of its parts. The backward's gradients are checked against the inputs' shapes,
 * naming the op on a mismatch; check the formula itself with `checkGradient`.
 *
 * First-order: the backward runs on plain tensors, so a gradient through a custom op cannot be
 * differentiated again (doing so throws a `ValueError` naming the op).
 *
 * `op(x₁…xₙ) = forward(x₁…xₙ)`, `∂L/∂xᵢ = backward(∂L/∂y, y, [x₁…xₙ], needsGradient)[i]`
 *
 * @example
 * ```ts
 * const cube = customOp({
 *   name: "cube",
 *   forward: (x) => T.pow(x, 3),
 *   backward: (g, _y, [x]) => [T.mul(g, T.mul(T.square(x), 3))],
 * });
 * grad((x: Traced) => sum(cube(x)))(tensor([2])).toArray(); // [12]
 * ```
 */
export function customOp(definition: CustomOpDefinition): (...inputs: Operand[]) => Traced {
  assertDefinition(definition);
  const { name } = definition;
  return (...operands) => {
    for (let i = 0; i < operands.length; i++) assertOperand(name, operands[i], `input ${i}`);
    const dtypes = operands.flatMap((operand) => (typeof operand === "number" ? [] : [operand.dtype]));
    const dtype = resultDType(...dtypes);
    const tensors = operands.map((operand) => asTensor(tensorOf(operand, dtype)));
    const forward: unknown = definition.forward(...tensors);
    assertTensorLike(name, forward, "the forward's result");
    const output = asTensor(forward);
    return record(name, output, operands, (g, inputs, y, needsGradient) => {
      const plainInputs = inputs.map((input) => asTensor(tensorOf(input, dtype)));
      const gradients = definition.backward(
        asTensor(tensorOf(g)),
        asTensor(tensorOf(y)),
        plainInputs,
        needsGradient,
      );
      assertGradients(name, gradients, plainInputs.length);
      if (!isTraced(g)) return gradients;
      // Traced (grad of grad): the gradients are correct values but constants of this backward;
      // mark them so differentiating them again fails loudly instead of returning wrong zeros.
      return gradients.map((gradient) =>
        gradient === null
          ? null
          : record(`${name} (backward)`, gradient, [g, ...inputs], notTwiceDifferentiable(name)),
      );
    });
  };
}

function notTwiceDifferentiable(name: string): () => never {
  return () => {
    throw new ValueError(
      name,
      "a customOp is first-order: its gradient cannot be differentiated again; build the op from differentiable ops (or give it a backward written with them) for higher derivatives",
    );
  };
}

function assertDefinition(definition: unknown): asserts definition is CustomOpDefinition {
  const candidate = definition as Partial<CustomOpDefinition> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.name !== "string" ||
    candidate.name.length === 0 ||
    typeof candidate.forward !== "function" ||
    typeof candidate.backward !== "function"
  ) {
    throw new ValueError(
      "customOp",
      "definition must be an object with a non-empty string name and forward and backward functions",
    );
  }
}

/** Throws unless `backward` returned an array whose entries are tensors or null. */
function assertGradients(name: string, gradients: unknown, inputs: number): void {
  if (!Array.isArray(gradients)) {
    throw new ValueError(
      name,
      `the backward returned ${gradients === null ? "null" : typeof gradients} for ${inputs} input(s): return an array of one gradient (or null) per input`,
    );
  }
  // A wrong count is reported by backpropagation, as for every rule.
  for (let i = 0; i < Math.min(inputs, gradients.length); i++) {
    if (gradients[i] !== null && !isTraced(gradients[i]))
      assertTensorLike(name, gradients[i], `the backward's gradient ${i}`);
  }
}
