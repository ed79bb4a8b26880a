import { getActivation } from "@descent/activations";
import { ValueError } from "@descent/tensor";
import { activation } from "./activation.js";
import { conv2d, maxPool2d } from "./convolution.js";
import { dense } from "./dense.js";
import type { Padding } from "./kernels/windows.js";
import { batchNorm, layerNorm } from "./normalization.js";
import { type Model, sequential } from "./sequential.js";
import { dropout, flatten, softmax } from "./simple.js";
import type { Layer, LayerConfig } from "./types.js";

/** Builds a layer of a custom type from its config, for {@link layerFromConfig}. */
export type LayerFactory = (config: LayerConfig, build: (config: LayerConfig) => Layer) => Layer;

type Config = LayerConfig & Record<string, never>;

const factories: Record<string, LayerFactory> = {
  dense: (c) =>
    dense(c.inputSize as number, c.outputSize as number, { useBias: c.useBias as boolean, name: c.name }),
  activation: (c) => {
    const described = c.activation as { name: string; options?: Record<string, unknown> };
    return activation(getActivation(described.name, described.options ?? {}) as never, { name: c.name });
  },
  flatten: (c) => flatten({ name: c.name }),
  dropout: (c) => dropout(c.rate as number, { name: c.name }),
  softmax: (c) => softmax({ name: c.name }),
  batchNorm: (c) =>
    batchNorm(c.features as number, {
      epsilon: c.epsilon as number,
      momentum: c.momentum as number,
      name: c.name,
    }),
  layerNorm: (c) => layerNorm(c.features as number, { epsilon: c.epsilon as number, name: c.name }),
  conv2d: (c) =>
    conv2d(c.inChannels as number, c.outChannels as number, c.kernelSize as [number, number], {
      strides: c.strides as [number, number],
      padding: c.padding as Padding,
      useBias: c.useBias as boolean,
      name: c.name,
    }),
  maxPool2d: (c) =>
    maxPool2d(c.poolSize as [number, number], {
      strides: c.strides as [number, number],
      padding: c.padding as Padding,
      name: c.name,
    }),
  sequential: (c, build) => sequential((c.layers as LayerConfig[]).map(build), { name: c.name }),
};

/**
 * Rebuilds a layer (or a whole model) from its `config`, e.g. the `architecture` of a saved model.
 * Custom layer types are built by `custom[type]`. Initializers are not part of a config (a loaded model
 * takes its weights from the file).
 *
 * @example
 * const model = layerFromConfig(loaded.architecture);
 */
export function layerFromConfig(
  config: LayerConfig,
  custom: Readonly<Record<string, LayerFactory>> = {},
): Layer {
  const build = (entry: LayerConfig): Layer => {
    if (typeof entry !== "object" || entry === null || typeof entry.type !== "string") {
      throw new ValueError(
        "layerFromConfig",
        `expected a layer config { type, … }, got ${JSON.stringify(entry)}`,
      );
    }
    const factory = Object.hasOwn(custom, entry.type)
      ? custom[entry.type]
      : Object.hasOwn(factories, entry.type)
        ? factories[entry.type]
        : undefined;
    if (factory === undefined) {
      throw new ValueError(
        "layerFromConfig",
        `unknown layer type "${entry.type}": built-in types are ${Object.keys(factories).join(", ")}; pass a factory for custom layers`,
      );
    }
    return factory(entry as Config, build);
  };
  return build(config);
}

/**
 * Rebuilds a model from its config (a `sequential` config, or a single layer wrapped in one).
 *
 * @example
 * const { architecture, params } = loadModel("models/mnist");
 * const model = modelFromConfig(architecture);
 */
export function modelFromConfig(
  config: LayerConfig,
  custom: Readonly<Record<string, LayerFactory>> = {},
): Model {
  const layer = layerFromConfig(config, custom);
  return "layers" in layer && "applyWithState" in layer ? (layer as Model) : sequential([layer]);
}
