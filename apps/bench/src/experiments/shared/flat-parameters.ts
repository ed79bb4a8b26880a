import { isTraced, type Operand, valueAndGrad } from "@descent/autodiff";
import { flattenTree, type LossFunction, type Model, type TrainingData, unflattenTree } from "@descent/nn";
import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "@descent/tensor";

/** A network's loss as a function of one flat vector, for `minimize` (L-BFGS, CMA-ES, Nelder–Mead). */
export interface FlatObjective {
  /** Number of parameters n. */
  readonly size: number;
  /** The starting parameters as one Float64Array, leaves in tree order. */
  readonly initial: Float64Array;
  /** `{ value, gradient }` of the loss on all of `data` (full batch, one backward pass). */
  readonly valueAndGradient: (x: Float64Array) => { value: number; gradient: Float64Array };
  /** The loss on all of `data`, forward pass only (for derivative-free methods). */
  readonly value: (x: Float64Array) => number;
  /** The parameter tree for a flat vector (in the starting parameters' dtypes). */
  readonly toTree: (x: Float64Array) => ParamTree;
  /** Objective evaluations so far, and the seconds spent in them. */
  readonly evaluations: { count: number; seconds: number };
}

/**
 * Turns `loss(model(params, data.inputs), data.targets)` into a function of one flat vector x, so that
 * vector optimizers can train a network: `x = concat(leaves of params)` in `flattenTree` order.
 *
 * `f(x) = loss(model(unflatten(x), X), y)`, `∇f(x) = flatten(∂loss/∂params)`
 *
 * @example
 * const objective = flatObjective(model, model.init(1), train, softmaxCrossEntropyFromLogits);
 * minimize(objective.valueAndGradient, objective.initial, { method: "lbfgs" });
 */
export function flatObjective(
  model: Model,
  params: ParamTree,
  data: TrainingData,
  loss: LossFunction,
): FlatObjective {
  const leaves = flattenTree(params);
  const layout = leaves.map(([path, tensor]) => ({
    path,
    shape: tensor.shape,
    dtype: tensor.dtype,
    length: tensor.data.length,
  }));
  const size = layout.reduce((total, leaf) => total + leaf.length, 0);
  const initial = new Float64Array(size);
  let offset = 0;
  for (const [, tensor] of leaves) {
    initial.set(tensor.data, offset);
    offset += tensor.data.length;
  }
  const toTree = (x: Float64Array): ParamTree => {
    let start = 0;
    const entries: [string, TensorLike][] = layout.map((leaf) => {
      const slice = x.subarray(start, start + leaf.length);
      start += leaf.length;
      const data = leaf.dtype === "float64" ? Float64Array.from(slice) : Float32Array.from(slice);
      return [leaf.path, new Tensor(data, leaf.shape)];
    });
    return unflattenTree(entries);
  };
  const evaluations = { count: 0, seconds: 0 };
  const differentiate = valueAndGrad((tree: ParamTree) =>
    loss(model.apply(tree, data.inputs, { training: true }), data.targets),
  );
  const valueAndGradient = (x: Float64Array) => {
    const started = performance.now();
    const { value, gradients } = differentiate(toTree(x));
    const gradient = new Float64Array(size);
    let position = 0;
    for (const [, tensor] of flattenTree(gradients as ParamTree)) {
      gradient.set(tensor.data, position);
      position += tensor.data.length;
    }
    evaluations.count++;
    evaluations.seconds += (performance.now() - started) / 1000;
    return { value: scalarOf(value), gradient };
  };
  const value = (x: Float64Array) => {
    const started = performance.now();
    const output = loss(model.apply(toTree(x), data.inputs, { training: false }), data.targets);
    const result = scalarOf(output);
    evaluations.count++;
    evaluations.seconds += (performance.now() - started) / 1000;
    return result;
  };
  return { size, initial, valueAndGradient, value, toTree, evaluations };
}

function scalarOf(output: Operand): number {
  if (typeof output === "number") return output;
  return isTraced(output) ? output.value.data[0]! : output.data[0]!;
}
