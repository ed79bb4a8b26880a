import { customOp, type Operand, type Traced } from "@descent/autodiff";
import type { Activation } from "@descent/spec";
import { allocate, Tensor, ValueError } from "@descent/tensor";
import type { Layer } from "./types.js";

/** An activation that can describe itself for saved models (every activation of `@descent/activations` can). */
interface SerializableActivation extends Activation {
  toJSON?(): { readonly name: string; readonly options: Readonly<Record<string, unknown>> };
}

const cache = new WeakMap<Activation, (x: Operand) => Traced>();

/**
 * The differentiable op `y = f(x)` element-wise for any {@link Activation}: forward and backward run the
 * activation's vectorized kernels, so its subgradient policy at kinks (relu'(0), …) is the one used.
 *
 * @example
 * const y = activate(relu({ subgradientAtZero: 0.5 }), x);
 */
export function activate(activation: Activation, x: Operand): Traced {
  let op = cache.get(activation);
  if (op === undefined) {
    op = customOp({
      name: activation.name,
      forward(input) {
        const output = allocate(input!.dtype, input!.data.length);
        activation.forward(input!.data, output);
        return new Tensor(output, input!.shape);
      },
      backward(cotangent, output, [input]) {
        const gradient = allocate(cotangent.dtype, cotangent.data.length);
        activation.backward(input!.data, output.data, cotangent.data, gradient);
        return [new Tensor(gradient, input!.shape)];
      },
    });
    cache.set(activation, op);
  }
  return op(x);
}

/**
 * A layer applying an element-wise activation, e.g. `activation(relu())` or
 * `activation(leakyRelu({ alpha: 0.2 }))` (any {@link Activation}: those of `@descent/activations` or your
 * own). No parameters.
 *
 * @example
 * sequential([dense(784, 128), activation(relu()), dense(128, 10)])
 */
export function activation(fn: Activation, options: { readonly name?: string } = {}): Layer {
  if (typeof fn?.forward !== "function" || typeof fn.backward !== "function") {
    throw new ValueError(
      "activation",
      "expected an Activation (name, value, derivative, forward, backward), e.g. relu() from @descent/activations",
    );
  }
  const described = (fn as SerializableActivation).toJSON?.() ?? { name: fn.name, options: {} };
  return {
    type: "activation",
    name: options.name,
    hasParams: false,
    hasState: false,
    config: { type: "activation", name: options.name, activation: described },
    init: () => ({}),
    initState: () => ({}),
    apply: (_params, input) => activate(fn, input),
    outputShape: (inputShape) => [...inputShape],
  };
}
