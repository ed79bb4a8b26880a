import * as T from "@descent/tensor";
import { assertTensorLike, formatShape, type Tensor, ValueError } from "@descent/tensor";
import { argumentTree } from "../core/argument-tree.js";
import { backpropagate } from "../core/backward.js";
import { asTensor, constant, isTraced, type Operand, Traced, tensorOf } from "../core/traced.js";
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
 * @throws `ValueError` (from `@descent/tensor`) when `fn` is not a function, an option is unknown, the function returns anything
 *   but a one-element tensor or a number (naming what it returned), or an argument leaf is not a tensor (or the
 *   argument tree has a cycle or is deeper than `MAX_TREE_DEPTH`).
 */
export function valueAndGrad<Params extends readonly unknown[], const N extends Argnums = 0>(
  fn: (...args: Params) => Operand,
  options: GradientOptions<N> = {},
): <const Args extends ArgumentsOf<Params, N>>(
  ...args: Args
) => ValueAndGradients<ValueOf<Args, N>, GradientsOf<Args, N>> {
  const op = "valueAndGrad";
  if (typeof fn !== "function") {
    throw new ValueError(
      op,
      `fn is ${describe(fn)}: pass the function to differentiate, e.g. valueAndGrad((x) => sum(square(x)))`,
    );
  }
  const argnums = readArgnums(op, options);
  const selected = typeof argnums === "number" ? [argnums] : [...argnums];
  return ((...args: unknown[]) => {
    checkArgnums(selected, args.length);
    const leaves: Traced[] = [];
    let nested = false;
    const tracedArgs = [...args];
    // Each argument is walked (and checked) once: the gradients are rebuilt from its structure.
    const walked: { structure: T.TreeStructure; count: number }[] = [];
    for (const argnum of selected) {
      const flat = T.treeFlatten<Tensor | Traced>(
        args[argnum] as never,
        argumentTree("valueAndGrad", selected.length > 1 ? `argument ${argnum}` : "the argument"),
      );
      const traced = flat.leaves.map((leaf) => {
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
      });
      walked.push({ structure: flat.structure, count: traced.length });
      tracedArgs[argnum] = T.treeUnflatten(flat.structure, traced);
    }

    const returned: unknown = fn(...(tracedArgs as unknown as Params));
    const output = scalarOutput(op, returned);
    const computed = output.tracked ? backpropagate("valueAndGrad", output, leaves, nested) : [];

    const gradients = leaves.map((leaf, index): Tensor | Traced => {
      const gradient = computed[index];
      if (gradient !== undefined) return gradient;
      const zeros = T.zerosLike(leaf.value);
      return nested ? constant(zeros) : zeros;
    });
    let start = 0;
    const gradientTrees = walked.map(({ structure, count }) => {
      const tree = T.treeUnflatten(structure, gradients.slice(start, start + count));
      start += count;
      return tree;
    });
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

/** `options.argnums` after validation (a number or an array of numbers; the indices are checked per call). */
function readArgnums(op: string, options: unknown): number | readonly number[] {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValueError(op, `options is ${describe(options)}: pass an object such as { argnums: 0 }`);
  }
  for (const key of Object.keys(options)) {
    if (key !== "argnums") {
      throw new ValueError(op, `options.${key} is not an option: the only option is argnums`);
    }
  }
  const argnums: unknown = (options as { argnums?: unknown }).argnums ?? 0;
  if (typeof argnums === "number") return argnums;
  if (Array.isArray(argnums) && argnums.length > 0 && argnums.every((entry) => typeof entry === "number")) {
    return argnums as readonly number[];
  }
  throw new ValueError(
    op,
    `options.argnums is ${describe(argnums)}: use an argument index or a non-empty array of them, e.g. 0 or [0, 1]`,
  );
}

/**
 * What the differentiated function returned, as a traced one-element value; a `ValueError` (from `@descent/tensor`) that says
 * what came back and what to return instead, for anything else (undefined, a string, a vector, …).
 */
function scalarOutput(op: string, returned: unknown): Traced {
  let output: Traced;
  if (isTraced(returned)) output = returned;
  else if (typeof returned === "number") output = constant(tensorOf(returned));
  else if (T.isTensorLike(returned)) {
    assertTensorLike(op, returned, "the function's result");
    output = constant(returned);
  } else {
    throw new ValueError(
      op,
      `the function returned ${describe(returned)}: it must return a scalar (a one-element tensor, or a number), e.g. \`return mean(square(sub(prediction, target)))\``,
    );
  }
  if (output.size !== 1) {
    throw new ValueError(
      op,
      `the function returned a tensor of shape ${formatShape(output.shape)} (${output.size} elements) but it must return a scalar: reduce it, e.g. with sum(...) or mean(...)`,
    );
  }
  return output;
}

/** A short description of any value for an error message. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol" || typeof value === "bigint") return `a ${typeof value}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") {
    if (typeof (value as { then?: unknown }).then === "function")
      return "a Promise (the function must be synchronous)";
    return `an object with keys [${Object.keys(value).slice(0, 8).join(", ")}]`;
  }
  return `${typeof value} ${String(value)}`;
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
