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
import { checkOptionKeys, describe, didYouMean, isObject } from "./validate.js";

/** Builds a layer of a custom type from its config, for {@link layerFromConfig}. */
export type LayerFactory = (config: LayerConfig, build: (config: LayerConfig) => Layer) => Layer;

type Config = LayerConfig & Record<string, never>;

const factories: Record<string, LayerFactory> = {
  dense: (c) =>
    dense(c.inputSize as number, c.outputSize as number, { useBias: c.useBias as boolean, name: c.name }),
  activation: (c) => {
    const described = c.activation as unknown;
    if (
      !isObject(described) ||
      typeof described.name !== "string" ||
      !(described.options === undefined || isObject(described.options))
    ) {
      throw new ValueError(
        "layerFromConfig",
        `activation config's "activation" is ${describe(described)}: expected { name, options } (e.g. { name: "relu", options: {} })`,
      );
    }
    return activation(getActivation(described.name, (described.options ?? {}) as object) as never, {
      name: c.name,
    });
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
  sequential: (c, build) => {
    if (!Array.isArray(c.layers))
      throw new ValueError(
        "layerFromConfig",
        `sequential config's "layers" is ${describe(c.layers)}: expected an array of layer configs`,
      );
    return sequential((c.layers as LayerConfig[]).map(build), { name: c.name });
  },
};

/** The keys each built-in layer's config may hold (what its `config` writes). */
const configKeys: Readonly<Record<string, readonly string[]>> = {
  dense: ["inputSize", "outputSize", "useBias"],
  activation: ["activation"],
  flatten: [],
  dropout: ["rate"],
  softmax: [],
  batchNorm: ["features", "epsilon", "momentum"],
  layerNorm: ["features", "epsilon"],
  conv2d: ["inChannels", "outChannels", "kernelSize", "strides", "padding", "useBias"],
  maxPool2d: ["poolSize", "strides", "padding"],
  sequential: ["layers"],
};

/** Nesting deeper than this is not a model anyone saved (and would overflow the stack when cyclic). */
const MAX_CONFIG_DEPTH = 64;

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
  const op = "layerFromConfig";
  if (!isObject(custom)) throw new ValueError(op, `custom is ${describe(custom)}: pass { type: factory }`);
  let depth = 0;
  const build = (entry: LayerConfig): Layer => {
    if (!isObject(entry) || typeof entry.type !== "string") {
      throw new ValueError(op, `expected a layer config { type, … }, got ${describe(entry)}`);
    }
    // Own keys only: a type "constructor" or "toString" must not reach Object.prototype.
    const isCustom = Object.hasOwn(custom, entry.type);
    const factory = isCustom
      ? custom[entry.type]
      : Object.hasOwn(factories, entry.type)
        ? factories[entry.type]
        : undefined;
    if (typeof factory !== "function") {
      throw new ValueError(
        op,
        `unknown layer type ${describe(entry.type)}${didYouMean(entry.type, Object.keys(factories))}: built-in types are ${Object.keys(factories).join(", ")}; pass a factory for custom layers`,
      );
    }
    if (!isCustom)
      checkOptionKeys(op, entry, ["type", "name", ...configKeys[entry.type]!], `${entry.type} config`);
    if (entry.name !== undefined && typeof entry.name !== "string")
      throw new ValueError(op, `${entry.type} config's name is ${describe(entry.name)}: use a string`);
    if (++depth > MAX_CONFIG_DEPTH)
      throw new ValueError(op, `configs nest deeper than ${MAX_CONFIG_DEPTH} levels (or form a cycle)`);
    try {
      return factory(entry as Config, build);
    } finally {
      depth--;
    }
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
