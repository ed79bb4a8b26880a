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
import { column, defineExperiment, type Finding, findingOf } from "../experiment.js";
import { firstRows, mnist } from "./shared/datasets.js";
import { weightGradientNorms } from "./shared/layer-gradients.js";
import { significant } from "./shared/measure.js";

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

const label = (configuration: DepthConfiguration) =>
  configuration.normalization === "none"
    ? configuration.initialization
    : `${configuration.initialization} + ${configuration.normalization}`;

interface DepthRun {
  readonly configuration: DepthConfiguration;
  readonly depth: number;
  readonly initialNorms: readonly number[];
  readonly epochLosses: readonly number[];
  /** `null` when training diverged. */
  readonly accuracy: number | null;
  readonly epochsToTarget: number | null;
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
  async run(settings, context) {
    const split = mnist(settings.trainCount, settings.testCount, context.seed);
    const probe = firstRows(split.train, Math.min(settings.probeCount, settings.trainCount));
    const loss = losses.softmaxCrossEntropyFromLogits;
    const runs: DepthRun[] = [];
    const total = settings.configurations.length * settings.depths.length;
    for (const configuration of settings.configurations) {
      for (const depthValue of settings.depths) {
        context.progress(runs.length / total, `${label(configuration)}, ${depthValue} layers`);
        const model = buildModel(depthValue, settings.width, configuration);
        const params = model.init(context.seed + depthValue);
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
        runs.push({
          configuration,
          depth: depthValue,
          initialNorms,
          epochLosses,
          accuracy,
          epochsToTarget: accuracy !== null && reached >= 0 ? reached + 1 : null,
        });
      }
    }
    context.progress(1, "done");

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
  },
});

/** Headline: the deepest network that trained and the misconception's verdict; details: each configuration and any divergence. */
function describeFinding(runs: readonly DepthRun[], settings: DepthSettings): Finding {
  const trained = runs.filter((run) => run.epochsToTarget !== null);
  const budget = `training loss ≤ ${settings.targetLoss} within ${settings.epochs} epochs (SGD + momentum, width ${settings.width})`;
  const deepestText = (() => {
    if (trained.length === 0) return `No network reached ${budget}.`;
    const deepest = Math.max(...trained.map((run) => run.depth));
    const how = trained.filter((run) => run.depth === deepest).map((run) => label(run.configuration));
    const multi = trained.filter((run) => run.depth > 1).length;
    return (
      `The deepest network that trained to ${budget} had ${deepest} hidden layer${deepest === 1 ? "" : "s"} (${how.join("; ")}); ` +
      `${multi} of the ${trained.length} networks that reached the target had more than one hidden layer, so the misconception "backpropagation requires a single hidden layer" ${multi > 0 ? "is refuted" : "is not refuted within this budget"}.`
    );
  })();
  const perConfiguration = settings.configurations.map((configuration) => {
    const own = runs.filter((run) => run.configuration === configuration);
    const ownTrained = own.filter((run) => run.epochsToTarget !== null);
    const deepest = ownTrained.length === 0 ? "none" : `${Math.max(...ownTrained.map((run) => run.depth))}`;
    const deepestRun = own.reduce((a, b) => (b.depth > a.depth ? b : a));
    const first = deepestRun.initialNorms[0]!;
    return `${label(configuration)}: deepest trained ${deepest}, first-layer gradient norm at init with ${deepestRun.depth} layers ${first === 0 ? "0 (underflow)" : significant(first, 2).toExponential(1)}.`;
  });
  const diverged = runs.filter((run) => run.accuracy === null);
  const divergedText =
    diverged.length === 0
      ? []
      : [
          `${diverged.length} run${diverged.length === 1 ? "" : "s"} diverged (fit's guard caught a non-finite loss): ${diverged.map((run) => `${label(run.configuration)} with ${run.depth} layers`).join(", ")}.`,
        ];
  return findingOf([deepestText], [...perConfiguration, ...divergedText]);
}
