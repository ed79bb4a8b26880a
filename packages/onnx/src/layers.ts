import type { Layer, LayerConfig } from "@descent/nn";
import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { describeValue, formatShape, shapesEqual, sizeOf, ValueError } from "@descent/tensor";
import { type ActivationDescription, isAxisActivation, lowerActivation } from "./activations.js";
import { UnsupportedLayerError } from "./errors.js";
import type { GraphBuilder } from "./graph.js";

/**
 * A value of the graph being built: its name, its per-sample shape in descent's layout (channels last), and
 * whether the graph holds it channels-first (NCHW, between ONNX's `Conv`/`MaxPool`/`AveragePool`/`BatchNormalization`,
 * so consecutive image layers need no transposes in between).
 */
export interface Value {
  readonly name: string;
  readonly shape: readonly number[];
  readonly channelsFirst: boolean;
}

/** What lowering a layer needs besides the layer: the graph, opset, op name for errors. */
export interface LoweringContext {
  readonly graph: GraphBuilder;
  readonly opset: number;
  readonly op: string;
}

/**
 * Layer types that export (a nested `sequential` exports when its layers do); any other type is refused with
 * an `UnsupportedLayerError`.
 *
 * @example
 * exportableLayers.includes(layer.config.type); // false for a custom layer: exportOnnx would refuse it
 */
export const exportableLayers: readonly string[] = Object.freeze([
  "dense",
  "conv2d",
  "maxPool2d",
  "avgPool2d",
  "globalAveragePool2d",
  "batchNorm",
  "layerNorm",
  "dropout",
  "flatten",
  "softmax",
  "activation",
  "sequential",
]);

const TO_CHANNELS_FIRST = [0, 3, 1, 2];
const TO_CHANNELS_LAST = [0, 2, 3, 1];

/** `value` held channels-last (descent's layout), transposing back when the graph holds it channels-first. */
export function channelsLast(value: Value, context: LoweringContext, prefix: string): Value {
  if (!value.channelsFirst) return value;
  const name = context.graph.node("Transpose", [value.name], prefix, { perm: { ints: TO_CHANNELS_LAST } });
  return { ...value, name, channelsFirst: false };
}

function channelsFirst(value: Value, context: LoweringContext, prefix: string): Value {
  if (value.channelsFirst) return value;
  const name = context.graph.node("Transpose", [value.name], prefix, { perm: { ints: TO_CHANNELS_FIRST } });
  return { ...value, name, channelsFirst: true };
}

function isTensor(value: unknown): value is TensorLike {
  const tensor = value as Partial<TensorLike> | null;
  return (
    typeof tensor === "object" &&
    tensor !== null &&
    Array.isArray(tensor.shape) &&
    (tensor.data instanceof Float32Array || tensor.data instanceof Float64Array)
  );
}

function entry(tree: ParamTree | undefined, key: string): ParamTree | TensorLike | undefined {
  if (typeof tree !== "object" || tree === null || !Object.hasOwn(tree, key)) return undefined;
  return tree[key];
}

function tensorOf(
  context: LoweringContext,
  tree: ParamTree | undefined,
  layer: string,
  key: string,
  shape: readonly number[],
  where: string,
): TensorLike {
  const value = entry(tree, key);
  if (!isTensor(value)) {
    throw new ValueError(
      context.op,
      `${where} "${layer}" has no float tensor "${key}": pass the tree made by model.init() (or trained by fit)${where === "state" ? " and the state from model.initState() or fit" : ""}`,
    );
  }
  if (!shapesEqual(value.shape, shape) || value.data.length !== sizeOf(shape)) {
    throw new ValueError(
      context.op,
      `${where} "${layer}.${key}" has shape ${formatShape(value.shape)} and ${value.data.length} elements, expected ${formatShape(shape)}: pass the parameters of this model`,
    );
  }
  return value;
}

function numberConfig(layer: string, config: LayerConfig, key: string, context: LoweringContext): number {
  const value = config[key];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new UnsupportedLayerError(
      context.op,
      layer,
      `its config has ${key} = ${describeValue(value)}, expected a number`,
    );
  }
  return value;
}

function pairConfig(
  layer: string,
  config: LayerConfig,
  key: string,
  context: LoweringContext,
): [number, number] {
  const value = config[key];
  if (!Array.isArray(value) || value.length !== 2 || !value.every((size) => Number.isInteger(size))) {
    throw new UnsupportedLayerError(
      context.op,
      layer,
      `its config has ${key} = ${Array.isArray(value) ? formatShape(value) : describeValue(value)}, expected two integers`,
    );
  }
  return [value[0], value[1]];
}

/** ONNX `pads` ([top, left, bottom, right]) of descent's window padding, as `windowAxis` computes it. */
function windowPads(
  shape: readonly number[],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  padding: unknown,
): number[] {
  if (padding !== "same") return [0, 0, 0, 0];
  const before: number[] = [];
  const after: number[] = [];
  for (const axis of [0, 1]) {
    const size = shape[axis]!;
    const out = Math.ceil(size / strides[axis]!);
    const total = Math.max((out - 1) * strides[axis]! + kernel[axis]! - size, 0);
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  }
  return [...before, ...after];
}

/** Conv2d weights `[kh, kw, in, out]` (descent, NHWC) as ONNX's `[out, in, kh, kw]`. */
function convWeights(weights: TensorLike): Float32Array {
  const [kh, kw, cin, cout] = weights.shape as [number, number, number, number];
  const out = new Float32Array(weights.data.length);
  const data = weights.data;
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + i) * kh + y) * kw + x] = data[((y * kw + x) * cin + i) * cout + o]!;
  return out;
}

function checkRank(layer: string, value: Value, rank: number, context: LoweringContext, what: string) {
  if (value.shape.length !== rank) {
    throw new ValueError(
      context.op,
      `layer "${layer}" takes ${what}, but its input is ${formatShape(value.shape)} per sample: check options.inputShape`,
    );
  }
}

/**
 * The activation a dense or conv2d layer fuses (`config.activation`): `"relu"` appends a `Relu` node after the
 * layer's output, `"none"` or absent appends nothing, anything else is refused rather than dropped.
 */
function fusedRelu(
  output: string,
  config: LayerConfig,
  layer: string,
  context: LoweringContext,
  type: "dense" | "conv2d",
): string {
  if (config.activation === "relu") return context.graph.node("Relu", [output], layer);
  if (config.activation !== undefined && config.activation !== "none") {
    throw new UnsupportedLayerError(
      context.op,
      layer,
      `${type} activation ${describeValue(config.activation)} is not "relu"`,
    );
  }
  return output;
}

/**
 * Appends the ONNX nodes of one layer (named `layer` in the model) to the graph; returns its output value.
 *
 * @throws UnsupportedLayerError when the layer's type has no ONNX lowering (a custom layer), naming it.
 * @example
 * const output = lowerLayer(dense(3, 4), "dense_1", params.dense_1, undefined, input, context);
 */
export function lowerLayer(
  layer: Layer,
  name: string,
  params: ParamTree | undefined,
  state: ParamTree | undefined,
  input: Value,
  context: LoweringContext,
): Value {
  const { graph } = context;
  const config = layer.config as LayerConfig | null | undefined;
  if (typeof config !== "object" || config === null) {
    throw new UnsupportedLayerError(
      context.op,
      name,
      `its config is ${describeValue(config)}, not a layer config`,
    );
  }
  const outputShape = layer.outputShape(input.shape);
  const constant = (key: string, tensor: TensorLike) =>
    graph.floatConstant(`${name}/${key}`, tensor.data, tensor.shape);
  const last = (value: Value) => channelsLast(value, context, name);
  switch (config.type) {
    case "dense": {
      const inputSize = numberConfig(name, config, "inputSize", context);
      const outputSize = numberConfig(name, config, "outputSize", context);
      const x = last(input);
      const weights = tensorOf(context, params, name, "weights", [inputSize, outputSize], "parameters");
      let y = graph.node("MatMul", [x.name, constant("weights", weights)], name);
      if (config.useBias !== false) {
        const bias = tensorOf(context, params, name, "bias", [outputSize], "parameters");
        y = graph.node("Add", [y, constant("bias", bias)], name);
      }
      y = fusedRelu(y, config, name, context, "dense");
      return { name: y, shape: outputShape, channelsFirst: false };
    }
    case "conv2d": {
      checkRank(name, input, 3, context, "images [height, width, channels]");
      const kernel = pairConfig(name, config, "kernelSize", context);
      const strides = pairConfig(name, config, "strides", context);
      const inChannels = numberConfig(name, config, "inChannels", context);
      const outChannels = numberConfig(name, config, "outChannels", context);
      const x = channelsFirst(input, context, name);
      const weights = tensorOf(
        context,
        params,
        name,
        "weights",
        [kernel[0], kernel[1], inChannels, outChannels],
        "parameters",
      );
      const inputs = [
        x.name,
        graph.floatConstant(`${name}/weights`, convWeights(weights), [
          outChannels,
          inChannels,
          kernel[0],
          kernel[1],
        ]),
      ];
      if (config.useBias !== false)
        inputs.push(constant("bias", tensorOf(context, params, name, "bias", [outChannels], "parameters")));
      let y = graph.node("Conv", inputs, name, {
        kernel_shape: { ints: kernel },
        strides: { ints: strides },
        pads: { ints: windowPads(input.shape, kernel, strides, config.padding) },
      });
      y = fusedRelu(y, config, name, context, "conv2d");
      return { name: y, shape: outputShape, channelsFirst: true };
    }
    case "maxPool2d": {
      checkRank(name, input, 3, context, "images [height, width, channels]");
      const pool = pairConfig(name, config, "poolSize", context);
      const strides = pairConfig(name, config, "strides", context);
      const x = channelsFirst(input, context, name);
      const y = graph.node("MaxPool", [x.name], name, {
        kernel_shape: { ints: pool },
        strides: { ints: strides },
        pads: { ints: windowPads(input.shape, pool, strides, config.padding) },
      });
      return { name: y, shape: outputShape, channelsFirst: true };
    }
    case "avgPool2d": {
      checkRank(name, input, 3, context, "images [height, width, channels]");
      const pool = pairConfig(name, config, "poolSize", context);
      const strides = pairConfig(name, config, "strides", context);
      const x = channelsFirst(input, context, name);
      // count_include_pad 0: the padding is left out of each window's count, as avgPool2d does.
      const y = graph.node("AveragePool", [x.name], name, {
        kernel_shape: { ints: pool },
        strides: { ints: strides },
        pads: { ints: windowPads(input.shape, pool, strides, config.padding) },
        count_include_pad: { int: 0 },
      });
      return { name: y, shape: outputShape, channelsFirst: true };
    }
    case "globalAveragePool2d": {
      checkRank(name, input, 3, context, "images [height, width, channels]");
      const x = channelsFirst(input, context, name);
      // [N, C, 1, 1] → [N, C]: no spatial axis is left, so the layout is channels-last again.
      const pooled = graph.node("GlobalAveragePool", [x.name], name);
      const y = graph.node("Flatten", [pooled], name, { axis: { int: 1 } });
      return { name: y, shape: outputShape, channelsFirst: false };
    }
    case "batchNorm": {
      const features = numberConfig(name, config, "features", context);
      const epsilon = numberConfig(name, config, "epsilon", context);
      const shape = [features];
      const operands = [
        constant("gamma", tensorOf(context, params, name, "gamma", shape, "parameters")),
        constant("beta", tensorOf(context, params, name, "beta", shape, "parameters")),
        constant("runningMean", tensorOf(context, state, name, "runningMean", shape, "state")),
        constant("runningVariance", tensorOf(context, state, name, "runningVariance", shape, "state")),
      ];
      const normalize = (x: string) =>
        graph.node("BatchNormalization", [x, ...operands], name, { epsilon: { float: epsilon } });
      // BatchNormalization normalizes axis 1: [N, C], channels-first images, or the last axis moved there.
      if (input.shape.length === 1)
        return { name: normalize(input.name), shape: outputShape, channelsFirst: false };
      if (input.shape.length === 3) {
        const x = channelsFirst(input, context, name);
        return { name: normalize(x.name), shape: outputShape, channelsFirst: true };
      }
      const rank = input.shape.length + 1;
      const toFront = [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, axis) => axis + 1)];
      const toBack = [0, ...Array.from({ length: rank - 2 }, (_, axis) => axis + 2), 1];
      const moved = graph.node("Transpose", [last(input).name], name, { perm: { ints: toFront } });
      const y = graph.node("Transpose", [normalize(moved)], name, { perm: { ints: toBack } });
      return { name: y, shape: outputShape, channelsFirst: false };
    }
    case "layerNorm": {
      const features = numberConfig(name, config, "features", context);
      const epsilon = numberConfig(name, config, "epsilon", context);
      const x = last(input);
      const y = graph.node(
        "LayerNormalization",
        [
          x.name,
          constant("gamma", tensorOf(context, params, name, "gamma", [features], "parameters")),
          constant("beta", tensorOf(context, params, name, "beta", [features], "parameters")),
        ],
        name,
        { axis: { int: -1 }, epsilon: { float: epsilon } },
      );
      return { name: y, shape: outputShape, channelsFirst: false };
    }
    case "dropout":
      // Inference: the identity (ONNX's Dropout in inference mode is too; Identity says so without a ratio).
      return { ...input, name: graph.node("Identity", [input.name], name) };
    case "flatten": {
      const y = graph.node("Flatten", [last(input).name], name, { axis: { int: 1 } });
      return { name: y, shape: outputShape, channelsFirst: false };
    }
    case "softmax": {
      const y = graph.node("Softmax", [last(input).name], name, { axis: { int: -1 } });
      return { name: y, shape: outputShape, channelsFirst: false };
    }
    case "activation": {
      const description = config.activation as ActivationDescription | undefined;
      if (typeof description?.name !== "string") {
        throw new UnsupportedLayerError(context.op, name, "its config names no activation");
      }
      const x = isAxisActivation(description.name) ? last(input) : input;
      const y = lowerActivation({ name: description.name, options: description.options ?? {} }, x.name, {
        graph,
        layer: name,
        opset: context.opset,
        op: context.op,
      });
      return { name: y, shape: outputShape, channelsFirst: x.channelsFirst };
    }
    case "sequential": {
      const model = layer as Layer & { layers?: readonly Layer[]; layerNames?: readonly string[] };
      if (!Array.isArray(model.layers) || !Array.isArray(model.layerNames)) {
        throw new UnsupportedLayerError(context.op, name, "a sequential layer without layers and layerNames");
      }
      return lowerLayers(model.layers, model.layerNames, params, state, input, context, `${name}/`);
    }
    default:
      throw new UnsupportedLayerError(
        context.op,
        name,
        `layer type ${describeValue(config.type)} has no ONNX lowering (exportable: ${exportableLayers.join(", ")}); a custom layer needs its own export, or the model must leave it out`,
      );
  }
}

/** Lowers `layers` in order (a model's, or a nested sequential's with names prefixed by `prefix`). */
export function lowerLayers(
  layers: readonly Layer[],
  names: readonly string[],
  params: ParamTree | undefined,
  state: ParamTree | undefined,
  input: Value,
  context: LoweringContext,
  prefix = "",
): Value {
  let value = input;
  layers.forEach((layer, index) => {
    const name = names[index]!;
    const layerParams = entry(params, name);
    const layerState = entry(state, name);
    value = lowerLayer(
      layer,
      `${prefix}${name}`,
      isTensor(layerParams) ? undefined : layerParams,
      isTensor(layerState) ? undefined : layerState,
      value,
      context,
    );
  });
  return value;
}
