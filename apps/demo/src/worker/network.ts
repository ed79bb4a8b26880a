import { getActivation, type RegisteredActivation } from "@descent/activations";
import type { Operand, Traced } from "@descent/autodiff";
import {
  activation,
  dense,
  dropout,
  initializers,
  type Layer,
  type Model,
  type Params,
  sequential,
} from "@descent/nn";
import type { RandomGenerator } from "@descent/spec";
import type { AppState } from "../state/app-state.js";
import type { InitializerName } from "../state/choices.js";

/** A model for the playground and where to read each column of the picture from. */
export interface Network {
  readonly model: Model;
  /** Index in `model.layers` of the layer whose output is each hidden column, then of the output layer. */
  readonly columnLayers: readonly number[];
  /** Parameter-tree names of the dense layers, input side first. */
  readonly denseNames: readonly string[];
}

/** Options of one pass through the network. */
export interface PassOptions {
  readonly training: boolean;
  readonly random?: RandomGenerator;
  /** Receives the output of every layer, by index in `model.layers`. */
  readonly record?: (layerIndex: number, output: Traced) => void;
}

/**
 * `features → [dense → activation (→ dropout)] × hidden → dense(1)`: one output, a logit to classify
 * or a value to regress.
 */
export function buildNetwork(
  state: Pick<AppState, "hiddenLayers" | "activation" | "reluSubgradient" | "initializer">,
  inputSize: number,
  dropoutRate: number,
): Network {
  const layers: Layer[] = [];
  const columnLayers: number[] = [];
  const weightsInitializer = initializerOf(state.initializer);
  let width = inputSize;
  for (const size of state.hiddenLayers) {
    layers.push(dense(width, size, { weightsInitializer }));
    layers.push(activationLayer(state));
    columnLayers.push(layers.length - 1);
    if (dropoutRate > 0) layers.push(dropout(dropoutRate));
    width = size;
  }
  layers.push(dense(width, 1, { weightsInitializer }));
  columnLayers.push(layers.length - 1);
  const model = sequential(layers);
  const denseNames = model.layerNames.filter((_, index) => layers[index]!.type === "dense");
  return { model, columnLayers, denseNames };
}

/** Runs the layers one by one (as `sequential` does), so every intermediate output can be read. */
export function runNetwork(network: Network, params: Params, input: Operand, options: PassOptions): Traced {
  const { layers, layerNames } = network.model;
  let output: Operand = input;
  for (let i = 0; i < layers.length; i++) {
    const layerParams = (params[layerNames[i]!] ?? {}) as Params;
    const result = layers[i]!.apply(layerParams, output, {
      training: options.training,
      random: options.random,
    });
    options.record?.(i, result);
    output = result;
  }
  return output as Traced;
}

function activationLayer(state: Pick<AppState, "activation" | "reluSubgradient">): Layer {
  const fn: RegisteredActivation =
    state.activation === "relu"
      ? getActivation("relu", { subgradientAtZero: state.reluSubgradient })
      : getActivation(state.activation);
  if ("forward" in fn) return activation(fn);
  // softmax and logSoftmax act across the neurons of a layer, so they are not element-wise layers.
  return {
    type: "activation",
    name: undefined,
    hasParams: false,
    hasState: false,
    config: { type: "activation", activation: fn.toJSON() },
    init: () => ({}),
    initState: () => ({}),
    apply: (_params, input) => fn.apply(input),
    outputShape: (inputShape) => [...inputShape],
  };
}

function initializerOf(name: InitializerName): initializers.Initializer {
  switch (name) {
    case "glorotUniform":
      return initializers.glorotUniform();
    case "glorotNormal":
      return initializers.glorotNormal();
    case "heUniform":
      return initializers.heUniform();
    case "heNormal":
      return initializers.heNormal();
    case "lecunUniform":
      return initializers.lecunUniform();
    case "lecunNormal":
      return initializers.lecunNormal();
    case "orthogonal":
      return initializers.orthogonal();
    case "truncatedNormal":
      return initializers.truncatedNormal({ std: 0.5 });
    case "normal":
      return initializers.normal({ std: 0.5 });
    case "uniform":
      return initializers.uniform({ low: -0.5, high: 0.5 });
    case "zeros":
      return initializers.zeros();
  }
}
