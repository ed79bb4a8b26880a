import { customOp, type Operand, type Traced } from "@descent/autodiff";
import type { Activation } from "@descent/spec";
import { allocate, Tensor, ValueError } from "@descent/tensor";
import { describe } from "./options.js";

const ops = new WeakMap<Activation, (x: Operand) => Traced>();

/**
 * Applies any element-wise {@link Activation} (descent's or your own) inside autodiff: a `customOp`
 * whose forward is `activation.forward` and whose VJP is `activation.backward`, so both passes run
 * the activation's typed-array loops instead of a chain of generic ops.
 *
 * `y = f(x)` element-wise; `∂L/∂x = ∂L/∂y ⊙ f'(x)` (at a kink, the activation's documented subgradient).
 * First-order: the gradient cannot be differentiated again.
 *
 * @example
 * ```ts
 * const { gradients } = valueAndGrad((x: Traced) => sum(applyActivation(relu(), x)))(tensor([-1, 0, 2]));
 * gradients.toArray(); // [0, 0, 1]
 * ```
 */
export function applyActivation(activation: Activation, x: Operand): Traced {
  const candidate = activation as Partial<Activation> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.name !== "string" ||
    typeof candidate.forward !== "function" ||
    typeof candidate.backward !== "function"
  ) {
    throw new ValueError(
      "applyActivation",
      `activation is ${describe(activation)}: pass an activation such as relu() (an object with name, forward and backward)`,
    );
  }
  let op = ops.get(activation);
  if (op === undefined) {
    op = activationOp(activation);
    ops.set(activation, op);
  }
  return op(x);
}

function activationOp(activation: Activation): (x: Operand) => Traced {
  return customOp({
    name: activation.name,
    forward(x) {
      const output = allocate(x.dtype, x.data.length);
      activation.forward(x.data, output);
      return new Tensor(output, x.shape);
    },
    backward(cotangent, output, [x]) {
      const input = x!;
      const gradient = allocate(input.dtype, input.data.length);
      activation.backward(input.data, output.data, cotangent.data, gradient);
      return [new Tensor(gradient, input.shape)];
    },
  });
}
