import { type Finding, findingOf } from "../../experiment.js";
import { significant } from "../shared/measure.js";
import type { DepthConfiguration, DepthSettings } from "./index.js";

/** A configuration's name in rows and plots, e.g. `He normal + batchNorm`. */
export const label = (configuration: DepthConfiguration) =>
  configuration.normalization === "none"
    ? configuration.initialization
    : `${configuration.initialization} + ${configuration.normalization}`;

/** One grid point's measurements. */
export interface DepthRun {
  readonly configuration: DepthConfiguration;
  readonly depth: number;
  readonly initialNorms: readonly number[];
  readonly epochLosses: readonly number[];
  /** `null` when training diverged. */
  readonly accuracy: number | null;
  readonly epochsToTarget: number | null;
}

/** Headline: the deepest network that trained and the misconception's verdict; details: each configuration and any divergence. */
export function describeFinding(runs: readonly DepthRun[], settings: DepthSettings): Finding {
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
