import { tanh } from "@descent/activations";
import { twoMoons } from "@descent/data";
import { countParameters, dense, evaluate, losses, type Model, sequential } from "@descent/nn";
import { minimize } from "@descent/optimizers";
import type { DatasetSplit, GradientTransformation, ParamTree } from "@descent/spec";
import { flatObjective } from "../shared/flat-parameters.js";
import { firstReaching, tracedFit } from "../shared/traced-fit.js";
import { type FirstOrderEntry, LBFGS_MEMORY, type OptimizerEntry } from "./catalogue.js";

const loss = losses.softmaxCrossEntropyFromLogits;

/** Sizes of the network runs. */
export interface NetworkSettings {
  readonly hidden: number;
  readonly batchSize: number;
  readonly epochs: number;
  /** Full-training-set loss measurements per epoch (their time is not counted). */
  readonly measurementsPerEpoch: number;
  /** Target: training loss on the whole training set ≤ this. */
  readonly targetLoss: number;
  readonly lbfgsIterations: number;
}

/** What one optimizer did on the MNIST MLP. */
export interface NetworkRun {
  readonly stepMilliseconds: number;
  /** Time spent in the optimizer itself (update, or L-BFGS's work outside the objective), per step. */
  readonly updateMicroseconds: number;
  readonly stepsToTarget: number | null;
  readonly secondsToTarget: number | null;
  readonly finalLoss: number;
  readonly testAccuracy: number;
  /** (training seconds, training loss) points. */
  readonly curve: readonly (readonly [number, number])[];
}

/** An optimizer's result on the MLP, or why it has none. */
export type NetworkOutcome =
  | { readonly kind: "run"; readonly run: NetworkRun }
  | { readonly kind: "skipped"; readonly reason: string };

/** The MLP of the table: 784 → hidden (ReLU) → 10 logits. */
export function mnistModel(hidden: number): Model {
  return sequential([dense(784, hidden), "relu", dense(hidden, 10)]);
}

/** Floats in a state value: every tensor leaf's elements (counters and flags are not per-parameter state). */
export function stateFloats(state: unknown): number {
  if (state === null || typeof state !== "object") return 0;
  const candidate = state as { data?: unknown };
  if (candidate.data instanceof Float32Array || candidate.data instanceof Float64Array)
    return candidate.data.length;
  return Object.values(state as Record<string, unknown>).reduce<number>(
    (total, value) => total + stateFloats(value),
    0,
  );
}

/** Wraps a transformation to time its `update` calls. */
function timedUpdates(optimizer: GradientTransformation<unknown>): {
  optimizer: GradientTransformation<unknown>;
  seconds: () => number;
} {
  let total = 0;
  return {
    optimizer: {
      init: (params) => optimizer.init(params),
      update(gradients, state, params) {
        const started = performance.now();
        const result = optimizer.update(gradients, state, params);
        total += (performance.now() - started) / 1000;
        return result;
      },
    },
    seconds: () => total,
  };
}

/** Trains the MLP with a first-order optimizer through `fit`, measuring the full training loss as it goes. */
export async function firstOrderNetworkRun(
  entry: FirstOrderEntry,
  model: Model,
  params: ParamTree,
  split: DatasetSplit,
  settings: NetworkSettings,
  seed: number,
): Promise<NetworkRun> {
  const timed = timedUpdates(entry.make(entry.networkRate));
  const trace = await tracedFit(model, params, split.train, {
    optimizer: timed.optimizer,
    loss,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    seed,
    measurementsPerEpoch: settings.measurementsPerEpoch,
    measure: (current) => ({ loss: evaluate(model, current, split.train, { loss }).loss! }),
  });
  const steps = trace.stepsPerEpoch * settings.epochs;
  const trainingSeconds = trace.epochSeconds.reduce((total, seconds) => total + seconds, 0);
  const reached = firstReaching(trace.points, "loss", settings.targetLoss, "below");
  return {
    stepMilliseconds: (1000 * trainingSeconds) / steps,
    updateMicroseconds: (1e6 * timed.seconds()) / steps,
    stepsToTarget: reached?.step ?? null,
    secondsToTarget: reached?.seconds ?? null,
    finalLoss: trace.points.at(-1)!.values.loss!,
    testAccuracy: evaluate(model, trace.params, split.test, { metrics: ["accuracy"] }).accuracy!,
    curve: trace.points.map((point) => [point.seconds, point.values.loss!] as const),
  };
}

/** Full-batch L-BFGS on the MLP: one iteration = one line search along the quasi-Newton direction. */
export function lbfgsNetworkRun(
  model: Model,
  params: ParamTree,
  split: DatasetSplit,
  settings: NetworkSettings,
): NetworkRun {
  const objective = flatObjective(model, params, split.train, loss);
  const evaluations: { seconds: number; value: number }[] = [];
  const started = performance.now();
  const result = minimize(
    (x) => {
      const output = objective.valueAndGradient(x);
      evaluations.push({ seconds: (performance.now() - started) / 1000, value: output.value });
      return output;
    },
    objective.initial,
    { method: "lbfgs", maxIterations: settings.lbfgsIterations, memory: LBFGS_MEMORY },
  );
  const totalSeconds = (performance.now() - started) / 1000;
  const iterations = Math.max(1, result.iterations);
  const stepIndex = result.history.findIndex((value) => value <= settings.targetLoss);
  // The first evaluation at or below the target: the line search accepts a point at least that good.
  const reached = evaluations.find((evaluation) => evaluation.value <= settings.targetLoss);
  let best = Number.POSITIVE_INFINITY;
  const curve = evaluations.map(({ seconds, value }) => {
    best = Math.min(best, value);
    return [seconds, best] as const;
  });
  return {
    stepMilliseconds: (1000 * totalSeconds) / iterations,
    updateMicroseconds: (1e6 * (totalSeconds - objective.evaluations.seconds)) / iterations,
    stepsToTarget: stepIndex >= 0 ? stepIndex : null,
    secondsToTarget: stepIndex >= 0 && reached ? reached.seconds : null,
    finalLoss: result.value,
    testAccuracy: evaluate(model, objective.toTree(result.x), split.test, { metrics: ["accuracy"] })
      .accuracy!,
    curve: [[0, result.history[0]!], ...curve],
  };
}

/** Sizes of the tiny-network runs (where derivative-free methods are affordable). */
export interface TinySettings {
  readonly count: number;
  readonly hidden: number;
  /** Objective evaluations per method (a gradient counts as one). */
  readonly evaluations: number;
}

/** Final training loss and seconds of every method on a 2 → hidden (tanh) → 2 network on two moons, full batch. */
export function tinyNetworkRuns(
  entries: readonly OptimizerEntry[],
  settings: TinySettings,
  seed: number,
): { parameters: number; runs: Map<string, { loss: number; seconds: number }> } {
  const data = twoMoons({ count: settings.count, noise: 0.1, seed });
  const model = sequential([dense(2, settings.hidden), tanh(), dense(settings.hidden, 2)]);
  const params = model.init(seed + 1);
  const runs = new Map<string, { loss: number; seconds: number }>();
  for (const entry of entries) {
    const objective = flatObjective(model, params, data, loss);
    const started = performance.now();
    const value = (() => {
      switch (entry.kind) {
        case "first-order":
          return minimize(objective.valueAndGradient, objective.initial, {
            method: "first-order",
            optimizer: entry.make(entry.networkRate),
            maxIterations: settings.evaluations,
            tolerance: 1e-12,
          }).value;
        case "lbfgs":
          return minimize(objective.valueAndGradient, objective.initial, {
            method: "lbfgs",
            maxIterations: settings.evaluations,
            tolerance: 1e-10,
          }).value;
        case "cma-es":
          return minimize(objective.value, objective.initial, {
            method: "cma-es",
            seed,
            initialStepSize: 0.5,
            maxEvaluations: settings.evaluations,
          }).value;
        case "nelder-mead":
          return minimize(objective.value, objective.initial, {
            method: "nelder-mead",
            initialStep: 0.5,
            maxEvaluations: settings.evaluations,
          }).value;
      }
    })();
    runs.set(entry.name, { loss: value, seconds: (performance.now() - started) / 1000 });
  }
  return { parameters: countParameters(params), runs };
}
