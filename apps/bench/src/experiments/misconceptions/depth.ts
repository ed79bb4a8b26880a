import { relu } from "@descent/activations";
import { valueAndGrad } from "@descent/autodiff";
import { splitDataset, twoMoons } from "@descent/data";
import {
  activation,
  type Callback,
  dense,
  fit,
  flattenTree,
  initializers,
  type Layer,
  losses,
  metrics,
  sequential,
} from "@descent/nn";
import { adam } from "@descent/optimizers";
import type { ParamTree, ReportPlot, Tensor as TensorLike } from "@descent/spec";
import { type ClaimResult, formatPercent, formatValue } from "./types.js";

/** Settings of claim 2. */
export interface DepthSettings {
  /** Numbers of hidden layers to train. */
  readonly depths: readonly number[];
  readonly width: number;
  readonly count: number;
  readonly maxEpochs: number;
  /** Test accuracy that counts as trained. */
  readonly target: number;
  readonly learningRate: number;
  readonly batchSize: number;
}

function norm(tensor: TensorLike): number {
  let total = 0;
  for (const value of tensor.data) total += value * value;
  return Math.sqrt(total);
}

interface DepthRun {
  readonly depth: number;
  readonly epochsToTarget: number | null;
  readonly finalAccuracy: number;
  /** ‖∂L/∂W₁‖ / ‖∂L/∂W_last‖ at initialization: how much gradient backprop carries to the first layer. */
  readonly firstToLastGradient: number;
  readonly curve: [number, number][];
}

/**
 * Claim 2: backpropagation works at any depth. ReLU MLPs (He-normal initialization, Adam) with 1 … N hidden
 * layers on two moons, each trained until the test accuracy reaches the target; the ratio of the first to the
 * last layer's gradient norm at initialization shows what backprop delivers to the bottom of the stack.
 */
export function backpropAtAnyDepth(
  settings: DepthSettings,
  seed: number,
  progress: (fraction: number) => void,
): ClaimResult {
  const split = splitDataset(twoMoons({ count: settings.count, noise: 0.1, seed }), {
    testFraction: 0.25,
    stratify: true,
    seed,
  });
  const accuracy = {
    name: "accuracy",
    direction: "higher" as const,
    compute: (p: TensorLike, t: TensorLike) => metrics.accuracy(p, t, { threshold: 0 }),
  };
  const runs: DepthRun[] = settings.depths.map((depth, index) => {
    const layers: Layer[] = [];
    for (let layer = 0; layer < depth; layer++) {
      layers.push(
        dense(layer === 0 ? 2 : settings.width, settings.width, {
          weightsInitializer: initializers.heNormal(),
        }),
      );
      layers.push(activation(relu()));
    }
    const model = sequential([...layers, dense(settings.width, 1)]);
    const params = model.init(seed + depth);
    const { gradients } = valueAndGrad((p: ParamTree) =>
      losses.binaryCrossEntropyFromLogits(model.apply(p, split.train.inputs), split.train.targets),
    )(params);
    const leaves = new Map(flattenTree(gradients as ParamTree));
    const first = norm(leaves.get(`${model.layerNames[0]}.weights`)!);
    const last = norm(leaves.get(`${model.layerNames.at(-1)}.weights`)!);
    let epochsToTarget: number | null = null;
    const curve: [number, number][] = [];
    const stopAtTarget: Callback = {
      name: "stopAtTarget",
      onEpochEnd(context, logs) {
        const value = logs.validationAccuracy!;
        curve.push([logs.epoch + 1, 100 * value]);
        if (value >= settings.target && epochsToTarget === null) {
          epochsToTarget = logs.epoch + 1;
          context.stopTraining = true;
        }
      },
    };
    fit(model, params, split.train, {
      optimizer: adam({ learningRate: settings.learningRate }),
      loss: "binaryCrossEntropyFromLogits",
      epochs: settings.maxEpochs,
      batchSize: settings.batchSize,
      seed: seed + depth,
      validationData: split.test,
      metrics: [accuracy],
      callbacks: [stopAtTarget],
    });
    progress((index + 1) / settings.depths.length);
    return {
      depth,
      epochsToTarget,
      finalAccuracy: curve.at(-1)![1] / 100,
      firstToLastGradient: first / last,
      curve,
    };
  });
  const reached = runs.filter((run) => run.epochsToTarget !== null);
  const describe = (run: DepthRun) =>
    `${run.depth} hidden layer${run.depth === 1 ? "" : "s"}: ${run.epochsToTarget === null ? `not reached in ${settings.maxEpochs} epochs (${formatPercent(run.finalAccuracy)})` : `${run.epochsToTarget} epoch${run.epochsToTarget === 1 ? "" : "s"}`}, first/last-layer gradient norm ${formatValue(run.firstToLastGradient, 2)}`;
  const plot: ReportPlot = {
    id: "depth-accuracy",
    title: "Test accuracy per epoch until the target, by number of hidden layers",
    kind: "line",
    xLabel: "epoch",
    yLabel: "test accuracy (%)",
    series: runs.map((run) => ({
      name: `${run.depth} hidden layer${run.depth === 1 ? "" : "s"}`,
      points: run.curve,
    })),
  };
  const deepest = Math.max(...settings.depths);
  return {
    claim: "2. Backpropagation requires a single hidden layer",
    articleSays:
      "“Backpropagation is a general algorithm that can be used with neural networks of any depth”",
    setup: `ReLU MLPs of width ${settings.width} with ${settings.depths.join(", ")} hidden layers (He-normal init, Adam η = ${settings.learningRate}, batch ${settings.batchSize}) on ${settings.count} two-moons points (25 % held out), trained until ${formatPercent(settings.target)} test accuracy or ${settings.maxEpochs} epochs`,
    measurement: runs.map(describe).join("; "),
    headline: `${reached.length} of ${runs.length} depths (1 to ${deepest} hidden layers) reached ${formatPercent(settings.target)} test accuracy`,
    verdict:
      reached.length === runs.length
        ? `holds: every depth up to ${deepest} hidden layers reached ${formatPercent(settings.target)} test accuracy, backprop reaching the first layer with a gradient ${formatValue(Math.min(...runs.map((run) => run.firstToLastGradient)), 2)}–${formatValue(Math.max(...runs.map((run) => run.firstToLastGradient)), 2)}× the last layer's`
        : `holds in part: ${reached.length} of ${runs.length} depths reached the target; ${runs
            .filter((run) => run.epochsToTarget === null)
            .map((run) => run.depth)
            .join(", ")} hidden layer(s) did not within ${settings.maxEpochs} epochs`,
    plots: [plot],
  };
}
