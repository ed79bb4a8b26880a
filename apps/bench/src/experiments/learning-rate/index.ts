import { adam, sgd } from "@descent/optimizers";
import type { GradientTransformation, ReportPlot, Schedule } from "@descent/spec";
import { column, defineExperiment } from "../../experiment.js";
import { mnistModel } from "../optimizers/network.js";
import { firstRows, mnist } from "../shared/datasets.js";
import { describeFinding, type RunSummary } from "./finding.js";
import { learningRateRangeTest, type RangeTestResult } from "./range-test.js";
import { type GuardedRun, guardedFit } from "./training.js";

/** Settings of the `learning-rate` experiment. */
export interface LearningRateSettings {
  /** Images the grid trains on (the first of the split); the range test makes one pass over all of them. */
  readonly gridTrainCount: number;
  readonly rangeTestTrainCount: number;
  readonly testCount: number;
  readonly hidden: number;
  readonly batchSize: number;
  readonly epochs: number;
  /** Grid points per decade between 1e-4 and 10. */
  readonly pointsPerDecade: number;
  readonly targetAccuracy: number;
  /** Loss-curve points per epoch (means of the step losses in each window). */
  readonly curvePointsPerEpoch: number;
}

const EXPLOSION_FACTOR = 10;
const LOWEST = 1e-4;
const HIGHEST = 10;

interface Family {
  readonly name: string;
  readonly make: (learningRate: number | Schedule) => GradientTransformation<unknown>;
}

const families: readonly Family[] = [
  { name: "SGD", make: (learningRate) => sgd({ learningRate }) },
  { name: "Adam", make: (learningRate) => adam({ learningRate }) },
];

/** Log-spaced learning rates from 1e-4 to 10, `pointsPerDecade` per decade. */
export function learningRateGrid(pointsPerDecade: number): number[] {
  const decades = Math.log10(HIGHEST / LOWEST);
  const count = Math.round(decades * pointsPerDecade);
  return Array.from({ length: count + 1 }, (_, k) =>
    Number((LOWEST * 10 ** (k / pointsPerDecade)).toPrecision(3)),
  );
}

function summarize(
  family: string,
  source: RunSummary["source"],
  learningRate: number,
  run: GuardedRun,
  target: number,
): RunSummary {
  const last = run.epochs.at(-1);
  const reached = run.epochs.findIndex((epoch) => epoch.accuracy >= target);
  return {
    family,
    source,
    learningRate,
    outcome: run.outcome,
    epochsToTarget: reached >= 0 ? reached + 1 : null,
    finalAccuracy: run.outcome.kind === "completed" && last ? last.accuracy : null,
    finalLoss: run.outcome.kind === "completed" && last ? last.loss : null,
  };
}

function outcomeText(summary: RunSummary, epochs: number, target: number): string {
  switch (summary.outcome.kind) {
    case "non-finite":
      return `diverged: non-finite loss or gradient at step ${summary.outcome.step} (caught by fit's guard)`;
    case "exploded":
      return `diverged: batch loss ${summary.outcome.loss.toPrecision(3)} > ${EXPLOSION_FACTOR}× the first at step ${summary.outcome.step}`;
    case "completed":
      return summary.epochsToTarget === null
        ? `did not reach test accuracy ${target} in ${epochs} epochs`
        : `reached test accuracy ${target} after ${summary.epochsToTarget} epoch${summary.epochsToTarget === 1 ? "" : "s"}`;
  }
}

function lossCurve(run: GuardedRun, pointsPerEpoch: number): [number, number][] {
  const window = Math.max(1, Math.round(run.stepsPerEpoch / pointsPerEpoch));
  const points: [number, number][] = [];
  for (let end = window; end <= run.stepLosses.length; end += window) {
    let sum = 0;
    for (let k = end - window; k < end; k++) sum += run.stepLosses[k]!;
    const mean = sum / window;
    if (Number.isFinite(mean) && mean > 0) points.push([end / run.stepsPerEpoch, mean]);
  }
  return points;
}

/** `learning-rate`: a log grid of learning rates for SGD and Adam, and Smith's range test against it. */
export const learningRate = defineExperiment<LearningRateSettings>({
  id: "learning-rate",
  title: "Influence of learning rate on convergence",
  question:
    "How do step sizes from 1e-4 to 10 change convergence speed and final accuracy for SGD and Adam, where does training diverge, and does a learning-rate range test find the good step size?",
  settings: {
    tiny: {
      gridTrainCount: 200,
      rangeTestTrainCount: 640,
      testCount: 100,
      hidden: 16,
      batchSize: 64,
      epochs: 2,
      pointsPerDecade: 1,
      targetAccuracy: 0.5,
      curvePointsPerEpoch: 2,
    },
    quick: {
      gridTrainCount: 2000,
      rangeTestTrainCount: 6400,
      testCount: 500,
      hidden: 32,
      batchSize: 64,
      epochs: 8,
      pointsPerDecade: 3,
      targetAccuracy: 0.85,
      curvePointsPerEpoch: 4,
    },
    full: {
      gridTrainCount: 4000,
      rangeTestTrainCount: 8000,
      testCount: 1000,
      hidden: 64,
      batchSize: 64,
      epochs: 12,
      pointsPerDecade: 4,
      targetAccuracy: 0.9,
      curvePointsPerEpoch: 4,
    },
  },
  // Estimated seconds on 2 cores (tiny: measured; quick and full: estimates), for balancing --shard.
  cost: { tiny: 0.6, quick: 60, full: 300 },
  async run(settings, context) {
    const full = mnist(settings.rangeTestTrainCount, settings.testCount, context.seed);
    const split = { train: firstRows(full.train, settings.gridTrainCount), test: full.test };
    const model = mnistModel(settings.hidden);
    const params = model.init(context.seed + 1);
    const grid = learningRateGrid(settings.pointsPerDecade);
    const totalRuns = families.length * (grid.length + 2);
    let done = 0;
    const train = (family: Family, rate: number) => {
      context.progress(done / totalRuns, `${family.name} η = ${rate}`);
      const run = guardedFit(model, params, split, {
        optimizer: family.make(rate),
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        seed: context.seed + 2,
        explosionFactor: EXPLOSION_FACTOR,
      });
      done++;
      return run;
    };

    const summaries: RunSummary[] = [];
    const curves = new Map<string, { name: string; points: [number, number][] }[]>();
    const rangeTests = new Map<string, RangeTestResult>();
    for (const family of families) {
      const familyCurves: { name: string; points: [number, number][] }[] = [];
      for (const rate of grid) {
        const run = train(family, rate);
        summaries.push(summarize(family.name, "grid", rate, run, settings.targetAccuracy));
        familyCurves.push({ name: `η = ${rate}`, points: lossCurve(run, settings.curvePointsPerEpoch) });
      }
      curves.set(family.name, familyCurves);
      const rangeTest = learningRateRangeTest(model, params, full.train, {
        optimizer: (schedule) => family.make(schedule),
        minimum: LOWEST,
        maximum: HIGHEST,
        batchSize: settings.batchSize,
        seed: context.seed + 3,
      });
      rangeTests.set(family.name, rangeTest);
      for (const [source, rate] of [
        ["range test: steepest descent", rangeTest.steepest],
        ["range test: minimum-loss η / 10", rangeTest.minimumOverTen],
      ] as const) {
        const rounded = Number(rate.toPrecision(3));
        summaries.push(
          summarize(family.name, source, rounded, train(family, rounded), settings.targetAccuracy),
        );
      }
    }

    const rows = summaries.map((summary) => [
      summary.family,
      summary.source,
      summary.learningRate,
      summary.outcome.kind !== "completed" ? "diverged" : (summary.epochsToTarget ?? "not reached"),
      summary.outcome.kind !== "completed" ? "diverged" : summary.finalAccuracy,
      summary.outcome.kind !== "completed" ? "diverged" : summary.finalLoss,
      summary.outcome.kind !== "completed",
      outcomeText(summary, settings.epochs, settings.targetAccuracy),
    ]);
    const curvePlots: ReportPlot[] = families.map((family) => ({
      id: `loss-curves-${family.name.toLowerCase()}`,
      title: `${family.name}: training loss by learning rate (diverged runs end where divergence was caught)`,
      kind: "line",
      xLabel: "epoch",
      yLabel: "training loss (mean of the window's batches)",
      yScale: "log",
      series: curves.get(family.name)!.filter((series) => series.points.length > 0),
    }));
    const accuracyPlot: ReportPlot = {
      id: "accuracy",
      title: `Final test accuracy after ${settings.epochs} epochs against the learning rate (diverged runs omitted)`,
      kind: "line",
      xLabel: "learning rate η",
      yLabel: "test accuracy",
      xScale: "log",
      series: families.map((family) => ({
        name: family.name,
        points: summaries
          .filter(
            (summary) =>
              summary.family === family.name && summary.source === "grid" && summary.finalAccuracy !== null,
          )
          .map((summary) => [summary.learningRate, summary.finalAccuracy!] as [number, number]),
      })),
    };
    const rangePlot: ReportPlot = {
      id: "range-test",
      title: "Learning-rate range test: smoothed loss over one pass with η growing exponentially",
      kind: "line",
      xLabel: "learning rate η",
      yLabel: "smoothed training loss",
      xScale: "log",
      yScale: "log",
      series: families.map((family) => ({
        name: family.name,
        points: rangeTests.get(family.name)!.curve.filter(([, loss]) => Number.isFinite(loss) && loss > 0),
      })),
    };
    context.progress(1, "done");
    return {
      columns: [
        column("optimizer"),
        column("learning rate from"),
        column("learning rate η"),
        column(`epochs to test accuracy ≥ ${settings.targetAccuracy}`, "epochs"),
        column(`test accuracy after ${settings.epochs} epochs`, "fraction"),
        column("final training loss", "cross-entropy"),
        column("diverged"),
        column("outcome"),
      ],
      rows,
      ...describeFinding(summaries, rangeTests, settings),
      plots: [...curvePlots, accuracyPlot, rangePlot],
    };
  },
});
