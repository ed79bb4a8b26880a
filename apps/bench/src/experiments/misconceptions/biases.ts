import { relu } from "@descent/activations";
import { circle, splitDataset } from "@descent/data";
import { dense, evaluate, fit, flattenTree, metrics, sequential } from "@descent/nn";
import { adam, chain, masked, scale, sgd } from "@descent/optimizers";
import type { Dataset, GradientTransformation, ParamTree, Tensor as TensorLike } from "@descent/spec";
import { mnist } from "../shared/datasets.js";
import { type ClaimResult, formatPercent, formatValue } from "./types.js";

/** Settings of claim 5. */
export interface BiasSettings {
  readonly trainCount: number;
  readonly testCount: number;
  readonly hidden: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly circleCount: number;
  readonly circleEpochs: number;
}

interface GradientLog {
  readonly bias: number[];
  readonly weights: number[];
}

const isBias = (path: readonly string[]) => path.at(-1) === "bias";

/** Records ‖∂L/∂b‖ and ‖∂L/∂W‖ (over all layers) of every step and passes the gradients on unchanged. */
function recordGradientNorms(log: GradientLog): GradientTransformation<Record<string, never>> {
  return {
    init: () => ({}),
    update(gradients, state) {
      let bias = 0;
      let weights = 0;
      for (const [path, tensor] of flattenTree(gradients)) {
        let total = 0;
        for (const value of tensor.data) total += value * value;
        if (path.endsWith("bias")) bias += total;
        else weights += total;
      }
      log.bias.push(Math.sqrt(bias));
      log.weights.push(Math.sqrt(weights));
      return { updates: gradients, state };
    },
  };
}

/** ‖after − before‖ over the leaves whose path ends in `suffix`. */
function movement(before: ParamTree, after: ParamTree, suffix: string): number {
  const start = new Map(flattenTree(before));
  let total = 0;
  for (const [path, tensor] of flattenTree(after)) {
    if (!path.endsWith(suffix)) continue;
    const initial = start.get(path)!.data;
    for (let i = 0; i < tensor.data.length; i++) total += (tensor.data[i]! - initial[i]!) ** 2;
  }
  return Math.sqrt(total);
}

const effect = (cost: number) =>
  cost > 0
    ? `cost ${formatValue(100 * cost, 3)} points of test accuracy`
    : `did not hurt (${formatValue(-100 * cost, 3)} points better)`;
const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Claim 5: backprop updates the biases too. On MNIST the bias gradients of every step are recorded and the
 * biases' movement measured; then the same training with bias updates zeroed (a masked `scale(0)` before the
 * optimizer); on the Playground's circle, where a network without biases can only draw boundaries through the origin.
 */
export function biasesAreUpdated(
  settings: BiasSettings,
  seed: number,
  progress: (fraction: number) => void,
): ClaimResult {
  const { train, test } = mnist(settings.trainCount, settings.testCount, seed);
  const digitsModel = sequential([dense(784, settings.hidden), relu(), dense(settings.hidden, 10)]);
  const initial = digitsModel.init(seed);
  const log: GradientLog = { bias: [], weights: [] };
  const optimizer = () => sgd({ learningRate: settings.learningRate, momentum: 0.9 });
  const freeze = <State>(inner: GradientTransformation<State>) => chain(masked(scale(0), isBias), inner);
  const trainDigits = (transformation: GradientTransformation<unknown>) =>
    fit(digitsModel, initial, train, {
      optimizer: transformation,
      loss: "softmaxCrossEntropyFromLogits",
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      seed,
    }).params;
  const scoreDigits = (params: ParamTree) =>
    evaluate(digitsModel, params, test, { loss: "softmaxCrossEntropyFromLogits", metrics: ["accuracy"] });
  const withBiases = trainDigits(
    chain(recordGradientNorms(log), optimizer()) as GradientTransformation<unknown>,
  );
  progress(0.35);
  const frozen = trainDigits(freeze(optimizer()) as GradientTransformation<unknown>);
  progress(0.6);
  const digits = { free: scoreDigits(withBiases), frozen: scoreDigits(frozen) };

  const split = splitDataset(circle({ count: settings.circleCount, noise: 0, seed }), {
    testFraction: 0.25,
    stratify: true,
    seed,
  });
  const circleModel = sequential([dense(2, 8), relu(), dense(8, 8), relu(), dense(8, 1)]);
  const accuracy = {
    name: "accuracy",
    direction: "higher" as const,
    compute: (p: TensorLike, t: TensorLike) => metrics.accuracy(p, t, { threshold: 0 }),
  };
  const trainCircle = (transformation: GradientTransformation<unknown>) => {
    const params = fit(circleModel, circleModel.init(seed), split.train as Dataset, {
      optimizer: transformation,
      loss: "binaryCrossEntropyFromLogits",
      epochs: settings.circleEpochs,
      batchSize: 32,
      seed,
    }).params;
    return evaluate(circleModel, params, split.test, { metrics: [accuracy] }).accuracy!;
  };
  const circleFree = trainCircle(adam({ learningRate: 0.01 }) as GradientTransformation<unknown>);
  progress(0.8);
  const circleFrozen = trainCircle(freeze(adam({ learningRate: 0.01 })) as GradientTransformation<unknown>);
  progress(1);

  const biasMoved = movement(initial, withBiases, "bias");
  const weightsMoved = movement(initial, withBiases, "weights");
  const frozenMoved = movement(initial, frozen, "bias");
  const nonZeroSteps = log.bias.filter((value) => value > 0).length;
  const digitsCost = digits.free.accuracy! - digits.frozen.accuracy!;
  const circleCost = circleFree - circleFrozen;
  return {
    claim: "5. Backpropagation only updates weights",
    articleSays:
      "“Backpropagation updates all the parameters of the neural network, including both the weights and biases”",
    setup: `MLP 784-${settings.hidden}-10 (ReLU) on ${settings.trainCount} MNIST digits, SGD momentum 0.9, η = ${settings.learningRate}, ${settings.epochs} epochs, bias and weight gradient norms recorded every step; the same run with bias updates zeroed (chain(masked(scale(0), bias), sgd)); MLP 2-8-8-1 (ReLU, Adam) on ${settings.circleCount} points of the Playground's circle, with and without bias updates (biases start at 0)`,
    measurement:
      `MNIST: ${nonZeroSteps} of ${log.bias.length} steps had a non-zero bias gradient (mean ‖∂L/∂b‖ ${formatValue(mean(log.bias))}, min ${formatValue(Math.min(...log.bias))}; weights ${formatValue(mean(log.weights))}); ` +
      `biases moved ‖b_end − b_start‖ = ${formatValue(biasMoved)} (weights ${formatValue(weightsMoved)}; frozen run ${formatValue(frozenMoved)}); test accuracy ${formatPercent(digits.free.accuracy!)} with bias updates, ${formatPercent(digits.frozen.accuracy!)} without (loss ${formatValue(digits.free.loss!)} vs ${formatValue(digits.frozen.loss!)}); ` +
      `circle: ${formatPercent(circleFree)} with bias updates, ${formatPercent(circleFrozen)} without`,
    headline: `biases received a non-zero gradient in ${nonZeroSteps} of ${log.bias.length} steps and moved by ${formatValue(biasMoved)}; freezing them ${effect(digitsCost)} on MNIST and ${effect(circleCost)} on the circle`,
    verdict:
      nonZeroSteps === log.bias.length && biasMoved > 0
        ? `holds: backprop gave the biases a gradient at every step and they moved; freezing them ${effect(digitsCost)} on MNIST and ${effect(circleCost)} on the circle, where a ReLU network without biases can only separate by rays from the origin`
        : `does not hold here: ${log.bias.length - nonZeroSteps} steps had no bias gradient`,
  };
}
