import { valueAndGrad } from "@descent/autodiff";
import { flattenTree, type LossFunction, type Model, type TrainingData, unflattenTree } from "@descent/nn";
import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "@descent/tensor";

/** A network's full-batch loss and its backpropagated gradient as functions of one float64 vector. */
export interface FlatLoss {
  readonly initial: Float64Array;
  readonly toTree: (x: Float64Array) => ParamTree;
  readonly valueAndGradient: (x: Float64Array) => { value: number; gradient: Float64Array };
}

/**
 * `f(x) = loss(model(unflatten(x), X), y)` and `∇f(x) = flatten(∂f/∂params)` from one backward pass
 * (`valueAndGrad`), leaves in `flattenTree` order, for the vector optimizers of `minimize`.
 *
 * @example minimize(flat.valueAndGradient, flat.initial, { method: "lbfgs" })
 */
export function flatLoss(model: Model, params: ParamTree, data: TrainingData, loss: LossFunction): FlatLoss {
  const layout = flattenTree(params).map(([path, tensor]) => ({
    path,
    shape: tensor.shape,
    length: tensor.data.length,
  }));
  const size = layout.reduce((total, leaf) => total + leaf.length, 0);
  const initial = new Float64Array(size);
  let offset = 0;
  for (const [, tensor] of flattenTree(params)) {
    initial.set(tensor.data, offset);
    offset += tensor.data.length;
  }
  const toTree = (x: Float64Array): ParamTree => {
    let start = 0;
    return unflattenTree(
      layout.map((leaf) => {
        const tensor: TensorLike = new Tensor(x.slice(start, start + leaf.length), leaf.shape);
        start += leaf.length;
        return [leaf.path, tensor] as const;
      }),
    );
  };
  const objective = valueAndGrad((p: ParamTree) => loss(model.apply(p, data.inputs), data.targets));
  const valueAndGradient = (x: Float64Array) => {
    const { value, gradients } = objective(toTree(x));
    const gradient = new Float64Array(size);
    let position = 0;
    for (const [, tensor] of flattenTree(gradients as ParamTree)) {
      gradient.set(tensor.data, position);
      position += tensor.data.length;
    }
    return { value: (value as unknown as TensorLike).data[0]!, gradient };
  };
  return { initial, toTree, valueAndGradient };
}
