import type { Layer, LayerConfig, Model } from "@descent/nn";
import type { ParamTree } from "@descent/spec";
import { describeValue, formatShape, shapesEqual, ValueError } from "@descent/tensor";
import { FLOAT, GraphBuilder } from "./graph.js";
import { channelsLast, lowerLayers } from "./layers.js";
import { onnxType } from "./schema.js";

/**
 * Options of {@link exportOnnx}.
 *
 * @example
 * const options: ExportOnnxOptions = { inputShape: [28, 28, 1], state: trained.state, opset: 18 };
 */
export interface ExportOnnxOptions {
  /**
   * Per-sample input shape (batch axis excluded), e.g. `[28, 28, 1]` for NHWC images. Default: read from the
   * first layer when it fixes it (`dense` → `[inputSize]`, `batchNorm`/`layerNorm` → `[features]`); required
   * otherwise (a model starting with `conv2d`, pooling or an activation).
   */
  readonly inputShape?: readonly number[];
  /** Non-trainable state (batch-norm running statistics), as `fit` returns it. Default `model.initState()`, as `predict`. */
  readonly state?: ParamTree;
  /**
   * ONNX opset of the default domain, 17 to 21. Default `20` (the first with `Gelu`). Below 20 `gelu` is
   * written with `Erf`, below 18 `mish` as `x·Tanh(Softplus(x))`; 17 is the first with `LayerNormalization`.
   */
  readonly opset?: number;
  /** A fixed batch size for the graph's input and output. Default: a symbolic dimension `"batch"`. */
  readonly batchSize?: number;
  /** Name of the graph's input. Default `"input"`. */
  readonly inputName?: string;
  /** Name of the graph's output. Default `"output"`. */
  readonly outputName?: string;
}

/** IR version (`ModelProto.ir_version`) that goes with each supported opset, as onnx's version table lists. */
const IR_VERSION: Readonly<Record<number, number>> = { 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };
const OPTION_KEYS = ["inputShape", "state", "opset", "batchSize", "inputName", "outputName"];
const OP = "exportOnnx";

function isModel(value: unknown): value is Model {
  const model = value as Partial<Model> | null;
  return (
    typeof model === "object" &&
    model !== null &&
    Array.isArray(model.layers) &&
    Array.isArray(model.layerNames) &&
    typeof model.outputShape === "function"
  );
}

function inferInputShape(layers: readonly Layer[]): number[] | undefined {
  const first = layers[0];
  if (first === undefined) return undefined;
  const config = first.config as LayerConfig | null | undefined;
  if (typeof config !== "object" || config === null) return undefined;
  if (config.type === "dense" && typeof config.inputSize === "number") return [config.inputSize];
  if ((config.type === "batchNorm" || config.type === "layerNorm") && typeof config.features === "number") {
    return [config.features];
  }
  if (config.type === "sequential") return inferInputShape((first as Model).layers ?? []);
  return undefined;
}

function checkName(key: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || value === "") {
    throw new ValueError(OP, `options.${key} is ${describeValue(value)}: expected a non-empty string`);
  }
  return value;
}

function dims(batch: number | undefined, shape: readonly number[]): object[] {
  return [
    batch === undefined ? { dimParam: "batch" } : { dimValue: batch },
    ...shape.map((size) => ({ dimValue: size })),
  ];
}

/**
 * A `sequential` model and its parameters as an ONNX model (`ModelProto` bytes), ready for onnxruntime or any
 * ONNX runtime: one float32 input `[batch, …inputShape]` and one output `[batch, …model.outputShape]`, in
 * descent's channels-last layout (images are transposed to ONNX's NCHW around `Conv`/`MaxPool` inside the
 * graph). Inference semantics, as `predict`: dropout is the identity, batch normalization uses the running
 * statistics of `options.state`. Parameters are written as float32 initializers (float64 ones are rounded).
 *
 * Layers: `dense` (`MatMul`, `Add`, `Relu` for `activation: "relu"` and fused pairs), `conv2d` (`Conv`),
 * `maxPool2d` (`MaxPool`), `batchNorm` (`BatchNormalization`), `layerNorm` (`LayerNormalization`), `dropout`
 * (`Identity`), `flatten` (`Flatten`), `softmax` (`Softmax`), activation layers of every activation in
 * `@descent/activations` (see `exportableActivations`) and nested `sequential` models.
 *
 * @throws UnsupportedLayerError naming a layer (or activation) ONNX cannot express — a custom layer type, a
 * custom activation object.
 * @throws ValueError when `model` is not a `sequential` model, `params`/`options.state` lack a layer's entry,
 * the input shape is unknown or does not fit, or an option is out of range.
 * @example
 * const model = sequential([dense(4, 8), "relu", dense(8, 3), softmax()]);
 * const params = model.init(0);
 * const bytes = exportOnnx(model, params);
 * writeFileSync("model.onnx", bytes);
 * // const session = await InferenceSession.create(bytes); // onnxruntime-node
 */
export function exportOnnx(model: Model, params: ParamTree, options: ExportOnnxOptions = {}): Uint8Array {
  if (!isModel(model)) {
    throw new ValueError(
      OP,
      "model is not a sequential model (with layers and layerNames): pass sequential([...])",
    );
  }
  if (typeof params !== "object" || params === null) {
    throw new ValueError(
      OP,
      `params is ${describeValue(params)}: pass the tree made by model.init() or trained by fit`,
    );
  }
  if (typeof options !== "object" || options === null) {
    throw new ValueError(OP, "options must be an object");
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new ValueError(OP, `unknown option "${key}": expected one of ${OPTION_KEYS.join(", ")}`);
    }
  }
  const opset = options.opset ?? 20;
  const irVersion = IR_VERSION[opset];
  if (irVersion === undefined) {
    throw new ValueError(
      OP,
      `options.opset is ${describeValue(options.opset)}: use an opset from 17 to 21 (default 20)`,
    );
  }
  const batch = options.batchSize;
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1)) {
    throw new ValueError(
      OP,
      `options.batchSize is ${describeValue(batch)}: expected a positive integer, or leave it out for a symbolic batch`,
    );
  }
  const inputShape = options.inputShape ?? inferInputShape(model.layers);
  if (inputShape === undefined) {
    throw new ValueError(
      OP,
      `the first layer (${model.layers[0]?.type ?? "none"}) does not fix the input shape: pass options.inputShape, the per-sample shape (e.g. [28, 28, 1] for NHWC images)`,
    );
  }
  if (!Array.isArray(inputShape) || !inputShape.every((size) => Number.isInteger(size) && size > 0)) {
    throw new ValueError(
      OP,
      `options.inputShape is ${formatShape(inputShape)}: expected positive integers, the per-sample shape without the batch axis`,
    );
  }
  const inputName = checkName("inputName", options.inputName, "input");
  const outputName = checkName("outputName", options.outputName, "output");
  if (inputName === outputName) {
    throw new ValueError(
      OP,
      `options.inputName and options.outputName are both "${inputName}": give them different names`,
    );
  }
  const outputShape = model.outputShape(inputShape);
  const state = options.state ?? model.initState();

  const graph = new GraphBuilder();
  graph.unique(inputName);
  graph.unique(outputName);
  const context = { graph, opset, op: OP };
  const lowered = lowerLayers(
    model.layers,
    model.layerNames,
    params,
    state,
    { name: inputName, shape: [...inputShape], channelsFirst: false },
    context,
  );
  const result = channelsLast(lowered, context, "output");
  if (!shapesEqual(result.shape, outputShape)) {
    throw new ValueError(
      OP,
      `the exported graph's output is ${formatShape(result.shape)} per sample, the model's ${formatShape(outputShape)}: please report this model`,
    );
  }
  graph.node("Identity", [result.name], "output", {}, outputName);

  const valueInfo = (name: string, shape: readonly number[]) => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims(batch, shape) } } },
  });
  const ModelProto = onnxType("ModelProto");
  const message = ModelProto.fromObject({
    irVersion,
    opsetImport: [{ domain: "", version: opset }],
    producerName: "descent",
    producerVersion: "0.1.0",
    graph: {
      name: model.name ?? "descent",
      node: graph.nodes,
      initializer: graph.initializers,
      input: [valueInfo(inputName, inputShape)],
      output: [valueInfo(outputName, outputShape)],
    },
  });
  return ModelProto.encode(message).finish();
}
