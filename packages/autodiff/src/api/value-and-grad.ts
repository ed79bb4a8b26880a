import * as T from "@descent/tensor";
import { formatShape, ValueError } from "@descent/tensor";
import { backpropagate } from "../core/backward.js";
import { asTensor, constant, isTraced, type Operand, Traced, tensorOf } from "../core/traced.js";
import { mapTree } from "../core/tree.js";
import type {
  Argnums,
  ArgumentsOf,
  GradientOptions,
  GradientsOf,
  ValueAndGradients,
  ValueOf,
} from "./types.js";

/**
 * Turns a scalar function into one that returns its value and its gradients, by reverse-mode
 * differentiation (backpropagation).
 *
 * `valueAndGrad(f)(x) = { value: f(x), gradients: ∂f/∂x }`
 *
 * - The differentiated argument (`argnums`, default 0) is a tensor or a tree of tensors (a
 *   `ParamTree`, arrays allowed); the gradients come back keyed and nested like it. With a list of
 *   argnums, the gradients are a tuple.
 * - Other arguments, and tensors or numbers the function closes over, are constants.
 * - `f` must return a one-element tensor (reduce with `sum` or `mean`). If it does not depend on an
 *   input, that input's gradient is zeros.
 * - Gradients have their input's dtype.
 * - Nested: when a differentiated argument is itself a traced value (inside another `valueAndGrad`),
 *   the value and gradients are traced, so they can be differentiated again (grad of grad).
 *
 * @example
 * ```ts
 * const loss = (params: TracedOf<typeof params>, x: Tensor, y: Tensor) =>
 *   mean(square(sub(add(matmul(x, params.weights), params.bias), y)));
 * const { value, gradients } = valueAndGrad(loss)(params, x, y);
 * gradients.weights; // a Tensor shaped like params.weights
 * ```
 * @throws {@link ValueError} when the function returns more than one element, or an argument leaf is not a tensor.
 */
export function valueAndGrad<Params extends readonly unknown[], const N extends Argnums = 0>(
  fn: (...args: Params) => Operand,
  options: GradientOptions<N> = {},
): <const Args extends ArgumentsOf<Params, N>>(
  ...args: Args
) => ValueAndGradients<ValueOf<Args, N>, GradientsOf<Args, N>> {
  const argnums = options.argnums ?? 0;
  const selected = typeof argnums === "number" ? [argnums] : [...(argnums as readonly number[])];
  return ((...args: unknown[]) => {
    checkArgnums(selected, args.length);
    const leaves: Traced[] = [];
    let nested = false;
    const tracedArgs = [...args];
    for (const argnum of selected) {
      tracedArgs[argnum] = mapTree(
        "valueAndGrad",
        args[argnum],
        (leaf) => {
          let node: Traced;
          if (isTraced(leaf)) {
            nested = true;
            // A fresh leaf on top of the enclosing computation: this differentiation stops at it,
            // while the enclosing one sees through it to the value it wraps.
            node = new Traced(leaf.value, "input", [leaf], (g) => [g], true);
          } else {
            node = new Traced(asTensor(leaf), "input", null, null, true);
          }
          leaves.push(node);
          return node;
        },
        selected.length > 1 ? `[${argnum}]` : "",
      );
    }

    const returned = fn(...(tracedArgs as unknown as Params));
    const output = isTraced(returned) ? returned : constant(tensorOf(returned));
    if (output.size !== 1) {
      throw new ValueError(
        "valueAndGrad",
        `the function returned a tensor of shape ${formatShape(output.shape)} (${output.size} elements) but it must return a scalar: reduce it, e.g. with sum(...) or mean(...)`,
      );
    }
    const computed = output.tracked ? backpropagate("valueAndGrad", output, leaves, nested) : [];

    let index = 0;
    const gradientTrees = selected.map((argnum) =>
      mapTree("valueAndGrad", tracedArgs[argnum], () => {
        const leaf = leaves[index]!;
        const gradient = computed[index++];
        if (gradient !== undefined) return gradient;
        const zeros = T.zerosLike(leaf.value);
        return nested ? constant(zeros) : zeros;
      }),
    );
    return {
      value: nested ? output : output.value,
      gradients: typeof argnums === "number" ? gradientTrees[0] : gradientTrees,
    };
  }) as never;
}

/**
 * The gradient function of a scalar function: `grad(f)(x) = ∂f/∂x`, keyed like `x`. Same rules and
 * options as {@link valueAndGrad}, which also returns the value.
 *
 * @example
 * ```ts
 * const slope = grad((x: Traced) => sum(pow(x, 3)));
 * slope(tensor([2])).toArray(); // [12]
 * // grad of grad: d²/dx² x³ = 6x
 * grad((x: Traced) => sum(grad((y: Traced) => sum(pow(y, 3)))(x)))(tensor([2])).toArray(); // [12]
 * ```
 */
export function grad<Params extends readonly unknown[], const N extends Argnums = 0>(
  fn: (...args: Params) => Operand,
  options: GradientOptions<N> = {},
): <const Args extends ArgumentsOf<Params, N>>(...args: Args) => GradientsOf<Args, N> {
  const both = valueAndGrad(fn, options);
  return ((...args: ArgumentsOf<Params, N>) => both(...args).gradients) as never;
}

function checkArgnums(selected: readonly number[], count: number): void {
  const seen = new Set<number>();
  for (const argnum of selected) {
    if (!Number.isInteger(argnum) || argnum < 0 || argnum >= count || seen.has(argnum)) {
      throw new ValueError(
        "valueAndGrad",
        `argnums ${JSON.stringify(selected)} does not fit the ${count} argument(s) passed: use distinct indices in [0, ${count - 1}]`,
      );
    }
    seen.add(argnum);
  }
}
