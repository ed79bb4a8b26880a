import { describeValue } from "@descent/tensor";
import { UnsupportedLayerError } from "./errors.js";
import type { GraphBuilder } from "./graph.js";

/** An activation as a saved activation layer describes it: `{ name, options }` of `@descent/activations`. */
export interface ActivationDescription {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** Where an activation is lowered: the graph, the layer's name (node prefix, errors) and the opset. */
export interface ActivationContext {
  readonly graph: GraphBuilder;
  readonly layer: string;
  readonly opset: number;
  readonly op: string;
}

/** SELU constants of `@descent/activations` (`SELU_ALPHA`, `SELU_SCALE`), the values of the SELU paper. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * The activations of `@descent/activations` that export, by registry name, with the ONNX op(s) each becomes
 * (at the default opset 20; `gelu` is the `Erf` composition and `mish` `x·Tanh(Softplus(x))` below their
 * ops' opsets, 20 and 18).
 *
 * @example
 * exportableActivations.gelu; // "Gelu"
 */
export const exportableActivations: Readonly<Record<string, string>> = Object.freeze({
  relu: "Relu",
  leakyRelu: "LeakyRelu",
  elu: "Elu",
  selu: "Selu",
  celu: "Celu",
  gelu: "Gelu (opset ≥ 20; Erf composition below)",
  silu: "Sigmoid, Mul",
  swish: "Sigmoid, Mul",
  mish: "Mish (opset ≥ 18; Softplus, Tanh, Mul below)",
  sigmoid: "Sigmoid",
  hardSigmoid: "HardSigmoid (alpha 1/6, beta 1/2)",
  tanh: "Tanh",
  hardTanh: "Clip",
  relu6: "Clip (0, 6)",
  softplus: "Softplus (beta 1, threshold 20; Mul, Greater, Where, Div otherwise)",
  softsign: "Softsign",
  linear: "Identity",
  logSigmoid: "Neg, Softplus, Neg",
  softmax: "Softmax",
  logSoftmax: "LogSoftmax",
});

function numberOption(
  context: ActivationContext,
  description: ActivationDescription,
  key: string,
  fallback: number,
): number {
  const value = description.options[key] ?? fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new UnsupportedLayerError(
      context.op,
      context.layer,
      `activation ${description.name} has option ${key} = ${describeValue(value)}, expected a finite number`,
    );
  }
  return value;
}

/** Whether `name` is applied along an axis (so its axis must see the tensor in descent's layout). */
export function isAxisActivation(name: string): boolean {
  return name === "softmax" || name === "logSoftmax";
}

/**
 * Appends the ONNX nodes computing activation `description` of `input` to the graph; returns the output name.
 *
 * @throws UnsupportedLayerError for an activation outside `@descent/activations`' registry (a custom
 * `Activation` object, `defineActivation`), which ONNX cannot know.
 * @example
 * const y = lowerActivation({ name: "leakyRelu", options: { alpha: 0.2 } }, x, context); // LeakyRelu(alpha=0.2)
 */
export function lowerActivation(
  description: ActivationDescription,
  input: string,
  context: ActivationContext,
): string {
  const { graph, layer, opset } = context;
  const node = (opType: string, inputs: readonly string[], attributes = {}) =>
    graph.node(opType, inputs, layer, attributes);
  const scalar = (name: string, value: number) => graph.scalar(`${layer}/${name}`, value);
  const option = (key: string, fallback: number) => numberOption(context, description, key, fallback);
  switch (description.name) {
    case "relu":
      return node("Relu", [input]);
    case "leakyRelu":
      return node("LeakyRelu", [input], { alpha: { float: option("alpha", 0.01) } });
    case "elu":
      return node("Elu", [input], { alpha: { float: option("alpha", 1) } });
    case "selu":
      return node("Selu", [input], { alpha: { float: SELU_ALPHA }, gamma: { float: SELU_SCALE } });
    case "celu":
      return node("Celu", [input], { alpha: { float: option("alpha", 1) } });
    case "gelu": {
      const approximate = description.options.approximate ?? "none";
      if (approximate !== "none" && approximate !== "tanh") {
        throw new UnsupportedLayerError(
          context.op,
          layer,
          `gelu approximate = ${describeValue(approximate)}: expected "none" or "tanh"`,
        );
      }
      if (opset >= 20) return node("Gelu", [input], { approximate: { string: approximate } });
      const half = node("Mul", [input, scalar("half", 0.5)]);
      if (approximate === "none") {
        // x · Φ(x) = 0.5 · x · (1 + erf(x / √2))
        const erf = node("Erf", [node("Mul", [input, scalar("inverse_sqrt2", Math.SQRT1_2)])]);
        return node("Mul", [half, node("Add", [erf, scalar("one", 1)])]);
      }
      // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))
      const cube = node("Mul", [node("Mul", [input, input]), input]);
      const inner = node("Add", [input, node("Mul", [cube, scalar("cubic", 0.044715)])]);
      const tanh = node("Tanh", [node("Mul", [inner, scalar("sqrt_2_over_pi", Math.sqrt(2 / Math.PI))])]);
      return node("Mul", [half, node("Add", [tanh, scalar("one", 1)])]);
    }
    case "silu":
    case "swish":
      return node("Mul", [input, node("Sigmoid", [input])]);
    case "mish":
      if (opset >= 18) return node("Mish", [input]);
      return node("Mul", [input, node("Tanh", [node("Softplus", [input])])]);
    case "sigmoid":
      return node("Sigmoid", [input]);
    case "hardSigmoid":
      return node("HardSigmoid", [input], { alpha: { float: 1 / 6 }, beta: { float: 0.5 } });
    case "tanh":
      return node("Tanh", [input]);
    case "hardTanh":
      return node("Clip", [input, scalar("min", option("min", -1)), scalar("max", option("max", 1))]);
    case "relu6":
      return node("Clip", [input, scalar("min", 0), scalar("max", 6)]);
    case "softplus": {
      const beta = option("beta", 1);
      const threshold = option("threshold", 20);
      // ln(1 + eˣ) − x < 2.1e-9 past x = 20: ONNX's Softplus is the thresholded one to float32 precision.
      if (beta === 1 && threshold === 20) return node("Softplus", [input]);
      // x where beta·x > threshold, else Softplus(beta·x) / beta (PyTorch's definition, as descent).
      const scaled = node("Mul", [input, scalar("beta", beta)]);
      const smooth = node("Div", [node("Softplus", [scaled]), scalar("beta", beta)]);
      const linear = node("Greater", [scaled, scalar("threshold", threshold)]);
      return node("Where", [linear, input, smooth]);
    }
    case "softsign":
      return node("Softsign", [input]);
    case "linear":
      return node("Identity", [input]);
    case "logSigmoid":
      // log σ(x) = −softplus(−x)
      return node("Neg", [node("Softplus", [node("Neg", [input])])]);
    case "softmax":
    case "logSoftmax":
      return node(description.name === "softmax" ? "Softmax" : "LogSoftmax", [input], {
        axis: { int: option("axis", -1) },
      });
    default:
      throw new UnsupportedLayerError(
        context.op,
        layer,
        `activation "${description.name}" is not one of @descent/activations' registry (${Object.keys(exportableActivations).join(", ")}), so ONNX has no op for it: replace it with a registry activation, or export the model without it`,
      );
  }
}
