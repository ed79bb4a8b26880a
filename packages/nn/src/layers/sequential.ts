import type { Operand, Traced } from "@descent/autodiff";
import type { FloatDType, ParamTree, RandomGenerator } from "@descent/spec";
import { createRandom, formatShape, ValueError } from "@descent/tensor";
import { type ActivationLike, activation, isActivationLike } from "./activation.js";
import { countParameters } from "./count-parameters.js";
import { planFusions } from "./fusion.js";
import type { ApplyOptions, Layer, LayerConfig, Params } from "./types.js";
import {
  checkApplyOptions,
  checkOptionKeys,
  checkShapeArgument,
  describe,
  isObject,
  nameOption,
  ownValue,
} from "./validate.js";

function isLayer(value: unknown): value is Layer {
  const layer = value as Partial<Layer> | null;
  return (
    typeof layer === "object" &&
    layer !== null &&
    typeof layer.type === "string" &&
    (layer.name === undefined || typeof layer.name === "string") &&
    typeof layer.apply === "function" &&
    typeof layer.init === "function" &&
    typeof layer.initState === "function" &&
    typeof layer.outputShape === "function"
  );
}

/** A model: a layer made of layers, with conveniences for whole-model use. */
export interface Model extends Layer {
  /** The layers, in order. */
  readonly layers: readonly Layer[];
  /** The parameter-tree name of each layer (`dense_1`, `dense_2`, … unless named by the user). */
  readonly layerNames: readonly string[];
  /**
   * Initial parameters, `{ dense_1: { weights, bias }, … }`, drawn from `random` (a generator, or a seed
   * for `createRandom`). Layers draw in order, so the same seed gives the same parameters.
   */
  init(random?: RandomGenerator | number, dtype?: FloatDType): ParamTree;
  /** The output and the updated non-trainable state (batch-norm running statistics) of a pass. */
  applyWithState(
    params: Params,
    input: Operand,
    options?: ApplyOptions,
  ): { output: Traced; state: ParamTree };
  /** A table of layers with their output shapes (for a per-sample `inputShape`) and parameter counts. */
  summary(inputShape?: readonly number[], params?: ParamTree): string;
  /**
   * The entry of `params` (made by `init`, or trained by `fit`) that belongs to `layer`, typed as that
   * layer's parameters — `{ weights, bias }` for a `dense` layer — so its weights are reached without
   * knowing the name `sequential` gave it (`dense_1`, …). By name (`"dense_1"`), the entry as a `ParamTree`.
   *
   * @throws ValueError when the layer is not one of this model's, has no parameters, or `params` has no
   * entry for it.
   * @example
   * const hidden = dense(2, 8);
   * const model = sequential([hidden, "relu", dense(8, 1)]);
   * const { params } = fit(model, model.init(0), data, options);
   * const { weights, bias } = model.paramsOf(params, hidden); // Tensor, Tensor
   */
  paramsOf<P extends ParamTree>(params: ParamTree, layer: Layer<P>): P;
  /**
   * The entry of `params` for the layer named `name` (`"dense_1"`, or the name you gave it), as a
   * `ParamTree`.
   */
  paramsOf(params: ParamTree, name: string): ParamTree;
}

/**
 * Chains layers: the output of each is the input of the next. Activations may stand in the list as they
 * are (`relu()` from `@descent/activations`, or a name such as `"relu"`): they become activation layers. Parameters and state are named per layer
 * (`type_<n>`, counting from 1 per type, or the layer's own `name`), e.g.
 * `{ dense_1: { weights, bias }, dense_2: { weights, bias } }`; layers without parameters take no entry.
 *
 * Fusion, explicit: a layer that has `fusedWithRelu` (`dense`) followed by an activation layer declaring
 * `fusable: "relu"` (the built-in relu by name: `"relu"`, `activation("relu")`) runs as one op,
 * `dense(…, { activation: "relu" })`: the same numbers, one pass fewer each way. Parameters and names do not
 * change; `model.config.fusions` lists each rewrite, e.g. `[{ layers: ["dense_1", "activation_1"], into:
 * "dense+relu" }]`, and a model rebuilt from the config fuses exactly those.
 *
 * @example
 * const model = sequential([dense(784, 128), activation(relu()), dense(128, 10)]);
 * const params = model.init(42);
 * const logits = model.apply(params, inputs, { training: false }).value; // [batch, 10]
 */
export function sequential(
  items: readonly (Layer | ActivationLike)[],
  options: { readonly name?: string } = {},
): Model {
  return buildSequential(items, options, undefined);
}

/**
 * {@link sequential} fusing exactly the pairs a saved config's `fusions` lists (each checked: a layer with
 * `fusedWithRelu` followed by a declared relu), none when the config has none. Internal: `layerFromConfig`.
 */
export function sequentialWithFusions(
  items: readonly Layer[],
  options: { readonly name?: string },
  saved: unknown,
): Model {
  return buildSequential(items, options, saved);
}

function buildSequential(
  items: readonly (Layer | ActivationLike)[],
  options: { readonly name?: string },
  saved: unknown,
): Model {
  if (!Array.isArray(items) || items.length === 0) {
    throw new ValueError("sequential", "expected a non-empty array of layers");
  }
  checkOptionKeys("sequential", options, ["name"]);
  nameOption("sequential", "options.name", options.name);
  const layers = items.map((item) => (isActivationLike(item) ? activation(item) : item));
  const counters = new Map<string, number>();
  const layerNames = layers.map((layer, index) => {
    if (!isLayer(layer)) {
      throw new ValueError(
        "sequential",
        `layer ${index} is ${describe(layer)}, not a layer (a layer has a string type and apply, init, initState, outputShape functions)`,
      );
    }
    if (layer.name !== undefined) return layer.name;
    const count = (counters.get(layer.type) ?? 0) + 1;
    counters.set(layer.type, count);
    return `${layer.type}_${count}`;
  });
  const seen = new Set<string>();
  for (const name of layerNames) {
    if (seen.has(name))
      throw new ValueError("sequential", `two layers are named "${name}": give each a unique name`);
    if (name.includes(".") || name.startsWith("@") || name === "") {
      throw new ValueError(
        "sequential",
        `layer name "${name}" must be non-empty, without "." and not start with "@"`,
      );
    }
    seen.add(name);
  }
  const { fusions, fusedLayers } = planFusions(layers, layerNames, saved, isLayer);
  const hasParams = layers.some((layer) => layer.hasParams);
  const hasState = layers.some((layer) => layer.hasState);

  const run = (
    params: Params,
    input: Operand,
    options: ApplyOptions,
    newState?: Record<string, ParamTree>,
  ): Traced => {
    if (!isObject(params)) {
      throw new ValueError("sequential", `params is ${describe(params)}: pass the tree made by model.init()`);
    }
    let output: Operand = input;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i]!;
      const name = layerNames[i]!;
      const layerParams = ownValue(params, name) as Params | undefined;
      if (layer.hasParams && layerParams === undefined) {
        throw new ValueError(
          "sequential",
          `parameters have no entry "${name}" (found ${Object.keys(params).join(", ") || "none"}): pass the tree made by model.init()`,
        );
      }
      const fused = fusedLayers[i];
      // The model returns its last layer's output: only the layers before it take transient arrays.
      const last = i + (fused === undefined ? 0 : 1) === layers.length - 1;
      const allocateTransient = last ? undefined : options.allocateTransient;
      if (fused !== undefined) {
        output = fused.apply(layerParams ?? {}, output, {
          training: options.training ?? false,
          random: options.random,
          allocateGradient: options.allocateGradient,
          allocateTransient,
        });
        i++;
        continue;
      }
      const layerState = (isObject(options.state) ? ownValue(options.state, name) : undefined) as
        | ParamTree
        | undefined;
      output = layer.apply(layerParams ?? {}, output, {
        training: options.training ?? false,
        random: options.random,
        state: layerState,
        allocateGradient: options.allocateGradient,
        allocateTransient,
        onState:
          newState === undefined || !layer.hasState
            ? undefined
            : (state: ParamTree) => {
                newState[name] = state;
              },
      });
    }
    return output as Traced;
  };

  const model: Model = {
    type: "sequential",
    name: options.name,
    hasParams,
    hasState,
    layers,
    layerNames,
    get config(): LayerConfig {
      return {
        type: "sequential",
        name: options.name,
        layers: layers.map((layer) => layer.config),
        ...(fusions.length > 0
          ? { fusions: fusions.map((fusion) => ({ ...fusion, layers: [...fusion.layers] })) }
          : {}),
      };
    },
    init(random: RandomGenerator | number = 0, dtype?: FloatDType): ParamTree {
      const generator = typeof random === "number" ? createRandom(random) : random;
      const params: Record<string, ParamTree> = {};
      layers.forEach((layer, i) => {
        if (layer.hasParams) params[layerNames[i]!] = layer.init(generator, dtype);
      });
      return params;
    },
    initState(dtype?: FloatDType): ParamTree {
      const state: Record<string, ParamTree> = {};
      layers.forEach((layer, i) => {
        if (layer.hasState) state[layerNames[i]!] = layer.initState(dtype);
      });
      return state;
    },
    apply(params: Params, input: Operand, applyOptions: ApplyOptions = {}): Traced {
      checkApplyOptions("sequential", applyOptions);
      if (!applyOptions.onState || !hasState) return run(params, input, applyOptions);
      const { output, state } = model.applyWithState(params, input, applyOptions);
      applyOptions.onState(state);
      return output;
    },
    applyWithState(params: Params, input: Operand, applyOptions: ApplyOptions = {}) {
      checkApplyOptions("sequential", applyOptions);
      const newState: Record<string, ParamTree> = { ...(applyOptions.state as Record<string, ParamTree>) };
      const output = run(params, input, applyOptions, newState);
      return { output, state: newState };
    },
    outputShape(inputShape: readonly number[]): number[] {
      checkShapeArgument("sequential", "inputShape", inputShape);
      let shape = [...inputShape];
      for (const layer of layers) shape = layer.outputShape(shape);
      return shape;
    },
    paramsOf(params: ParamTree, layerOrName: Layer | string): ParamTree {
      const index =
        typeof layerOrName === "string" ? layerNames.indexOf(layerOrName) : layers.indexOf(layerOrName);
      const what =
        typeof layerOrName === "string" ? `layer name ${describe(layerOrName)}` : describe(layerOrName);
      if (index === -1 || (typeof layerOrName !== "string" && layers.lastIndexOf(layerOrName) !== index)) {
        throw new ValueError(
          "paramsOf",
          `${what} is ${index === -1 ? "not a layer of this model" : "in this model more than once"}: pass one of its layers (the values given to sequential) or a name of ${layerNames.join(", ")}`,
        );
      }
      const name = layerNames[index]!;
      if (!layers[index]!.hasParams) {
        throw new ValueError("paramsOf", `layer "${name}" has no parameters`);
      }
      if (!isObject(params)) {
        throw new ValueError("paramsOf", `params is ${describe(params)}: pass the tree made by model.init()`);
      }
      const entry = ownValue(params, name);
      if (!isObject(entry)) {
        throw new ValueError(
          "paramsOf",
          `params has no entry "${name}" (found ${Object.keys(params).join(", ") || "none"}): pass the tree made by this model's init() or fit()`,
        );
      }
      return entry as ParamTree;
    },
    summary(inputShape?: readonly number[], params?: ParamTree): string {
      if (inputShape !== undefined) checkShapeArgument("sequential", "inputShape", inputShape);
      if (params !== undefined && !isObject(params))
        throw new ValueError(
          "sequential",
          `params is ${describe(params)}: pass the tree made by model.init()`,
        );
      const values = params ?? model.init(0);
      let shape = inputShape ? [...inputShape] : undefined;
      const rows = layers.map((layer, i) => {
        shape = shape ? layer.outputShape(shape) : undefined;
        const entry = values[layerNames[i]!] as ParamTree | undefined;
        return [
          layerNames[i]!,
          layer.type,
          shape ? formatShape(["batch" as unknown as number, ...shape]) : "?",
          String(entry ? countParameters(entry) : 0),
        ];
      });
      const header = ["layer", "type", "output shape", "parameters"];
      const widths = header.map((title, c) => Math.max(title.length, ...rows.map((row) => row[c]!.length)));
      const line = (cells: string[]) =>
        cells.map((cell, c) => (c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ");
      return [line(header), ...rows.map(line), `total parameters: ${countParameters(values)}`].join("\n");
    },
  };
  return model;
}
