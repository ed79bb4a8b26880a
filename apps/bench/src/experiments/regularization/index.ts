import { relu } from "@descent/activations";
import { dense, dropout, evaluate, fit, flattenTree, sequential } from "@descent/nn";
import type { ParamTree } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { column, defineExperiment, type ExperimentResult, type ExperimentUnits } from "../../experiment.js";
import { regularizationFinding } from "./finding.js";
import { type Method, methods, type Strengths } from "./methods.js";
import { type OverfittingData, overfittingData } from "./setup.js";

interface RegularizationSettings {
  readonly trainCount: number;
  readonly validationCount: number;
  readonly testCount: number;
  readonly hidden: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Label-noise levels, each a separate block of rows (0 = clean labels). */
  readonly labelNoise: readonly number[];
  /** Repeats with different seeds (data split, noise, initialization, shuffling); rows show means. */
  readonly seeds: number;
  readonly strengths: Strengths;
}

/** One method at one noise level, averaged over seeds. */
export interface RegularizationResult {
  readonly labelNoise: number;
  readonly method: Method;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  /** Share of weights (biases excluded) with |w| < 1e-3. */
  readonly small: number;
  /** Share of weights exactly 0. */
  readonly zeros: number;
  readonly epochs: number;
  readonly seconds: number;
  /** Test digits behind the mean (test set size × seeds, each seed with its own split). */
  readonly testSamples: number;
}

const SMALL = 1e-3;

function sparsity(params: ParamTree): { small: number; zeros: number } {
  let small = 0;
  let zeros = 0;
  let count = 0;
  for (const [path, tensor] of flattenTree(params)) {
    if (!path.endsWith("weights")) continue;
    for (const value of tensor.data) {
      if (Math.abs(value) < SMALL) small++;
      if (value === 0) zeros++;
    }
    count += tensor.data.length;
  }
  return { small: small / count, zeros: zeros / count };
}

function trainOnce(settings: RegularizationSettings, method: Method, data: OverfittingData, seed: number) {
  const hidden = settings.hidden;
  const model = sequential(
    method.dropout > 0
      ? [dense(784, hidden), relu(), dropout(method.dropout), dense(hidden, 10)]
      : [dense(784, hidden), relu(), dense(hidden, 10)],
  );
  const started = performance.now();
  const result = fit(model, model.init(seed), data.train, {
    loss: "softmaxCrossEntropyFromLogits",
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    seed,
    ...method.options(settings.learningRate, data.validation),
  } as Parameters<typeof fit>[3]);
  const seconds = (performance.now() - started) / 1000;
  const train = evaluate(model, result.params, data.train, { metrics: ["accuracy"] });
  const test = evaluate(model, result.params, data.test, {
    loss: "softmaxCrossEntropyFromLogits",
    metrics: ["accuracy"],
  });
  return {
    trainAccuracy: train.accuracy!,
    testAccuracy: test.accuracy!,
    testLoss: test.loss!,
    ...sparsity(result.params),
    epochs: result.history.epochs.length,
    seconds,
  };
}

const mean = (values: readonly number[]) => values.reduce((total, value) => total + value, 0) / values.length;

/** One label-noise level and one method, every seed: a work unit of `--shard` (a row's timings come from one unit). */
const unitId = (labelNoise: number, method: Method) => `${100 * labelNoise} % wrong labels, ${method.name}`;

/** Estimated seconds of a unit: its seeds' training, proportional to the samples seen and the hidden width. */
function unitCost(settings: RegularizationSettings): number {
  return 0.05 + 1e-6 * settings.seeds * settings.epochs * settings.trainCount * settings.hidden;
}

type SeedRun = ReturnType<typeof trainOnce>;

function regularizationTable(
  results: readonly RegularizationResult[],
  settings: RegularizationSettings,
): ExperimentResult {
  const list = methods(settings.strengths);
  const noiseLabel = (noise: number) =>
    noise === 0 ? "clean" : `${100 * noise} % of train/validation labels wrong`;
  return {
    columns: [
      column("labels"),
      column("method"),
      column("setting"),
      column("train accuracy", "%, on the labels trained on"),
      column("test accuracy", "%, clean labels"),
      column("generalization gap", "points, train − test"),
      column("test loss", "cross-entropy"),
      column("weights with |w| < 1e-3", "%"),
      column("weights exactly 0", "%"),
      column("epochs trained"),
      column("training time", "s per run"),
    ],
    rows: results.map((result) => [
      noiseLabel(result.labelNoise),
      result.method.name,
      result.method.setting,
      100 * result.trainAccuracy,
      100 * result.testAccuracy,
      100 * (result.trainAccuracy - result.testAccuracy),
      result.testLoss,
      100 * result.small,
      100 * result.zeros,
      result.epochs,
      result.seconds,
    ]),
    ...regularizationFinding(results, {
      trainCount: settings.trainCount,
      hidden: settings.hidden,
      seeds: settings.seeds,
    }),
    plots: [
      {
        id: "gap-vs-test-accuracy",
        title: "Generalization gap against test accuracy (one point per label setting)",
        kind: "scatter",
        xLabel: "test accuracy (%)",
        yLabel: "train − test accuracy (points)",
        series: list.map((method) => ({
          name: method.name,
          points: results
            .filter((result) => result.method.name === method.name)
            .map(
              (result) =>
                [100 * result.testAccuracy, 100 * (result.trainAccuracy - result.testAccuracy)] as const,
            ),
        })),
      },
    ],
  };
}

/** Each label-noise level × method is a work unit (`--shard`), all its seeds inside. */
const regularizationUnits: ExperimentUnits<RegularizationSettings, SeedRun[]> = {
  list: (settings) =>
    settings.labelNoise.flatMap((labelNoise) =>
      methods(settings.strengths).map((method) => ({
        id: unitId(labelNoise, method),
        cost: unitCost(settings),
      })),
    ),
  async run(settings, id, context): Promise<SeedRun[]> {
    const unit = settings.labelNoise
      .flatMap((labelNoise) => methods(settings.strengths).map((method) => ({ labelNoise, method })))
      .find((candidate) => unitId(candidate.labelNoise, candidate.method) === id);
    if (!unit)
      throw new ValueError(
        "regularization",
        `no unit "${id}"; a unit is one label-noise level and one method`,
      );
    const runs: SeedRun[] = [];
    for (let repeat = 0; repeat < settings.seeds; repeat++) {
      const seed = context.seed + repeat;
      context.progress(repeat / settings.seeds, `${id}, seed ${seed}`);
      const data = overfittingData({
        trainCount: settings.trainCount,
        validationCount: settings.validationCount,
        testCount: settings.testCount,
        labelNoise: unit.labelNoise,
        seed,
      });
      runs.push(trainOnce(settings, unit.method, data, seed));
    }
    return runs;
  },
  combine(settings, parts) {
    const list = methods(settings.strengths);
    const results: RegularizationResult[] = settings.labelNoise.flatMap((labelNoise) =>
      list.map((method) => {
        const repeats = parts.get(unitId(labelNoise, method))!;
        const average = (pick: (run: SeedRun) => number) => mean(repeats.map(pick));
        return {
          labelNoise,
          method,
          trainAccuracy: average((run) => run.trainAccuracy),
          testAccuracy: average((run) => run.testAccuracy),
          testLoss: average((run) => run.testLoss),
          small: average((run) => run.small),
          zeros: average((run) => run.zeros),
          epochs: average((run) => run.epochs),
          // The mean over this unit's seeds, all measured by one process on one machine.
          seconds: average((run) => run.seconds),
          testSamples: settings.testCount * settings.seeds,
        };
      }),
    );
    return { ...regularizationTable(results, settings), rowUnits: [...parts.keys()] };
  },
};

/** `regularization`: eight ways to regularize a network that memorizes 500 digits, with and without noisy labels. */
export const regularization = defineExperiment<RegularizationSettings>({
  id: "regularization",
  title: "Impact of regularization techniques on generalization",
  question:
    "On a deliberately over-fitting set-up (few digits, a wide network, many epochs), which regularizer closes the gap between training and test accuracy, and what does it cost?",
  settings: {
    tiny: {
      trainCount: 100,
      validationCount: 100,
      testCount: 200,
      hidden: 32,
      epochs: 2,
      batchSize: 32,
      learningRate: 1e-3,
      labelNoise: [0, 0.2],
      seeds: 1,
      strengths: {
        l1: 5e-4,
        proximalL1: 0.05,
        l2: 5e-3,
        elasticNet: [2.5e-4, 2.5e-3],
        dropout: 0.5,
        weightDecay: 2,
        maxNorm: 1,
        patience: 1,
      },
    },
    quick: {
      trainCount: 500,
      validationCount: 500,
      testCount: 2000,
      hidden: 128,
      epochs: 30,
      batchSize: 50,
      learningRate: 1e-3,
      labelNoise: [0, 0.2],
      seeds: 2,
      strengths: {
        l1: 5e-4,
        proximalL1: 0.05,
        l2: 5e-3,
        elasticNet: [2.5e-4, 2.5e-3],
        dropout: 0.5,
        weightDecay: 2,
        maxNorm: 1,
        patience: 5,
      },
    },
    full: {
      trainCount: 500,
      validationCount: 500,
      testCount: 3000,
      hidden: 256,
      epochs: 50,
      batchSize: 50,
      learningRate: 1e-3,
      labelNoise: [0, 0.2],
      seeds: 3,
      strengths: {
        l1: 5e-4,
        proximalL1: 0.05,
        l2: 5e-3,
        elasticNet: [2.5e-4, 2.5e-3],
        dropout: 0.5,
        weightDecay: 2,
        maxNorm: 1,
        patience: 5,
      },
    },
  },
  // Estimated seconds on 2 cores (tiny: measured; quick and full: estimates), for balancing --shard.
  cost: { tiny: 1.8, quick: 60, full: 300 },
  units: regularizationUnits,
});
