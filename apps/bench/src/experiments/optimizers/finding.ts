import { type Finding, findingOf } from "../../experiment.js";
import { formatNumber, significant } from "../shared/measure.js";
import { LBFGS_MEMORY, methodStateFloatsPerParameter, optimizerCatalogue } from "./catalogue.js";
import type { OptimizersSettings } from "./index.js";
import type { NetworkOutcome, NetworkRun } from "./network.js";
import { type SuccessRate, testFunctions } from "./test-functions.js";

/** What the finding is computed from. */
export interface FindingInputs {
  readonly settings: OptimizersSettings;
  readonly parameters: number;
  readonly network: ReadonlyMap<string, NetworkOutcome>;
  readonly stateFloatsPerParameter: ReadonlyMap<string, number>;
  readonly rates: ReadonlyMap<string, readonly SuccessRate[]>;
  readonly tiny: ReadonlyMap<string, { readonly loss: number; readonly seconds: number }>;
  readonly tinyParameters: number;
}

const gradientNames = optimizerCatalogue
  .filter((entry) => entry.kind === "first-order" || entry.kind === "lbfgs")
  .map((entry) => entry.name);
const firstOrderNames = optimizerCatalogue
  .filter((entry) => entry.kind === "first-order")
  .map((entry) => entry.name);

function speedSentence(inputs: FindingInputs): string {
  const { targetLoss, epochs } = inputs.settings.network;
  const runs = [...inputs.network].flatMap(([name, outcome]) =>
    outcome.kind === "run" ? [{ name, run: outcome.run }] : [],
  );
  const reached = runs
    .filter(
      (entry): entry is { name: string; run: NetworkRun & { secondsToTarget: number } } =>
        entry.run.secondsToTarget !== null,
    )
    .sort((a, b) => a.run.secondsToTarget - b.run.secondsToTarget);
  if (reached.length === 0) {
    const best = [...runs].sort((a, b) => a.run.finalLoss - b.run.finalLoss)[0];
    return `On the ${formatNumber(inputs.parameters)}-parameter MNIST MLP no optimizer reached training loss ≤ ${targetLoss} within ${epochs} epochs ${best ? ` (lowest final loss: ${best.name} ${significant(best.run.finalLoss, 3)})` : ""}.`;
  }
  const fastest = reached[0]!;
  const fewest = [...reached].sort((a, b) => a.run.stepsToTarget! - b.run.stepsToTarget!)[0]!;
  const sgd = reached.find((entry) => entry.name === "SGD");
  const versusSgd = sgd
    ? `${significant(sgd.run.secondsToTarget / fastest.run.secondsToTarget, 2)}× faster than plain SGD (${significant(sgd.run.secondsToTarget, 2)} s)`
    : `while plain SGD did not get there in ${epochs} epochs`;
  const steps =
    fewest.name === fastest.name
      ? ""
      : `; ${fewest.name} needed the fewest steps (${fewest.run.stepsToTarget})`;
  return `On the ${formatNumber(inputs.parameters)}-parameter MNIST MLP ${fastest.name} reached training loss ≤ ${targetLoss} first, in ${significant(fastest.run.secondsToTarget, 2)} s and ${fastest.run.stepsToTarget} steps, ${versusSgd}${steps}; ${reached.length} of ${runs.length} gradient-based optimizers reached it.`;
}

function memorySentence(inputs: FindingInputs): string {
  const states = firstOrderNames.map((name) => ({ name, floats: inputs.stateFloatsPerParameter.get(name)! }));
  const sorted = [...states].sort((a, b) => a.floats - b.floats);
  const least = sorted[0]!;
  const most = sorted.at(-1)!;
  const cmaEs = methodStateFloatsPerParameter("cma-es", inputs.parameters);
  return `Their state ranges from ${significant(least.floats, 3)} floats per parameter (${least.name}) to ${significant(most.floats, 3)} (${most.name}); L-BFGS keeps ${2 * LBFGS_MEMORY + 4}, and CMA-ES would keep ${formatNumber(cmaEs)} per parameter here, so the derivative-free methods are not applicable to this network.`;
}

function localMinimaSentences(inputs: FindingInputs): { readonly rates: string; readonly verdict: string } {
  const rate = (name: string, id: string, dimension: number) =>
    inputs.rates.get(name)!.find((entry) => entry.functionId === id && entry.dimension === dimension)!
      .percent;
  const parts = testFunctions
    .filter((fn) => fn.id !== "rosenbrock")
    .flatMap((fn) =>
      inputs.settings.functions.dimensions.map((dimension) => {
        const bestGradient = gradientNames
          .map((name) => ({ name, percent: rate(name, fn.id, dimension) }))
          .sort((a, b) => b.percent - a.percent)[0]!;
        return {
          where: `${fn.name} ${dimension}-D`,
          cmaEs: rate("CMA-ES", fn.id, dimension),
          nelderMead: rate("Nelder–Mead", fn.id, dimension),
          bestGradient,
        };
      }),
    );
  const described = parts
    .map(
      (part) =>
        `on ${part.where} CMA-ES found the global minimum from ${significant(part.cmaEs, 3)} % of starts and Nelder–Mead from ${significant(part.nelderMead, 3)} %, against ${part.bestGradient.percent === 0 ? "0 % for every gradient method" : `${significant(part.bestGradient.percent, 3)} % for the best gradient method (${part.bestGradient.name})`}`,
    )
    .join("; ");
  const verdict = (name: string, pick: (part: (typeof parts)[number]) => number) => {
    const better = parts.filter((part) => pick(part) > part.bestGradient.percent).length;
    return better === parts.length
      ? `holds for ${name}`
      : better === 0
        ? `does not hold for ${name}`
        : `holds for ${name} in ${better} of ${parts.length} cases`;
  };
  return {
    rates: `Avoiding local minima: ${described}.`,
    verdict: `The article's claim that alternatives to gradient descent avoid local minima better ${verdict("CMA-ES", (part) => part.cmaEs)} and ${verdict("Nelder–Mead", (part) => part.nelderMead)}.`,
  };
}

function tinySentence(inputs: FindingInputs): string {
  const { evaluations } = inputs.settings.tiny;
  const loss = (name: string) => significant(inputs.tiny.get(name)!.loss, 3);
  const bestGradient = gradientNames
    .map((name) => ({ name, loss: inputs.tiny.get(name)!.loss }))
    .filter((entry) => Number.isFinite(entry.loss))
    .sort((a, b) => a.loss - b.loss)[0];
  return `On the ${inputs.tinyParameters}-parameter tiny network, with ${evaluations} evaluations each, CMA-ES reached loss ${loss("CMA-ES")} and Nelder–Mead ${loss("Nelder–Mead")} against ${bestGradient ? `${significant(bestGradient.loss, 3)} (${bestGradient.name})` : "no finite loss"} for the best gradient method.`;
}

/** The finding of the `optimizers` table, computed from its measurements: speed, state memory and the local-minima verdict, then the rates behind it. */
export function describeFinding(inputs: FindingInputs): Finding {
  const localMinima = localMinimaSentences(inputs);
  return findingOf(
    [speedSentence(inputs), memorySentence(inputs), localMinima.verdict],
    [localMinima.rates, tinySentence(inputs)],
  );
}
