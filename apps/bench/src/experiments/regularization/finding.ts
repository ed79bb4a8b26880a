import { type Finding, findingOf } from "../../experiment.js";
import type { RegularizationResult } from "./index.js";

const points = (value: number) => `${value < 0 ? "−" : ""}${Math.abs(100 * value).toFixed(1)}`;
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const gapOf = (result: RegularizationResult) => result.trainAccuracy - result.testAccuracy;

function describeBlock(
  block: readonly RegularizationResult[],
  label: string,
): { text: string; helped: number; best: number; closer: string } {
  const none = block.find((result) => result.method.name === "none")!;
  const others = block.filter((result) => result !== none);
  // Two standard errors of an accuracy measured on testSamples digits: smaller differences are noise.
  const noise = 2 * Math.sqrt((none.testAccuracy * (1 - none.testAccuracy)) / none.testSamples);
  const closer = others.reduce((winner, result) => (gapOf(result) < gapOf(winner) ? result : winner));
  const bestTest = others.reduce((winner, result) =>
    result.testAccuracy > winner.testAccuracy ? result : winner,
  );
  const change = closer.testAccuracy - none.testAccuracy;
  const cost =
    Math.abs(change) < noise
      ? `with test accuracy unchanged within noise (${change >= 0 ? "+" : "−"}${points(Math.abs(change))} points)`
      : change < 0
        ? `at a cost of ${points(-change)} points of test accuracy (train accuracy ${points(closer.trainAccuracy)} %)`
        : `while raising test accuracy by ${points(change)} points`;
  const bestChange = bestTest.testAccuracy - none.testAccuracy;
  const helped = others.filter((result) => result.testAccuracy - none.testAccuracy > noise).length;
  const text =
    `${label}: without regularization the network reached ${points(none.trainAccuracy)} % train and ${points(none.testAccuracy)} % test accuracy, a gap of ${points(gapOf(none))} points. ` +
    `${capitalized(closer.method.name)} (${closer.method.setting}) closed the gap most, by ${points(gapOf(none) - gapOf(closer))} to ${points(gapOf(closer))} points${gapOf(closer) < 0 ? ` (its train accuracy on the labels it saw, ${points(closer.trainAccuracy)} %, is below its clean test accuracy)` : ""}, ${cost}; ` +
    `the best test accuracy came from ${bestTest.method.name} (${points(bestTest.testAccuracy)} %, ${bestChange >= 0 ? "+" : "−"}${points(Math.abs(bestChange))} points), ` +
    `and ${helped} of ${others.length} methods beat no regularization by more than the ${points(noise)}-point sampling noise of the test set.`;
  return { text, helped, best: bestChange, closer: closer.method.name };
}

/**
 * The `regularization` finding, computed from the rows: per label setting, which method closed the gap
 * most and at what cost, how many beat no regularization beyond noise, and which gave real sparsity.
 * The headline holds the verdict, the gap closers and sparsity; the details each label setting's numbers.
 */
export function regularizationFinding(
  results: readonly RegularizationResult[],
  setup: { readonly trainCount: number; readonly hidden: number; readonly seeds: number },
): Finding {
  const levels = [...new Set(results.map((result) => result.labelNoise))];
  const blocks = levels.map((noise) =>
    describeBlock(
      results.filter((result) => result.labelNoise === noise),
      noise === 0
        ? `Clean labels (${setup.trainCount} digits, MLP 784-${setup.hidden}-10, ${setup.seeds === 1 ? "one seed" : `mean of ${setup.seeds} seeds`})`
        : `With ${100 * noise} % wrong labels`,
    ),
  );
  const labelKind = (noise: number) => (noise === 0 ? "clean" : `${100 * noise} % wrong`);
  const headline: string[] = [];
  const proximal = results.filter((result) => result.method.name === "L1, proximal");
  const penalty = results.filter((result) => result.method.name === "L1 penalty");
  if (proximal.length > 0 && penalty.length > 0) {
    const average = (list: readonly RegularizationResult[], pick: (result: RegularizationResult) => number) =>
      list.reduce((total, result) => total + pick(result), 0) / list.length;
    headline.push(
      `Proximal L1 set ${points(average(proximal, (result) => result.zeros))} % of the weights exactly to 0; the L1 penalty (a subgradient through Adam) ` +
        `left ${points(average(penalty, (result) => result.small))} % below 1e-3 but ${points(average(penalty, (result) => result.zeros))} % exactly 0.`,
    );
  }
  const summary = levels.map(
    (noise, index) =>
      `${blocks[index]!.helped} methods helped beyond noise with ${labelKind(noise)} labels (best ${blocks[index]!.best >= 0 ? "+" : "−"}${points(Math.abs(blocks[index]!.best))} points)`,
  );
  const clean = levels.indexOf(0);
  const noisiest = levels.indexOf(Math.max(...levels));
  const moreWithNoise =
    clean >= 0 && noisiest !== clean && blocks[noisiest]!.helped > blocks[clean]!.helped
      ? ": regularization paid off where the gap came from wrong labels the network could memorize, not where it came from having few digits"
      : "";
  headline.unshift(
    `The article says regularization improves generalization; measured, ${summary.join(" and ")}${moreWithNoise}.`,
    `The train–test gap closed most with ${levels.map((noise, index) => `${blocks[index]!.closer} (${labelKind(noise)} labels)`).join(" and ")}.`,
  );
  return findingOf(
    headline,
    blocks.map((block) => block.text),
  );
}
