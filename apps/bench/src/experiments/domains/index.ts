import { existsSync } from "node:fs";
import { join } from "node:path";
import { column, defineExperiment } from "../../experiment.js";
import { domainsFinding } from "./finding.js";
import {
  type DomainResult,
  sensorMajorityBaseline,
  sensorSplit,
  spamSplit,
  type Training,
  trainDigits,
  trainFashion,
  trainSensor,
  trainSpam,
} from "./tasks.js";

interface DomainsSettings {
  readonly batchSize: number;
  readonly digits: {
    readonly trainCount: number;
    readonly testCount: number;
    readonly hidden: number;
    readonly epochs: number;
    readonly learningRate: number;
  };
  /** `null`: Fashion-MNIST is not run (quick and tiny modes). */
  readonly fashion: {
    readonly trainCount: number;
    readonly testCount: number;
    readonly epochs: number;
  } | null;
  readonly spam: {
    readonly vocabularySize: number;
    readonly stride: number;
    readonly epochs: number;
    readonly learningRate: number;
    /** An extra MLP row (`null`: logistic regression only). */
    readonly mlp: { readonly hidden: number; readonly learningRate: number } | null;
  };
  readonly sensor: { readonly hidden: number; readonly epochs: number; readonly learningRate: number };
}

const FASHION_FILE = "train-images-idx3-ubyte.gz";

/** `domains`: the same gradient descent on images, text and rare events, with the metric each task needs. */
export const domains = defineExperiment<DomainsSettings>({
  id: "domains",
  title: "Performance of gradient descent in different domains",
  question:
    "Does gradient descent perform differently on image recognition, text classification and rare-event (fraud-like) detection, and which metric tells the truth on each?",
  settings: {
    tiny: {
      batchSize: 32,
      digits: { trainCount: 400, testCount: 200, hidden: 32, epochs: 2, learningRate: 0.05 },
      fashion: null,
      spam: { vocabularySize: 300, stride: 12, epochs: 2, learningRate: 0.5, mlp: null },
      sensor: { hidden: 8, epochs: 1, learningRate: 0.02 },
    },
    quick: {
      batchSize: 64,
      digits: { trainCount: 8000, testCount: 2000, hidden: 128, epochs: 10, learningRate: 0.05 },
      fashion: null,
      spam: {
        vocabularySize: 2000,
        stride: 1,
        epochs: 8,
        learningRate: 0.5,
        mlp: { hidden: 32, learningRate: 0.1 },
      },
      sensor: { hidden: 16, epochs: 12, learningRate: 0.02 },
    },
    full: {
      batchSize: 64,
      digits: { trainCount: 8000, testCount: 2000, hidden: 128, epochs: 15, learningRate: 0.05 },
      fashion: { trainCount: 20000, testCount: 10000, epochs: 15 },
      spam: {
        vocabularySize: 2000,
        stride: 1,
        epochs: 15,
        learningRate: 0.5,
        mlp: { hidden: 32, learningRate: 0.1 },
      },
      sensor: { hidden: 16, epochs: 30, learningRate: 0.02 },
    },
  },
  // Estimated seconds on 2 cores (tiny: measured; quick and full: estimates), for balancing --shard.
  cost: { tiny: 3.1, quick: 60, full: 600 },
  async run(settings, context) {
    const seed = context.seed;
    const runFashion =
      settings.fashion !== null && existsSync(join(context.fashionMnistDirectory, FASHION_FILE));
    const jobs: {
      readonly label: string;
      readonly run: (training: (epochs: number, learningRate: number) => Training) => Promise<DomainResult[]>;
    }[] = [];
    jobs.push({
      label: "MNIST digits",
      run: async (training) => [
        await trainDigits(
          settings.digits.trainCount,
          settings.digits.testCount,
          settings.digits.hidden,
          training(settings.digits.epochs, settings.digits.learningRate),
        ),
      ],
    });
    if (runFashion && settings.fashion) {
      const fashion = settings.fashion;
      jobs.push({
        label: "Fashion-MNIST",
        run: async (training) => [
          await trainFashion(
            context.fashionMnistDirectory,
            fashion.trainCount,
            fashion.testCount,
            settings.digits.hidden,
            training(fashion.epochs, settings.digits.learningRate),
          ),
        ],
      });
    }
    jobs.push({
      label: "SpamAssassin",
      run: async (training) => {
        const split = spamSplit({
          vocabularySize: settings.spam.vocabularySize,
          stride: settings.spam.stride,
          seed,
        });
        const results = [
          await trainSpam(split, 0, training(settings.spam.epochs, settings.spam.learningRate)),
        ];
        const mlp = settings.spam.mlp;
        if (mlp !== null) {
          results.push(await trainSpam(split, mlp.hidden, training(settings.spam.epochs, mlp.learningRate)));
        }
        return results;
      },
    });
    jobs.push({
      label: "sensor anomalies",
      run: async (training) => {
        const split = sensorSplit(seed);
        const { hidden, epochs, learningRate } = settings.sensor;
        return [
          sensorMajorityBaseline(split),
          await trainSensor(split, hidden, false, training(epochs, learningRate)),
          await trainSensor(split, hidden, true, training(epochs, learningRate)),
        ];
      },
    });

    const results: DomainResult[] = [];
    for (const [index, job] of jobs.entries()) {
      const training = (epochs: number, learningRate: number): Training => ({
        epochs,
        batchSize: settings.batchSize,
        learningRate,
        seed,
        onProgress: (fraction) => context.progress((index + fraction) / jobs.length, job.label),
      });
      context.progress(index / jobs.length, job.label);
      results.push(...(await job.run(training)));
    }
    context.progress(1, "done");

    const percent = (value: number) => 100 * value;
    return {
      columns: [
        column("domain"),
        column("data set"),
        column("model and optimizer"),
        column("train samples"),
        column("test samples"),
        column("majority-class accuracy", "%"),
        column("test accuracy", "%"),
        column("precision", "macro for 10 classes, else positive class"),
        column("recall", "macro for 10 classes, else positive class"),
        column("F1", "macro for 10 classes, else positive class"),
        column("PR-AUC", "macro one-vs-rest for 10 classes, else positive class"),
        column("epochs to 95 % of final F1"),
        column("epochs"),
        column("training time", "s, evaluations excluded"),
      ],
      rows: results.map((result) => [
        result.domain,
        result.dataset,
        result.model,
        result.trainCount,
        result.testCount,
        percent(result.majorityAccuracy),
        percent(result.accuracy),
        result.precision,
        result.recall,
        result.f1,
        result.prAuc,
        result.epochsTo95,
        result.epochs,
        result.seconds,
      ]),
      ...domainsFinding(results, {
        fashionSkipped: settings.fashion !== null && !runFashion ? context.fashionMnistDirectory : null,
      }),
      plots: [
        {
          id: "f1-by-epoch",
          title: "Test F1 after each epoch of mini-batch gradient descent",
          kind: "line",
          xLabel: "epoch",
          yLabel: "test F1",
          series: results
            .filter((result) => result.curve.length > 0)
            .map((result) => ({ name: result.label, points: result.curve })),
        },
      ],
    };
  },
});
