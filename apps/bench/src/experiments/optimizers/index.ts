import { countParameters, NonFiniteError } from "@descent/nn";
import type { ReportPlot } from "@descent/spec";
import { column, defineExperiment } from "../../experiment.js";
import { mnist } from "../shared/datasets.js";
import { formatNumber, significant } from "../shared/measure.js";
import {
  CMA_ES_TEST_POPULATION,
  LBFGS_MEMORY,
  methodStateFloatsPerParameter,
  type OptimizerEntry,
  optimizerCatalogue,
} from "./catalogue.js";
import { describeFinding } from "./finding.js";
import {
  firstOrderNetworkRun,
  lbfgsNetworkRun,
  mnistModel,
  type NetworkOutcome,
  type NetworkSettings,
  stateFloats,
  type TinySettings,
  tinyNetworkRuns,
} from "./network.js";
import { type SuccessRate, type SuccessSettings, successRates, testFunctions } from "./test-functions.js";

/** Settings of the `optimizers` experiment. */
export interface OptimizersSettings {
  readonly trainCount: number;
  readonly testCount: number;
  readonly network: NetworkSettings;
  readonly tiny: TinySettings;
  readonly functions: SuccessSettings;
}

function settingsText(entry: OptimizerEntry, tiny: TinySettings): string {
  switch (entry.kind) {
    case "first-order":
      return `η = ${entry.networkRate}`;
    case "lbfgs":
      return `m = ${LBFGS_MEMORY}, strong-Wolfe line search`;
    case "cma-es":
      return `σ₀ = 0.5 (tiny net); σ₀ = half the box, λ = ${CMA_ES_TEST_POPULATION.rastrigin} / ${CMA_ES_TEST_POPULATION.ackley} / ${CMA_ES_TEST_POPULATION.rosenbrock ?? "4 + ⌊3 ln d⌋"} (functions)`;
    case "nelder-mead":
      return `simplex edge 0.5 (tiny net), half the box (functions); ${tiny.evaluations} evaluations`;
  }
}

/** Why a derivative-free method is not run on the MLP: its memory and work at that size, computed. */
function notApplicable(kind: "cma-es" | "nelder-mead", parameters: number): string {
  const floats = methodStateFloatsPerParameter(kind, parameters) * parameters;
  const memory = `${floats.toExponential(2)} floats (${significant((floats * 8) / 1e9, 3)} GB in float64)`;
  const n = formatNumber(parameters);
  return kind === "cma-es"
    ? `not applicable at this size: for n = ${n} parameters the covariance, its eigenbasis and C^{-1/2} need ${memory}, and every generation eigendecomposes the n × n covariance (n³ = ${(parameters ** 3).toExponential(1)} operations)`
    : `not applicable at this size: for n = ${n} parameters the simplex needs ${memory}, and building it alone costs n + 1 = ${formatNumber(parameters + 1)} full-batch forward passes`;
}

/** A finite number as it is; anything else (an exploded loss) as `text`, since the report holds only finite numbers. */
function finiteOr(value: number, text: string): number | string {
  return Number.isFinite(value) ? value : text;
}

/** `optimizers`: every optimizer of descent on a real network, a tiny one, and three non-convex test functions. */
export const optimizers = defineExperiment<OptimizersSettings>({
  id: "optimizers",
  title: "Comparison of gradient descent with other optimization algorithms",
  question:
    "How fast, how memory-hungry and how good at avoiding local minima are SGD, its momentum and adaptive variants, L-BFGS and derivative-free search?",
  settings: {
    tiny: {
      trainCount: 300,
      testCount: 100,
      network: {
        hidden: 16,
        batchSize: 64,
        epochs: 2,
        measurementsPerEpoch: 1,
        targetLoss: 1.5,
        lbfgsIterations: 4,
      },
      tiny: { count: 60, hidden: 4, evaluations: 40 },
      functions: { dimensions: [2], starts: 3, evaluations: 60, epsilon: 1e-2 },
    },
    quick: {
      trainCount: 2000,
      testCount: 500,
      network: {
        hidden: 32,
        batchSize: 64,
        epochs: 6,
        measurementsPerEpoch: 4,
        targetLoss: 0.25,
        lbfgsIterations: 50,
      },
      tiny: { count: 200, hidden: 8, evaluations: 1000 },
      functions: { dimensions: [2, 5], starts: 20, evaluations: 3000, epsilon: 1e-2 },
    },
    full: {
      trainCount: 5000,
      testCount: 1000,
      network: {
        hidden: 64,
        batchSize: 64,
        epochs: 10,
        measurementsPerEpoch: 4,
        targetLoss: 0.15,
        lbfgsIterations: 150,
      },
      tiny: { count: 200, hidden: 8, evaluations: 2000 },
      functions: { dimensions: [2, 5, 10], starts: 50, evaluations: 5000, epsilon: 1e-2 },
    },
  },
  // Estimated seconds on 2 cores (tiny: measured; quick and full: estimates), for balancing --shard.
  cost: { tiny: 6.5, quick: 120, full: 600 },
  async run(settings, context) {
    const split = mnist(settings.trainCount, settings.testCount, context.seed);
    const model = mnistModel(settings.network.hidden);
    const params = model.init(context.seed + 1);
    const parameters = countParameters(params);

    const network = new Map<string, NetworkOutcome>();
    const diverged = new Set<string>();
    for (const [index, entry] of optimizerCatalogue.entries()) {
      context.progress((0.6 * index) / optimizerCatalogue.length, `MLP: ${entry.name}`);
      if (entry.kind === "lbfgs") {
        network.set(entry.name, {
          kind: "run",
          run: lbfgsNetworkRun(model, params, split, settings.network),
        });
      } else if (entry.kind !== "first-order") {
        network.set(entry.name, { kind: "skipped", reason: notApplicable(entry.kind, parameters) });
      } else {
        try {
          const run = await firstOrderNetworkRun(
            entry,
            model,
            params,
            split,
            settings.network,
            context.seed + 2,
          );
          network.set(entry.name, { kind: "run", run });
        } catch (error) {
          if ((error as Error).name !== NonFiniteError.name) throw error;
          const step = (error as NonFiniteError).report.step;
          diverged.add(entry.name);
          network.set(entry.name, {
            kind: "skipped",
            reason: `diverged: fit's guard caught a non-finite loss or gradient at step ${step}`,
          });
        }
      }
    }

    context.progress(0.6, "tiny network");
    const tiny = tinyNetworkRuns(optimizerCatalogue, settings.tiny, context.seed + 3);
    context.progress(0.75, "test functions");
    const rates = successRates(optimizerCatalogue, settings.functions, context.seed + 4, (fraction) =>
      context.progress(0.75 + 0.25 * fraction, "test functions"),
    );

    const successColumns = testFunctions.flatMap((fn) =>
      settings.functions.dimensions.map((dimension) => ({ fn, dimension })),
    );
    const states = new Map(
      optimizerCatalogue.map((entry) => [
        entry.name,
        entry.kind === "first-order"
          ? stateFloats(entry.make(entry.networkRate).init(params)) / parameters
          : methodStateFloatsPerParameter(entry.kind, parameters),
      ]),
    );
    const rows = optimizerCatalogue.map((entry) => {
      const outcome = network.get(entry.name)!;
      const run = outcome.kind === "run" ? outcome.run : null;
      const state = states.get(entry.name)!;
      const tinyRun = tiny.runs.get(entry.name)!;
      const entryRates = rates.get(entry.name)!;
      const notes = [
        outcome.kind === "skipped" ? outcome.reason : null,
        entry.kind === "lbfgs" ? "full batch: one step is one line search over all training images" : null,
        entry.kind === "first-order"
          ? null
          : "state per parameter read off descent's implementation for the MLP's n (not counted at run time)",
      ].filter((note) => note !== null);
      return [
        entry.name,
        settingsText(entry, settings.tiny),
        state,
        run?.stepMilliseconds ?? null,
        run?.updateMicroseconds ?? null,
        run ? (run.stepsToTarget ?? "not reached") : null,
        run ? (run.secondsToTarget ?? "not reached") : null,
        run ? finiteOr(run.finalLoss, "diverged") : diverged.has(entry.name) ? "diverged" : null,
        run ? finiteOr(run.testAccuracy, "diverged") : diverged.has(entry.name) ? "diverged" : null,
        Number.isFinite(tinyRun.loss) ? tinyRun.loss : "diverged",
        tinyRun.seconds,
        ...successColumns.map(
          ({ fn, dimension }) =>
            entryRates.find((rate) => rate.functionId === fn.id && rate.dimension === dimension)!.percent,
        ),
        entry.kind === "first-order"
          ? `${entry.functionRates.rastrigin} / ${entry.functionRates.ackley} / ${entry.functionRates.rosenbrock}`
          : null,
        notes.join("; "),
      ];
    });

    const { network: net, functions } = settings;
    const checkEvery = Math.round(Math.ceil(settings.trainCount / net.batchSize) / net.measurementsPerEpoch);
    const columns = [
      column("optimizer"),
      column("settings (MLP, tiny net)"),
      column("state", "floats per parameter"),
      column("MLP time per step", "ms"),
      column("MLP optimizer update per step", "µs"),
      column(`MLP steps to training loss ≤ ${net.targetLoss} (checked every ${checkEvery} steps)`, "steps"),
      column(`MLP time to training loss ≤ ${net.targetLoss}`, "s"),
      column("MLP final training loss", "cross-entropy"),
      column("MLP test accuracy", "fraction"),
      column(`tiny net loss after ${settings.tiny.evaluations} evaluations`, "cross-entropy"),
      column("tiny net time", "s"),
      ...successColumns.map(({ fn, dimension }) =>
        column(`${fn.name} ${dimension}-D success (${functions.starts} starts)`, "%"),
      ),
      column("test-function η (Rastrigin / Ackley / Rosenbrock)"),
      column("notes"),
    ];

    const curves: ReportPlot = {
      id: "mlp-loss",
      title: `MNIST MLP (${formatNumber(parameters)} parameters): training loss against training time`,
      kind: "line",
      xLabel: "training time (s, loss evaluations excluded)",
      yLabel: "training loss (whole training set)",
      yScale: "log",
      series: optimizerCatalogue.flatMap((entry) => {
        const outcome = network.get(entry.name)!;
        if (outcome.kind !== "run") return [];
        const points = outcome.run.curve.filter(([, loss]) => Number.isFinite(loss) && loss > 0);
        return [{ name: entry.name, points }];
      }),
    };
    const success: ReportPlot = {
      id: "success",
      title: `Success rate on non-convex test functions (f − f* ≤ ${functions.epsilon}, ${functions.starts} starts, ${functions.evaluations} evaluations each)`,
      kind: "bar",
      xLabel: successColumns
        .map(({ fn, dimension }, index) => `${index + 1} = ${fn.name} ${dimension}-D`)
        .join(", "),
      yLabel: "success (%)",
      series: optimizerCatalogue.map((entry) => ({
        name: entry.name,
        points: rates.get(entry.name)!.map((rate: SuccessRate, index) => [index + 1, rate.percent] as const),
      })),
    };
    context.progress(1, "done");
    return {
      columns,
      rows,
      ...describeFinding({
        settings,
        parameters,
        network,
        stateFloatsPerParameter: states,
        rates,
        tiny: tiny.runs,
        tinyParameters: tiny.parameters,
      }),
      plots: [curves, success],
    };
  },
});
