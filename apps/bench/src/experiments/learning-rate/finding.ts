import { type Finding, findingOf } from "../../experiment.js";
import { significant } from "../shared/measure.js";
import type { LearningRateSettings } from "./index.js";
import type { RangeTestResult } from "./range-test.js";
import type { Outcome } from "./training.js";

/** One trained configuration, as the table and the finding see it. */
export interface RunSummary {
  readonly family: string;
  readonly source: "grid" | "range test: steepest descent" | "range test: minimum-loss η / 10";
  readonly learningRate: number;
  readonly outcome: Outcome;
  readonly epochsToTarget: number | null;
  /** `null` when the run diverged. */
  readonly finalAccuracy: number | null;
  readonly finalLoss: number | null;
}

/** The grid's best: the fewest epochs to the target accuracy, then the higher final accuracy (SGD's last epoch is noisy). */
const betterThan = (a: RunSummary, b: RunSummary) => {
  const epochsA = a.epochsToTarget ?? Number.POSITIVE_INFINITY;
  const epochsB = b.epochsToTarget ?? Number.POSITIVE_INFINITY;
  return epochsA < epochsB || (epochsA === epochsB && a.finalAccuracy! > b.finalAccuracy!);
};

interface FamilyVerdict {
  /** The family's grid and range test in words, for the details. */
  readonly sentences: readonly string[];
  /** The family's best η and how many of the grid diverged, for the headline. */
  readonly clause: string;
  /** Each range-test suggestion ÷ the grid's best η. */
  readonly ratios: readonly number[];
  readonly largeMisses: boolean;
  readonly smallSlow: boolean;
}

function familyFinding(
  family: string,
  summaries: readonly RunSummary[],
  rangeTest: RangeTestResult,
  settings: LearningRateSettings,
): FamilyVerdict {
  const grid = summaries.filter((summary) => summary.family === family && summary.source === "grid");
  const finished = grid.filter((summary) => summary.finalAccuracy !== null);
  const diverged = grid.filter((summary) => summary.outcome.kind !== "completed");
  if (finished.length === 0) {
    return {
      sentences: [`${family}: every learning rate of the grid diverged.`],
      clause: `${family} none (all ${grid.length} diverged)`,
      ratios: [],
      largeMisses: true,
      smallSlow: false,
    };
  }
  const best = finished.reduce((a, b) => (betterThan(b, a) ? b : a));
  const smallest = grid[0]!;
  const accuracy = (summary: RunSummary) =>
    summary.finalAccuracy === null ? "diverged" : `${significant(summary.finalAccuracy, 3)}`;
  const target = settings.targetAccuracy;
  const reachedText = (summary: RunSummary) =>
    summary.epochsToTarget === null
      ? `never reached ${target}`
      : `reached ${target} in ${summary.epochsToTarget} epoch${summary.epochsToTarget === 1 ? "" : "s"}`;
  const largerWorse = finished.filter(
    (summary) =>
      summary.learningRate > best.learningRate && summary.finalAccuracy! < best.finalAccuracy! - 0.05,
  );
  const largeMisses =
    diverged.some((summary) => summary.learningRate > best.learningRate) || largerWorse.length > 0;
  const smallSlow =
    smallest.learningRate < best.learningRate &&
    (smallest.epochsToTarget === null ||
      (best.epochsToTarget !== null && smallest.epochsToTarget > best.epochsToTarget));
  const divergedText =
    diverged.length === 0
      ? "no learning rate diverged"
      : `${diverged.length} of ${grid.length} diverged (from η = ${Math.min(...diverged.map((summary) => summary.learningRate))}; caught and reported, the report holds no non-finite number)`;
  const smallText =
    smallest.finalAccuracy === null
      ? `η = ${smallest.learningRate} diverged`
      : `η = ${smallest.learningRate} ${reachedText(smallest)} (accuracy ${accuracy(smallest)} after ${settings.epochs} epochs)`;
  const suggestions = summaries.filter((summary) => summary.family === family && summary.source !== "grid");
  const suggestionText = suggestions
    .map((summary) => {
      const ratio = summary.learningRate / best.learningRate;
      const factor = `${significant(ratio, 2)}× the grid's best`;
      const result = summary.finalAccuracy === null ? "diverged" : `accuracy ${accuracy(summary)}`;
      return `η = ${summary.learningRate} by ${summary.source.replace("range test: ", "")} (${factor}; ${result})`;
    })
    .join(" and ");
  const sentences = [
    `${family}: the grid's best (first to the target, then most accurate) was η = ${best.learningRate} (accuracy ${accuracy(best)}, ${reachedText(best)}); ${divergedText}; ${smallText}.`,
    `${family}: the range test (η from ${rangeTest.curve[0]?.[0].toPrecision(2) ?? "?"} to ${rangeTest.curve.at(-1)?.[0].toPrecision(2) ?? "?"} before stopping) suggested ${suggestionText}.`,
  ];
  const clause = `${family} η = ${best.learningRate} (${diverged.length} of ${grid.length} diverged)`;
  const ratios = suggestions.map((summary) => summary.learningRate / best.learningRate);
  return { sentences, clause, ratios, largeMisses, smallSlow };
}

/** The finding of the `learning-rate` table, computed from its runs: the article's two claims, each family's best η, how close the range test came; each family's runs in the details. */
export function describeFinding(
  summaries: readonly RunSummary[],
  rangeTests: ReadonlyMap<string, RangeTestResult>,
  settings: LearningRateSettings,
): Finding {
  const families = [...rangeTests.keys()];
  const verdicts = families.map((family) =>
    familyFinding(family, summaries, rangeTests.get(family)!, settings),
  );
  const large = verdicts.filter((verdict) => verdict.largeMisses).length;
  const small = verdicts.filter((verdict) => verdict.smallSlow).length;
  const claim =
    `The article's "if the step sizes are too large, we could miss the minimum point completely" ${large === families.length ? "holds" : large === 0 ? "does not hold" : `holds for ${large} of ${families.length} optimizers`} here (steps above the best diverged or lost more than 5 accuracy points), ` +
    `and "if the step size is too small, the optimization process could take too much time" ${small === families.length ? "holds" : small === 0 ? "does not hold" : `holds for ${small} of ${families.length} optimizers`} (the smallest step needed more epochs than the best one, or never reached the target).`;
  const best = `The grid's best learning rate (first to the target, then most accurate; divergence caught and reported): ${verdicts.map((verdict) => verdict.clause).join(", ")}.`;
  const ratios = verdicts.flatMap((verdict) => verdict.ratios);
  const headline = [claim, best];
  if (ratios.length > 0) {
    headline.push(
      `The range test's suggestions were ${significant(Math.min(...ratios), 2)}× to ${significant(Math.max(...ratios), 2)}× the grid's best η.`,
    );
  }
  return findingOf(
    headline,
    verdicts.flatMap((verdict) => verdict.sentences),
  );
}
