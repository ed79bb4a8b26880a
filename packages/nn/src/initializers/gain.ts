import { ValueError } from "@descent/tensor";
import { describe } from "../layers/validate.js";

/**
 * The recommended gain for an activation, as PyTorch's `torch.nn.init.calculate_gain`: the factor that
 * keeps the variance of activations steady through layers when it scales an initializer's std.
 *
 * | nonlinearity | gain |
 * |---|---|
 * | `linear`, `conv2d`, `sigmoid` | 1 |
 * | `tanh` | 5/3 |
 * | `relu` | √2 |
 * | `leakyRelu` | √(2 / (1 + slope²)), `param` = negative slope, default 0.01 |
 * | `selu` | 3/4 |
 *
 * @example
 * calculateGain("relu") // 1.4142…
 * calculateGain("leakyRelu", 0.2) // √(2 / 1.04)
 */
export function calculateGain(nonlinearity: string, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "identity":
    case "conv2d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leakyRelu": {
      const slope = param ?? 0.01;
      if (typeof slope !== "number" || !Number.isFinite(slope))
        throw new ValueError("calculateGain", `negative slope is ${describe(slope)}: use a finite number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new ValueError(
        "calculateGain",
        `no recommended gain for ${describe(nonlinearity)}: use one of linear, conv2d, sigmoid, tanh, relu, leakyRelu, selu, or pass a number as gain`,
      );
  }
}
