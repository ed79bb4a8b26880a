import {
  activation,
  batchNorm,
  dense,
  evaluate,
  fit,
  initializers,
  type Layer,
  layerNorm,
  losses,
  type Model,
  NonFiniteError,
  sequential,
} from "@descent/nn";
import { momentum } from "@descent/optimizers";
import type { ReportPlot } from "@descent/spec";
import { ValueError } from "@descent/tensor";
import { column, defineExperiment, type ExperimentResult, type ExperimentUnits } from "../../experiment.js";
import { firstRows, mnist } from "../shared/datasets.js";
import { weightGradientNorms } from "../shared/layer-gradients.js";
import { type DepthRun, describeFinding, label } from "./finding.js";

type Initialization = "He normal" | "naive N(0, 0.01)";
type Normalization = "none" | "batchNorm" | "layerNorm";

/** One network family of the table: an initialization and a normalization. */
export interface DepthConfiguration {
  readonly initialization: Initialization;
  readonly normalization: Normalization;
}

/** Settings of the `depth` experiment. */
export interface DepthSettings {
  readonly trainCount: number;
  readonly testCount: number;
  readonly width: number;
  readonly depths: readonly number[];
  readonly configurations: readonly DepthConfiguration[];
  readonly epochs: number;
  readonly batchSize: number;
  /** SGD with momentum 0.9 at this learning rate, for every network (tuned by hand on the 4-layer He network). */
  readonly learningRate: number;
  /** "Trained": the mean training loss of an epoch at or below this. */
  readonly targetLoss: number;
  readonly probeCount: number;
}

const both = (normalizations: readonly Normalization[]): DepthConfiguration[] =>
  normalizations.flatMap((normalization) =>
    (["He normal", "naive N(0, 0.01)"] as const).map((initialization) => ({ initialization, normalization })),
  );

function buildModel(depth: number, width: number, configuration: DepthConfiguration): Model {
  const weightsInitializer =
    configuration.initialization === "He normal"
      ? initializers.heNormal()
      : initializers.normal({ std: 0.01 });
  const layers: Layer[] = [];
  for (let layer = 0; layer < depth; layer++) {
    layers.push(dense(layer === 0 ? 784 : width, width, { weightsInitializer }));
    if (configuration.normalization === "batchNorm") layers.push(batchNorm(width));
    if (configuration.normalization === "layerNorm") layers.push(layerNorm(width));
    layers.push(activation("relu"));
  }
  layers.push(dense(width, 10, { weightsInitializer }));
  return sequential(layers);
}

/** One grid point's measurements as a shard carries them (the configuration by its index in the settings). */
interface DepthPart extends Omit<DepthRun, "configuration"> {
  readonly configuration: number;
}

/** The grid in report order: every configuration, every depth; one work unit each. */
function gridPoints(settings: DepthSettings) {
  return settings.configurations.flatMap((configuration, index) =>
    settings.depths.map((depth) => ({
      id: `${label(configuration)}, ${depth} layers`,
      configuration: index,
      depth,
    })),
  );
}

/** Estimated seconds of one grid point: training grows with the samples seen and the layers they pass. */
function pointCost(settings: DepthSettings, depth: number): number {
  return 0.02 + 5e-5 * settings.trainCount * settings.epochs * (depth + 1) * (settings.width / 16);
}

/** Each grid point is a work unit (`--shard`); a row comes from one unit. */
const depthUnits: ExperimentUnits<DepthSettings, DepthPart> = {
  list: (settings) => gridPoints(settings).map(({ id, depth }) => ({ id, cost: pointCost(settings, depth) })),
  async run(settings, unitId, context): Promise<DepthPart> {
    const point = gridPoints(settings).find((candidate) => candidate.id === unitId);
    if (!point)
      throw new ValueError(
        "depth",
        `no grid point "${unitId}"; the units are ${gridPoints(settings)
          .map((p) => p.id)
          .join(", ")}`,
      );
    const configuration = settings.configurations[point.configuration]!;
    const split = mnist(settings.trainCount, settings.testCount, context.seed);
    const probe = firstRows(split.train, Math.min(settings.probeCount, settings.trainCount));
    const loss = losses.softmaxCrossEntropyFromLogits;
    const model = buildModel(point.depth, settings.width, configuration);
    const params = model.init(context.seed + point.depth);
    const initialNorms = weightGradientNorms(model, params, probe, loss);
    let epochLosses: number[] = [];
    let accuracy: number | null = null;
    try {
      const result = fit(model, params, split.train, {
        optimizer: momentum({ learningRate: settings.learningRate, momentum: 0.9 }),
        loss,
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        seed: context.seed + 1,
      });
      epochLosses = result.history.epochs.map((epoch) => epoch.loss);
      accuracy = evaluate(model, result.params, split.test, {
        metrics: ["accuracy"],
        state: result.state,
      }).accuracy!;
    } catch (error) {
      if ((error as Error).name !== NonFiniteError.name) throw error;
      epochLosses = (error as NonFiniteError).history.epochs.map((epoch) => epoch.loss);
    }
    const reached = epochLosses.findIndex((value) => value <= settings.targetLoss);
    return {
      configuration: point.configuration,
      depth: point.depth,
      initialNorms: [...initialNorms],
      epochLosses,
      accuracy,
      epochsToTarget: accuracy !== null && reached >= 0 ? reached + 1 : null,
    };
  },
  combine(settings, parts) {
    const runs: DepthRun[] = [...parts.values()].map((part) => ({
      ...part,
      configuration: settings.configurations[part.configuration]!,
    }));
    return { ...depthTable(runs, settings), rowUnits: [...parts.keys()] };
  },
};

function depthTable(runs: readonly DepthRun[], settings: DepthSettings): ExperimentResult {
  const rows = runs.map((run) => [
    run.configuration.initialization,
    run.configuration.normalization,
    run.depth,
    run.accuracy === null ? "diverged" : (run.epochsToTarget ?? "not reached"),
    run.accuracy === null ? "diverged" : run.epochLosses.at(-1)!,
    run.accuracy ?? "diverged",
    run.initialNorms[0]!,
    run.initialNorms.at(-1)!,
    run.epochsToTarget !== null,
  ]);
  const heatmap: ReportPlot = {
    id: "gradient-heatmap",
    title:
      "log₁₀ of the weight-gradient norm ‖∂L/∂W‖₂ per layer at initialization (blank: exactly 0 in float32)",
    kind: "heatmap",
    xLabel: "dense layer (1 = first, next to the input; last = output layer)",
    yLabel: "configuration, hidden layers",
    series: runs.map((run) => ({
      name: `${label(run.configuration)}, ${run.depth}`,
      points: run.initialNorms.flatMap((norm, index) =>
        norm > 0 ? [[index + 1, Math.log10(norm)] as const] : [],
      ),
    })),
  };
  const lossPlot: ReportPlot = {
    id: "final-loss",
    title: `Training loss after ${settings.epochs} epochs against depth (diverged runs omitted)`,
    kind: "line",
    xLabel: "hidden layers",
    yLabel: "final training loss",
    xScale: "log",
    yScale: "log",
    series: settings.configurations.map((configuration) => ({
      name: label(configuration),
      points: runs
        .filter(
          (run) =>
            run.configuration === configuration && run.accuracy !== null && run.epochLosses.at(-1)! > 0,
        )
        .map((run) => [run.depth, run.epochLosses.at(-1)!] as const),
    })),
  };
  return {
    columns: [
      column("initialization"),
      column("normalization"),
      column("hidden layers"),
      column(`epochs to training loss ≤ ${settings.targetLoss}`, "epochs"),
      column(`training loss after ${settings.epochs} epochs`, "cross-entropy"),
      column("test accuracy", "fraction"),
      column("first-layer gradient norm at init", "‖∂L/∂W₁‖₂"),
      column("output-layer gradient norm at init", "‖∂L/∂W_out‖₂"),
      column("trained to target"),
    ],
    rows,
    ...describeFinding(runs, settings),
    plots: [heatmap, lossPlot],
  };
}

/** `depth`: how deep a ReLU network backpropagation trains, with and without good initialization and normalization. */
export const depth = defineExperiment<DepthSettings>({
  id: "depth",
  title: "Convergence of backpropagation with increasing network depth",
  question:
    "Does backpropagation train networks with many hidden layers, and what do initialization and normalization change in how the gradient reaches the first layers?",
  settings: {
    tiny: {
      trainCount: 200,
      testCount: 100,
      width: 16,
      depths: [1, 2, 4],
      configurations: both(["none", "batchNorm"]),
      epochs: 2,
      batchSize: 64,
      learningRate: 0.05,
      targetLoss: 2,
      probeCount: 64,
    },
    quick: {
      trainCount: 2000,
      testCount: 500,
      width: 32,
      depths: [1, 2, 4, 8, 12, 16],
      configurations: both(["none", "batchNorm"]),
      epochs: 10,
      batchSize: 64,
      learningRate: 0.05,
      targetLoss: 0.5,
      probeCount: 256,
    },
    full: {
      trainCount: 3000,
      testCount: 1000,
      width: 32,
      depths: [1, 2, 4, 8, 12, 16, 24, 32],
      configurations: both(["none", "batchNorm", "layerNorm"]),
      epochs: 15,
      batchSize: 64,
      learningRate: 0.05,
      targetLoss: 0.3,
      probeCount: 512,
    },
  },
  cost: { tiny: 1, quick: 60, full: 400 },
  units: depthUnits,
});
