import { type Finding, findingOf } from "../../experiment.js";
import type { DomainResult } from "./tasks.js";

const percent = (value: number) => `${(100 * value).toFixed(1)} %`;
const score = (value: number) => value.toFixed(3);

function best(results: readonly DomainResult[]): DomainResult | undefined {
  return results.reduce<DomainResult | undefined>(
    (winner, result) => (winner === undefined || result.f1 > winner.f1 ? result : winner),
    undefined,
  );
}

/**
 * The `domains` finding, computed from the rows: how far apart the domains end up, how fast each gets
 * to 95 % of its final F1, and where accuracy misleads (the sensor set's majority class). The headline
 * gives the spread and where accuracy misleads; the details give every model's scores.
 */
export function domainsFinding(
  results: readonly DomainResult[],
  options: { readonly fashionSkipped: string | null },
): Finding {
  const trained = results.filter((result) => result.epochs !== null);
  const byDataset = new Map<string, DomainResult[]>();
  for (const result of trained)
    byDataset.set(result.dataset, [...(byDataset.get(result.dataset) ?? []), result]);
  const bests = [...byDataset.values()].map((group) => best(group)!);
  const perDomain = bests.map(
    (result) =>
      `${result.label} F1 ${score(result.f1)} (accuracy ${percent(result.accuracy)}, 95 % of its final F1 after ${result.epochsTo95} of ${result.epochs} epochs)`,
  );
  const f1s = bests.map((result) => result.f1);
  const spread = Math.max(...f1s) - Math.min(...f1s);
  const headline = [
    `With the same mini-batch gradient descent, the best model's F1 differs by ${score(spread)} across data sets ` +
      `(${bests.map((result) => `${result.label} ${score(result.f1)}`).join(", ")}), so performance ${spread >= 0.05 ? "does" : "does not measurably"} vary by domain, ${spread >= 0.05 ? "as" : "unlike what"} the article says.`,
  ];
  const sentences = [`Best model per data set: ${perDomain.join("; ")}.`];

  const baseline = results.find((result) => result.epochs === null);
  const sensors = trained.filter((result) => result.domain === baseline?.domain);
  if (baseline && sensors.length > 0) {
    const byAccuracy = [...sensors].sort((a, b) => b.accuracy - a.accuracy)[0]!;
    const byF1 = best(sensors)!;
    const parts = sensors.map(
      (result) =>
        `${result.label} ${percent(result.accuracy)} accuracy, precision ${score(result.precision)}, recall ${score(result.recall)}, F1 ${score(result.f1)}, PR-AUC ${score(result.prAuc)}`,
    );
    headline.push(
      `Accuracy misleads on the sensor anomalies (the stand-in for fraud detection, ${percent(1 - baseline.majorityAccuracy)} positives): ` +
        `always answering “normal” already scores ${percent(baseline.accuracy)} accuracy with F1 ${score(baseline.f1)}.`,
      byAccuracy === byF1
        ? `Accuracy and F1 pick the same model here, but the ${((byAccuracy.accuracy - baseline.accuracy) * 100).toFixed(1)}-point accuracy lift over doing nothing hides that F1 is only ${score(byF1.f1)}.`
        : `Accuracy would pick the ${byAccuracy.label.split(": ")[1]} and F1 the ${byF1.label.split(": ")[1]}: only F1 and PR-AUC tell them apart.`,
    );
    sentences.push(
      `Sensor anomalies: doing nothing has PR-AUC ${score(baseline.prAuc)}; ${parts.join("; ")}.`,
    );
    const byPrAuc = [...sensors].sort((a, b) => b.prAuc - a.prAuc)[0]!;
    if (byPrAuc !== byF1) {
      sentences.push(
        `PR-AUC, which does not depend on the decision threshold, prefers the ${byPrAuc.label.split(": ")[1]} (${score(byPrAuc.prAuc)} vs ${score(byF1.prAuc)}): its lower F1 comes from the threshold at probability ½, not from how it ranks the readings.`,
      );
    }
    for (const result of sensors.filter((model) => model.accuracy < baseline.accuracy && model.recall > 0)) {
      sentences.push(
        `The ${result.label.split(": ")[1]} scores below the do-nothing baseline in accuracy (${percent(result.accuracy)} vs ${percent(baseline.accuracy)}) yet finds ${percent(result.recall)} of the anomalies the baseline misses entirely.`,
      );
    }
  }
  const balanced = trained.filter((result) => result.majorityAccuracy < 0.5);
  if (balanced.length > 0) {
    const gaps = balanced.map((result) => Math.abs(result.accuracy - result.f1));
    sentences.push(
      `On balanced classes (${balanced.map((result) => result.label).join(", ")}) accuracy and F1 agree within ${(100 * Math.max(...gaps)).toFixed(2)} points.`,
    );
  }
  if (options.fashionSkipped !== null) {
    sentences.push(`Fashion-MNIST was skipped: no IDX files in ${options.fashionSkipped}.`);
  }
  return findingOf(headline, sentences);
}
