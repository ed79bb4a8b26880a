import { column, defineExperiment, type Finding, findingOf } from "../../experiment.js";
import { type BiasSettings, biasesAreUpdated } from "./biases.js";
import { backpropAtAnyDepth, type DepthSettings } from "./depth.js";
import {
  backpropWithoutGradientDescent,
  gradientDescentWithoutBackprop,
  type SeparationSettings,
} from "./gradient-descent-and-backprop.js";
import { type LocalMinimaSettings, localMinima } from "./local-minima.js";
import { type ReluSettings, reluSubgradient } from "./relu-subgradient.js";
import type { ClaimResult } from "./types.js";

interface MisconceptionsSettings {
  readonly separation: SeparationSettings;
  readonly depth: DepthSettings;
  readonly localMinima: LocalMinimaSettings;
  readonly relu: ReluSettings;
  readonly biases: BiasSettings;
}

type Status = "holds" | "holds in part" | "does not hold" | "undecided";

function statusOf(verdict: string): Status {
  if (verdict.startsWith("holds in part")) return "holds in part";
  if (verdict.startsWith("holds")) return "holds";
  if (verdict.startsWith("does not hold")) return "does not hold";
  return "undecided";
}

const PLURAL: Record<Status, string> = {
  holds: "hold",
  "holds in part": "hold in part",
  "does not hold": "do not hold",
  undecided: "undecided",
};

/** Headline: the tally, backpropagation without gradient descent, local minima; details: ReLU's kink. */
function finding(results: readonly ClaimResult[]): Finding {
  const statuses = results.map((result) => statusOf(result.verdict));
  const number = (result: ClaimResult) => result.claim.split(".")[0]!;
  const counts = (["holds", "holds in part", "does not hold", "undecided"] as const)
    .map((status) => ({
      status,
      claims: results.filter((_, index) => statuses[index] === status).map(number),
    }))
    .filter((entry) => entry.claims.length > 0)
    .map(
      (entry) =>
        `${entry.claims.length} ${entry.claims.length === 1 ? entry.status : PLURAL[entry.status]} (${entry.claims.join(", ")})`,
    );
  const sentences = [
    `Of ${results.length} checks of the article's five misconceptions, ${counts.join(", ")} in this run.`,
  ];
  const byNumber = (claim: string) => results.find((result) => number(result) === claim);
  const backpropNeedsDescent = byNumber("1b");
  if (backpropNeedsDescent) {
    sentences.push(
      statusOf(backpropNeedsDescent.verdict) === "does not hold"
        ? `The article is wrong that backpropagation requires gradient descent: ${backpropNeedsDescent.headline}.`
        : `Backpropagation without gradient descent was not shown in this run: ${backpropNeedsDescent.headline}.`,
    );
  }
  const minima = byNumber("3");
  if (minima) {
    sentences.push(
      `On local minima, ${minima.headline}: where training ends is decided by the starting point and the optimizer, so the article's “backpropagation is deterministic” (hence stuck) mixes up computing the gradient with descending it.`,
    );
  }
  const relu = byNumber("4");
  return findingOf(sentences, relu ? [`For ReLU's kink, ${relu.headline}.`] : []);
}

/** `misconceptions`: each of the first article's five misconceptions, tested by a measurement of this run. */
export const misconceptions = defineExperiment<MisconceptionsSettings>({
  id: "misconceptions",
  title: "Common misconceptions about backpropagation and gradient descent, measured",
  question:
    "Do the first article's five claims about backpropagation and gradient descent survive a measurement?",
  settings: {
    tiny: {
      separation: {
        regressionCount: 100,
        gradientDescentSteps: 300,
        learningRate: 0.03,
        moonsCount: 60,
        hidden: 6,
        lbfgsIterations: 40,
      },
      depth: {
        depths: [1, 4],
        width: 8,
        count: 120,
        maxEpochs: 8,
        target: 0.9,
        learningRate: 0.01,
        batchSize: 32,
      },
      localMinima: { seeds: 4, count: 80, hidden: 3, epochs: 60, learningRate: 0.5 },
      relu: { trainCount: 200, testCount: 100, hidden: 16, epochs: 1, learningRate: 0.05, batchSize: 32 },
      biases: {
        trainCount: 200,
        testCount: 100,
        hidden: 16,
        epochs: 1,
        learningRate: 0.05,
        batchSize: 32,
        circleCount: 80,
        circleEpochs: 3,
      },
    },
    quick: {
      separation: {
        regressionCount: 400,
        gradientDescentSteps: 400,
        learningRate: 0.03,
        moonsCount: 200,
        hidden: 16,
        lbfgsIterations: 200,
      },
      depth: {
        depths: [1, 4, 8],
        width: 16,
        count: 400,
        maxEpochs: 200,
        target: 0.95,
        learningRate: 0.01,
        batchSize: 32,
      },
      localMinima: { seeds: 30, count: 200, hidden: 3, epochs: 800, learningRate: 0.5 },
      relu: { trainCount: 5000, testCount: 2000, hidden: 64, epochs: 3, learningRate: 0.05, batchSize: 32 },
      biases: {
        trainCount: 5000,
        testCount: 2000,
        hidden: 64,
        epochs: 3,
        learningRate: 0.05,
        batchSize: 32,
        circleCount: 400,
        circleEpochs: 60,
      },
    },
    full: {
      separation: {
        regressionCount: 1000,
        gradientDescentSteps: 600,
        learningRate: 0.03,
        moonsCount: 400,
        hidden: 16,
        lbfgsIterations: 400,
      },
      depth: {
        depths: [1, 4, 8, 16],
        width: 16,
        count: 600,
        maxEpochs: 300,
        target: 0.95,
        learningRate: 0.01,
        batchSize: 32,
      },
      localMinima: { seeds: 60, count: 200, hidden: 3, epochs: 1500, learningRate: 0.5 },
      relu: { trainCount: 8000, testCount: 2000, hidden: 128, epochs: 5, learningRate: 0.05, batchSize: 64 },
      biases: {
        trainCount: 8000,
        testCount: 2000,
        hidden: 128,
        epochs: 5,
        learningRate: 0.05,
        batchSize: 64,
        circleCount: 600,
        circleEpochs: 100,
      },
    },
  },
  // Estimated seconds on 2 cores (tiny: measured; quick and full: estimates), for balancing --shard.
  cost: { tiny: 1.1, quick: 30, full: 150 },
  async run(settings, context) {
    const seed = context.seed;
    // Shares of the run's time, for the progress bar.
    const steps: {
      readonly label: string;
      readonly weight: number;
      readonly run: (progress: (fraction: number) => void) => ClaimResult;
    }[] = [
      {
        label: "1a GD without backprop",
        weight: 0.02,
        run: () => gradientDescentWithoutBackprop(settings.separation, seed),
      },
      {
        label: "1b backprop without GD",
        weight: 0.08,
        run: () => backpropWithoutGradientDescent(settings.separation, seed),
      },
      {
        label: "2 depth",
        weight: 0.2,
        run: (progress) => backpropAtAnyDepth(settings.depth, seed, progress),
      },
      {
        label: "3 local minima",
        weight: 0.3,
        run: (progress) => localMinima(settings.localMinima, seed, progress),
      },
      {
        label: "4 ReLU subgradient",
        weight: 0.25,
        run: (progress) => reluSubgradient(settings.relu, seed, progress),
      },
      {
        label: "5 biases",
        weight: 0.15,
        run: (progress) => biasesAreUpdated(settings.biases, seed, progress),
      },
    ];
    const results: ClaimResult[] = [];
    let done = 0;
    for (const step of steps) {
      context.progress(done, step.label);
      results.push(step.run((fraction) => context.progress(done + step.weight * fraction, step.label)));
      done += step.weight;
    }
    context.progress(1, "done");
    return {
      columns: [
        column("misconception"),
        column("the article says"),
        column("set-up"),
        column("measurement"),
        column("verdict"),
      ],
      rows: results.map((result) => [
        result.claim,
        result.articleSays,
        result.setup,
        result.measurement,
        result.verdict,
      ]),
      ...finding(results),
      plots: results.flatMap((result) => result.plots ?? []),
    };
  },
});
