import { tanh } from "@descent/activations";
import { xor } from "@descent/data";
import { dense, evaluate, fit, metrics, sequential } from "@descent/nn";
import { adam, sgd } from "@descent/optimizers";
import type { Dataset, GradientTransformation, ReportPlot } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import { median } from "../shared/measure.js";
import { type ClaimResult, formatPercent, formatValue } from "./types.js";

/** Settings of claim 3. */
export interface LocalMinimaSettings {
  readonly seeds: number;
  readonly count: number;
  readonly hidden: number;
  readonly epochs: number;
  readonly learningRate: number;
}

/**
 * Claim 3: backprop "can get stuck in local minima". One small tanh MLP on XOR trained by full-batch gradient
 * descent from many random initializations; the spread of final losses, a rerun of one seed (determinism), and
 * the stuck initializations retrained with Adam on the very same backpropagated gradients.
 */
export function localMinima(
  settings: LocalMinimaSettings,
  seed: number,
  progress: (fraction: number) => void,
): ClaimResult {
  const raw = xor({ count: settings.count, seed });
  // The Playground's XOR spans ±5.3; scaled to about ±1 so tanh units start in their linear range.
  const data: Dataset = {
    ...raw,
    inputs: new Tensor(
      raw.inputs.data.map((value) => value / 5),
      raw.inputs.shape,
    ),
  };
  const model = sequential([dense(2, settings.hidden), tanh(), dense(settings.hidden, 1)]);
  const accuracy = {
    name: "accuracy",
    direction: "higher" as const,
    compute: (p: Tensor, t: Tensor) => metrics.accuracy(p, t, { threshold: 0 }),
  };
  // Mini-batches of a tenth of the data: ten steps per epoch, so a tenth of the epochs gives the same step count.
  const miniBatch = Math.ceil(settings.count / 10);
  const train = (initSeed: number, optimizer: GradientTransformation<unknown>, batchSize?: number) => {
    const result = fit(model, model.init(initSeed), data, {
      optimizer,
      loss: "binaryCrossEntropyFromLogits",
      epochs: batchSize === undefined ? settings.epochs : Math.ceil(settings.epochs / 10),
      ...(batchSize === undefined ? { mode: "batch" as const } : { batchSize }),
      seed: initSeed,
    });
    const scores = evaluate(model, result.params, data, {
      loss: "binaryCrossEntropyFromLogits",
      metrics: [accuracy],
    });
    return { loss: scores.loss!, accuracy: scores.accuracy! };
  };
  const seeds = Array.from({ length: settings.seeds }, (_, index) => seed + index);
  const extra = 3;
  const runs = seeds.map((initSeed, index) => {
    const result = train(
      initSeed,
      sgd({ learningRate: settings.learningRate }) as GradientTransformation<unknown>,
    );
    progress((index + 1) / (settings.seeds + extra));
    return { seed: initSeed, ...result };
  });
  const finals = runs.map((run) => run.loss);
  const best = Math.min(...finals);
  const stuck = runs.filter((run) => run.loss > 2 * best);
  const rerun = train(
    seeds[0]!,
    sgd({ learningRate: settings.learningRate }) as GradientTransformation<unknown>,
  );
  const deterministic = rerun.loss === runs[0]!.loss;
  progress((settings.seeds + 1) / (settings.seeds + extra));
  const rescued = stuck.map((run) => ({
    seed: run.seed,
    ...train(run.seed, adam({ learningRate: 0.05 }) as GradientTransformation<unknown>),
  }));
  const shuffled = stuck.map((run) => ({
    seed: run.seed,
    ...train(
      run.seed,
      sgd({ learningRate: settings.learningRate }) as GradientTransformation<unknown>,
      miniBatch,
    ),
  }));
  progress(1);
  const escaped = rescued.filter((run) => run.loss <= 2 * best).length;
  const escapedMiniBatch = shuffled.filter((run) => run.loss <= 2 * best).length;
  const belowNinety = runs.filter((run) => run.accuracy < 0.9).length;
  const plot: ReportPlot = {
    id: "final-loss-by-seed",
    title: "Final training loss of the same network from different random initializations (XOR)",
    kind: "scatter",
    xLabel: "initialization seed",
    yLabel: "final cross-entropy",
    series: [
      { name: "full-batch gradient descent", points: runs.map((run) => [run.seed, run.loss] as const) },
      {
        name: "Adam from the stuck initializations",
        points: rescued.map((run) => [run.seed, run.loss] as const),
      },
    ],
  };
  return {
    claim: "3. Backpropagation always converges to the global minimum",
    articleSays:
      "“Backpropagation is a deterministic algorithm and can converge to a local minimum instead of the global minimum”",
    setup: `MLP 2-${settings.hidden}-1 (tanh) on ${settings.count} XOR points, full-batch gradient descent η = ${settings.learningRate} for ${settings.epochs} steps from ${settings.seeds} random initializations; the runs ending above 2× the best loss retrained from the same initialization with Adam (η = 0.05) and with mini-batch gradient descent (batch ${miniBatch}, same step count)`,
    measurement:
      `final loss min ${formatValue(best)}, median ${formatValue(median(finals))}, max ${formatValue(Math.max(...finals))}; ${stuck.length} of ${runs.length} runs ended above 2× the best (${belowNinety} below 90 % training accuracy); ` +
      `rerunning seed ${seeds[0]} gave ${deterministic ? "the bit-identical" : "a different"} loss (${formatValue(rerun.loss, 6)}); ` +
      (stuck.length > 0
        ? `from the ${stuck.length} stuck initializations, Adam ended within 2× the best in ${escaped} (losses ${rescued.map((run) => formatValue(run.loss)).join(", ")}) and mini-batch gradient descent in ${escapedMiniBatch} (${shuffled.map((run) => formatValue(run.loss)).join(", ")})`
        : "no initialization got stuck"),
    headline: `${stuck.length} of ${runs.length} random initializations of one XOR network ended above 2× the best loss (${formatValue(best)}), while rerunning a seed was ${deterministic ? "bit-identical" : "not identical"}`,
    verdict:
      stuck.length > 0
        ? `holds in part: ${stuck.length} of ${runs.length} initializations (${formatPercent(stuck.length / runs.length)}) stopped at a loss above 2× the best, decided by the starting point, not by backprop, which only computes the gradient (${deterministic ? "the same every time: a rerun is bit-identical" : "yet a rerun differed"}); ` +
          (escaped + escapedMiniBatch > 0
            ? `a different optimizer on the same gradients got out of some (Adam ${escaped} of ${stuck.length}, mini-batch gradient descent ${escapedMiniBatch} of ${stuck.length})`
            : `neither Adam nor mini-batch gradient descent got out of any: these are basins of the loss surface, reached from the starting point`)
        : `does not hold in this run: all ${runs.length} initializations ended within 2× the best loss (max ${formatValue(Math.max(...finals))}); backprop's determinism (${deterministic ? "rerun bit-identical" : "rerun differed"}) is not what decides where training ends`,
    plots: [plot],
  };
}
