import { activations as builtInActivations, getActivation, isActivationName } from "@descent/activations";
import { type LinearActivation, type Padding, ValueError } from "@descent/tensor";
import {
  type ActivationLike,
  activation,
  builtInActivation,
  isActivationLike,
  resolveActivation,
} from "./activation.js";
import { conv2d } from "./convolution.js";
import {
  callFactory,
  checkBuiltLayer,
  type FromConfigOptions,
  GUIDE,
  resolveCustomObjects,
} from "./custom-objects.js";
import { dense } from "./dense.js";
import { batchNorm, layerNorm } from "./normalization.js";
import { avgPool2d, globalAveragePool2d, maxPool2d } from "./pooling.js";
import { type Model, sequential, sequentialWithFusions } from "./sequential.js";
import { dropout, flatten, softmax } from "./simple.js";
import type { Layer, LayerConfig } from "./types.js";
import { checkOptionKeys, describe, didYouMean, isObject } from "./validate.js";

/** What a built-in factory gets besides its config: nested builds and activations by saved name. */
interface BuildTools {
  readonly build: (config: LayerConfig) => Layer;
  readonly activationOf: (name: string, options: Readonly<Record<string, unknown>>) => ActivationLike;
}

const factories: Record<string, (config: LayerConfig, tools: BuildTools) => Layer> = {
  dense: (c) =>
    dense(c.inputSize as number, c.outputSize as number, {
      useBias: c.useBias as boolean,
      activation: c.activation as LinearActivation | undefined,
      name: c.name,
    }),
  activation: (c, { activationOf }) => {
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
    const activationOptions = (described.options ?? {}) as Record<string, unknown>;
    if (isActivationName(described.name)) return builtInActivation(described.name, activationOptions, c.name);
    return activation(activationOf(described.name, activationOptions), { name: c.name });
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
      activation: c.activation as LinearActivation | undefined,
      name: c.name,
    }),
  maxPool2d: (c) =>
    maxPool2d(c.poolSize as [number, number], {
      strides: c.strides as [number, number],
      padding: c.padding as Padding,
      name: c.name,
    }),
  avgPool2d: (c) =>
    avgPool2d(c.poolSize as [number, number], {
      strides: c.strides as [number, number],
      padding: c.padding as Padding,
      name: c.name,
    }),
  globalAveragePool2d: (c) => globalAveragePool2d({ name: c.name }),
  sequential: (c, { build }) => {
    if (!Array.isArray(c.layers))
      throw new ValueError(
        "layerFromConfig",
        `sequential config's "layers" is ${describe(c.layers)}: expected an array of layer configs`,
      );
    return sequentialWithFusions((c.layers as LayerConfig[]).map(build), { name: c.name }, c.fusions ?? []);
  },
};

/** The built-in layer types, the names `options.custom.layers` cannot take. */
export const BUILT_IN_LAYER_TYPES: readonly string[] = Object.freeze(Object.keys(factories));

/** The keys each built-in layer's config may hold (what its `config` writes). */
const configKeys: Readonly<Record<string, readonly string[]>> = {
  dense: ["inputSize", "outputSize", "useBias", "activation"],
  activation: ["activation"],
  flatten: [],
  dropout: ["rate"],
  softmax: [],
  batchNorm: ["features", "epsilon", "momentum"],
  layerNorm: ["features", "epsilon"],
  conv2d: ["inChannels", "outChannels", "kernelSize", "strides", "padding", "useBias", "activation"],
  maxPool2d: ["poolSize", "strides", "padding"],
  avgPool2d: ["poolSize", "strides", "padding"],
  globalAveragePool2d: [],
  sequential: ["layers", "fusions"],
};

/** Nesting deeper than this is not a model anyone saved (and would overflow the stack when cyclic). */
const MAX_CONFIG_DEPTH = 64;

/**
 * Rebuilds a layer (or a whole model) from its `config`, e.g. the `architecture` of a saved model.
 * Layer types and activation names that are not built in are taken from `options.custom` (see
 * {@link CustomObjects}); a name found in neither is a ValueError naming it and where to pass it.
 * Initializers are not part of a config (a loaded model takes its weights from the file).
 *
 * @example
 * const layer = layerFromConfig({ type: "dense", inputSize: 4, outputSize: 2 });
 * const custom = layerFromConfig(saved, { custom: { layers: { scaleShift: scaleShiftFromConfig } } });
 */
export function layerFromConfig(config: LayerConfig, options: FromConfigOptions = {}): Layer {
  return buildLayer("layerFromConfig", "the config", config, options);
}

/**
 * Rebuilds a model from its config (a `sequential` config, or a single layer wrapped in one), with
 * custom layers and activations from `options.custom` (see {@link layerFromConfig}).
 *
 * @example
 * const { manifest, weights } = serializeModel({ architecture: model.config, params });
 * const { architecture } = deserializeModel({ manifest, weights });
 * const rebuilt = modelFromConfig(architecture!, { custom: { activations: { swishBeta } } });
 */
export function modelFromConfig(config: LayerConfig, options: FromConfigOptions = {}): Model {
  return buildModel("modelFromConfig", "the config", config, options);
}

/**
 * {@link modelFromConfig} whose errors name `op` and call the config `subject` (`loadModel` says "the
 * saved model"). Internal: `loadModel` uses it.
 */
export function buildModel(
  op: string,
  subject: string,
  config: LayerConfig,
  options: FromConfigOptions,
): Model {
  const layer = buildLayer(op, subject, config, options);
  return "layers" in layer && "applyWithState" in layer ? (layer as Model) : sequential([layer]);
}

function buildLayer(op: string, subject: string, config: LayerConfig, options: FromConfigOptions): Layer {
  checkOptionKeys(op, options, ["custom"]);
  const custom = resolveCustomObjects(op, options?.custom, BUILT_IN_LAYER_TYPES);
  const activationOf = (
    name: string,
    activationOptions: Readonly<Record<string, unknown>>,
  ): ActivationLike => {
    if (isActivationName(name)) return getActivation(name, activationOptions);
    const factory = custom.activations.get(name);
    const entry = `options.custom.activations[${JSON.stringify(name)}]`;
    if (factory === undefined) {
      throw new ValueError(
        op,
        `${subject} uses activation ${describe(name)}, which is not built in${didYouMean(name, Object.keys(builtInActivations))}: pass its factory in options.custom.activations (see ${GUIDE.activations})`,
      );
    }
    const built = callFactory(op, entry, () => factory({ ...activationOptions }));
    const savedName = isActivationLike(built) && typeof built !== "string" ? nameOf(built) : undefined;
    if (savedName !== name) {
      throw new ValueError(
        op,
        `${entry} returned ${savedName === undefined ? describe(built) : `an activation named ${describe(savedName)}`}: it must return an activation named "${name}" (so the model saves the same config again)`,
      );
    }
    return built as ActivationLike;
  };
  let depth = 0;
  const build = (entry: LayerConfig): Layer => {
    if (!isObject(entry) || typeof entry.type !== "string") {
      throw new ValueError(op, `expected a layer config { type, … }, got ${describe(entry)}`);
    }
    const type = entry.type;
    // Own keys only: a type "constructor" or "toString" must not reach Object.prototype.
    const builtIn = Object.hasOwn(factories, type) ? factories[type] : undefined;
    const customFactory = builtIn === undefined ? custom.layers.get(type) : undefined;
    if (builtIn === undefined && customFactory === undefined) {
      throw new ValueError(
        op,
        `${subject} uses unknown layer type ${describe(type)}, which is not built in${didYouMean(type, BUILT_IN_LAYER_TYPES)}: pass its factory in options.custom.layers (see ${GUIDE.layers}); the built-in types are ${BUILT_IN_LAYER_TYPES.join(", ")}`,
      );
    }
    if (builtIn !== undefined)
      checkOptionKeys(op, entry, ["type", "name", ...configKeys[type]!], `${type} config`);
    if (entry.name !== undefined && typeof entry.name !== "string")
      throw new ValueError(op, `${type} config's name is ${describe(entry.name)}: use a string`);
    if (++depth > MAX_CONFIG_DEPTH)
      throw new ValueError(op, `configs nest deeper than ${MAX_CONFIG_DEPTH} levels (or form a cycle)`);
    try {
      if (builtIn !== undefined) return builtIn(entry, { build, activationOf });
      const label = `options.custom.layers[${JSON.stringify(type)}]`;
      const layer = callFactory(op, label, () => customFactory!(entry, build));
      return checkBuiltLayer(op, label, type, layer);
    } finally {
      depth--;
    }
  };
  return build(config);
}

/** The name an activation saves under (what `activation()` writes into its config). */
function nameOf(fn: Exclude<ActivationLike, string>): string | undefined {
  try {
    return resolveActivation(fn).description.name;
  } catch {
    return undefined;
  }
}
