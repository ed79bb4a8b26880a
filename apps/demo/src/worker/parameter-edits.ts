import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";

/** A weight edited by hand: dense layer `layer` (input side first), from neuron `from` to neuron `to`. */
export interface WeightEdit {
  readonly layer: number;
  readonly from: number;
  readonly to: number;
  readonly value: number;
}

/** A bias edited by hand: neuron `unit` of dense layer `layer`. */
export interface BiasEdit {
  readonly layer: number;
  readonly unit: number;
  readonly value: number;
}

/**
 * The parameters with one weight replaced: `W[from, to] = value` in dense layer `layer` (weights are
 * `[inputs, outputs]`). Every index and the value are checked; the other tensors are shared, not copied.
 *
 * @example
 * withWeight(params, ["dense_1", "dense_2"], { layer: 0, from: 1, to: 3, value: -0.5 })
 */
export function withWeight(params: ParamTree, denseNames: readonly string[], edit: WeightEdit): ParamTree {
  const op = "setWeight";
  const { name, dense } = denseLayer(op, params, denseNames, edit.layer);
  const weights = dense.weights as TensorLike;
  const [inputs, outputs] = [weights.shape[0]!, weights.shape[1]!];
  checkIndex(op, "from", edit.from, inputs, `the ${inputs} neurons of the column before`);
  checkIndex(op, "to", edit.to, outputs, `the ${outputs} neurons of layer ${edit.layer}`);
  checkValue(op, edit.value, weights);
  return replaced(params, name, dense, "weights", weights, edit.from * outputs + edit.to, edit.value);
}

/**
 * The parameters with one bias replaced: `b[unit] = value` in dense layer `layer`.
 *
 * @example
 * withBias(params, ["dense_1", "dense_2"], { layer: 0, unit: 0, value: -100 })
 */
export function withBias(params: ParamTree, denseNames: readonly string[], edit: BiasEdit): ParamTree {
  const op = "setBias";
  const { name, dense } = denseLayer(op, params, denseNames, edit.layer);
  const bias = dense.bias as TensorLike;
  checkIndex(
    op,
    "unit",
    edit.unit,
    bias.data.length,
    `the ${bias.data.length} neurons of layer ${edit.layer}`,
  );
  checkValue(op, edit.value, bias);
  return replaced(params, name, dense, "bias", bias, edit.unit, edit.value);
}

function denseLayer(
  op: string,
  params: ParamTree,
  denseNames: readonly string[],
  layer: number,
): { name: string; dense: ParamTree } {
  checkIndex(op, "layer", layer, denseNames.length, "the dense layers, input side first");
  const name = denseNames[layer]!;
  return { name, dense: params[name] as ParamTree };
}

function checkIndex(op: string, argument: string, value: number, count: number, what: string): void {
  if (!(Number.isInteger(value) && value >= 0 && value < count)) {
    throw new ValueError(op, `${argument} ${String(value)}: use an integer from 0 to ${count - 1} (${what})`);
  }
}

function checkValue(op: string, value: number, tensor: TensorLike): void {
  const stored = tensor.data instanceof Float32Array ? Math.fround(value) : value;
  if (!(typeof value === "number" && Number.isFinite(stored))) {
    throw new ValueError(
      op,
      `value ${String(value)}: use a finite number${tensor.data instanceof Float32Array ? " below 3.4e38 in magnitude (the weights are float32)" : ""}`,
    );
  }
}

function replaced(
  params: ParamTree,
  layerName: string,
  dense: ParamTree,
  key: "weights" | "bias",
  tensor: TensorLike,
  index: number,
  value: number,
): ParamTree {
  const data = tensor.data.slice();
  data[index] = value;
  return { ...params, [layerName]: { ...dense, [key]: new Tensor(data, tensor.shape) } };
}
