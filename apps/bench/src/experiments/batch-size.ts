import { dense, evaluate, NonFiniteError, sequential } from "@descent/nn";
import { sgd } from "@descent/optimizers";
import type { ParamTree, ReportPlot } from "@descent/spec";
import { initKernels } from "@descent/tensor";
import { column, defineExperiment, type Finding, findingOf } from "../experiment.js";
import { mnist } from "./shared/datasets.js";
import { formatNumber, median } from "./shared/measure.js";
import { firstReaching, type Trace, tracedFit, warmUp } from "./shared/traced-fit.js";

interface BatchSizeSettings {
  readonly trainCount: number;
  readonly testCount: number;
  readonly hiddenSize: number;
  readonly learningRate: number;
  readonly epochs: number;
  /** Test accuracy that counts as trained. */
  readonly targetAccuracy: number;
  readonly measurementsPerEpoch: number;
}

interface Outcome {
  readonly batchSize: number;
  readonly trace: Trace | null;
}

const lossName = "softmaxCrossEntropyFromLogits";

/** Powers of two from 1 up to `limit`: `[1, 2, 4, …]`. */
function powersOfTwo(limit: number): number[] {
  const sizes: number[] = [];
  for (let size = 1; size <= limit; size *= 2) sizes.push(size);
  return sizes;
}

/** `batch-size`: one model trained with every power-of-two batch size, same seed, learning rate and epochs. */
export const batchSize = defineExperiment<BatchSizeSettings>({
  id: "batch-size",
  title: "Effect of mini-batch size on training time",
  question:
    "How does the mini-batch size change the time per epoch, the throughput, the time to a target accuracy and generalization?",
  settings: {
    tiny: {
      trainCount: 128,
      testCount: 64,
      hiddenSize: 16,
      learningRate: 0.05,
      epochs: 1,
      targetAccuracy: 0.25,
      measurementsPerEpoch: 2,
    },
    quick: {
      trainCount: 2000,
      testCount: 1000,
      hiddenSize: 64,
      learningRate: 0.05,
      epochs: 5,
      targetAccuracy: 0.85,
      measurementsPerEpoch: 4,
    },
    full: {
      trainCount: 8000,
      testCount: 2000,
      hiddenSize: 128,
      learningRate: 0.05,
      epochs: 10,
      targetAccuracy: 0.9,
      measurementsPerEpoch: 8,
    },
  },
  // Estimated seconds on 2 cores (tiny: measured; quick and full: estimates), for balancing --shard.
  cost: { tiny: 1.3, quick: 40, full: 200 },
  async run(settings, context) {
    await initKernels();
    const { train, test } = mnist(settings.trainCount, settings.testCount, context.seed);
    const model = sequential([
      dense(train.inputs.shape[1]!, settings.hiddenSize),
      "relu",
      dense(settings.hiddenSize, 10),
    ]);
    const initial = model.init(context.seed);
    const measure = (params: ParamTree) => ({
      testAccuracy: evaluate(model, params, test, { metrics: ["accuracy"] }).accuracy!,
    });
    warmUp(model, initial, train);
    const sizes = powersOfTwo(settings.trainCount);
    // Small batches take most of the time (per-update overhead): progress advances by 1/√batch shares.
    const weights = sizes.map((size) => 1 / Math.sqrt(size));
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
    let done = 0;
    const outcomes: Outcome[] = [];
    for (const [index, size] of sizes.entries()) {
      const share = weights[index]! / totalWeight;
      try {
        const trace = await tracedFit(model, initial, train, {
          optimizer: sgd({ learningRate: settings.learningRate }),
          loss: lossName,
          epochs: settings.epochs,
          mode: "mini-batch",
          batchSize: size,
          seed: context.seed,
          measurementsPerEpoch: settings.measurementsPerEpoch,
          measure,
          onProgress: (fraction) => context.progress(done + share * fraction, `batch ${size}`),
        });
        outcomes.push({ batchSize: size, trace });
      } catch (error) {
        if (!(error instanceof NonFiniteError)) throw error;
        outcomes.push({ batchSize: size, trace: null });
      }
      done += share;
    }

    const trainAccuracies = outcomes.map((outcome) =>
      outcome.trace
        ? evaluate(model, outcome.trace.params, train, { metrics: ["accuracy"] }).accuracy!
        : null,
    );
    const rows = outcomes.map(({ batchSize: size, trace }, index) => {
      const updates = Math.ceil(settings.trainCount / size);
      if (trace === null) return [size, updates, null, null, "diverged", "diverged", null, null, null];
      const epochSeconds = median(trace.epochSeconds);
      const reached = firstReaching(trace.points, "testAccuracy", settings.targetAccuracy, "above");
      const testAccuracy = trace.points[trace.points.length - 1]!.values.testAccuracy!;
      return [
        size,
        updates,
        epochSeconds,
        settings.trainCount / epochSeconds,
        reached ? reached.seconds : "not reached",
        reached ? reached.epoch : "not reached",
        trainAccuracies[index]!,
        testAccuracy,
        trainAccuracies[index]! - testAccuracy,
      ];
    });
    return {
      columns: [
        column("batch size", "samples per update"),
        column("updates per epoch"),
        column("time per epoch", "s (median, measurements excluded)"),
        column("samples per second", "samples/s"),
        column("time to target accuracy", `s until test accuracy ≥ ${settings.targetAccuracy}`),
        column("epochs to target accuracy", "epochs"),
        column("final train accuracy", "fraction"),
        column("final test accuracy", "fraction"),
        column("generalization gap", "train − test accuracy"),
      ],
      rows,
      ...finding(outcomes, rows, settings),
      plots: plots(outcomes, rows),
    };
  },
});

type Row = readonly (string | number | boolean | null)[];

/** Headline: throughput, time to the target accuracy, the best accuracy and widest gap; details: divergence. */
function finding(outcomes: readonly Outcome[], rows: readonly Row[], settings: BatchSizeSettings): Finding {
  const ran = rows.filter((row) => typeof row[3] === "number");
  const parts: string[] = [];
  if (ran.length >= 2) {
    const first = ran[0]!;
    const fastestThroughput = [...ran].sort((a, b) => (b[3] as number) - (a[3] as number))[0]!;
    parts.push(
      `Throughput rose from ${formatNumber(first[3] as number)} samples/s at batch ${first[0]} to ${formatNumber(fastestThroughput[3] as number)} at batch ${fastestThroughput[0]} ` +
        `(${formatNumber((fastestThroughput[3] as number) / (first[3] as number), 1)}×), so an epoch took ${formatNumber((first[2] as number) / (fastestThroughput[2] as number), 1)}× less time.`,
    );
  }
  const reached = rows.filter((row) => typeof row[4] === "number");
  const missed = rows.filter((row) => row[4] === "not reached").map((row) => row[0] as number);
  if (reached.length > 0) {
    const best = [...reached].sort((a, b) => (a[4] as number) - (b[4] as number))[0]!;
    parts.push(
      `With a fixed learning rate of ${settings.learningRate} and ${settings.epochs} epoch${settings.epochs === 1 ? "" : "s"}, test accuracy ${settings.targetAccuracy} was reached fastest at batch ${best[0]} ` +
        `(${formatNumber(best[4] as number, 2)} s, after ${formatNumber(best[5] as number, 2)} epochs)` +
        (missed.length > 0
          ? `; batch sizes ${missed.join(", ")} never reached it: fewer updates per epoch.`
          : "."),
    );
  } else {
    parts.push(
      `No batch size reached test accuracy ${settings.targetAccuracy} within ${settings.epochs} epoch${settings.epochs === 1 ? "" : "s"}.`,
    );
  }
  const gaps = rows.filter((row) => typeof row[8] === "number");
  if (gaps.length > 0) {
    const widest = [...gaps].sort((a, b) => (b[8] as number) - (a[8] as number))[0]!;
    const bestTest = [...gaps].sort((a, b) => (b[7] as number) - (a[7] as number))[0]!;
    parts.push(
      `The best final test accuracy was ${formatNumber(bestTest[7] as number, 3)} (batch ${bestTest[0]}); the widest generalization gap was ${formatNumber(widest[8] as number, 3)} (batch ${widest[0]}).`,
    );
  }
  const diverged = outcomes.filter((outcome) => outcome.trace === null).map((outcome) => outcome.batchSize);
  return findingOf(parts, diverged.length > 0 ? [`Batch sizes ${diverged.join(", ")} diverged.`] : []);
}

function plots(outcomes: readonly Outcome[], rows: readonly Row[]): ReportPlot[] {
  const numeric = (column: number) =>
    rows
      .filter((row) => typeof row[column] === "number")
      .map((row) => [row[0] as number, row[column] as number] as const);
  const positive = (points: readonly (readonly [number, number])[]) => points.filter(([, y]) => y > 0);
  return [
    {
      id: "throughput",
      title: "Samples per second by batch size",
      kind: "line",
      xLabel: "batch size",
      yLabel: "samples per second",
      xScale: "log",
      yScale: "log",
      series: [{ name: "descent", points: positive(numeric(3)) }],
    },
    {
      id: "time-to-target",
      title: "Time to the target test accuracy by batch size",
      kind: "line",
      xLabel: "batch size",
      yLabel: "seconds",
      xScale: "log",
      series: [{ name: "time to target", points: numeric(4) }],
    },
    {
      id: "accuracy",
      title: "Final accuracy and generalization gap by batch size",
      kind: "line",
      xLabel: "batch size",
      yLabel: "accuracy / gap",
      xScale: "log",
      series: [
        { name: "train accuracy", points: numeric(6) },
        { name: "test accuracy", points: numeric(7) },
        { name: "gap (train − test)", points: numeric(8) },
      ],
    },
    {
      id: "accuracy-vs-seconds",
      title: "Test accuracy by training time",
      kind: "line",
      xLabel: "seconds of training (log)",
      yLabel: "test accuracy",
      xScale: "log",
      series: outcomes
        .filter((outcome) => outcome.trace !== null)
        .map((outcome) => ({
          name: `batch ${outcome.batchSize}`,
          points: outcome
            .trace!.points.filter((point) => point.seconds > 0)
            .map((point) => [point.seconds, point.values.testAccuracy!] as const),
        })),
    },
  ];
}
