import { fit, type Model, NonFiniteError, type TrainingData } from "@descent/nn";
import type { GradientTransformation, ParamTree, Schedule } from "@descent/spec";

/** Options of {@link learningRateRangeTest}. */
export interface RangeTestOptions {
  /** Builds the optimizer with a learning-rate schedule. */
  readonly optimizer: (learningRate: Schedule) => GradientTransformation<unknown>;
  readonly minimum: number;
  readonly maximum: number;
  readonly batchSize: number;
  readonly seed: number;
}

/** What the range test saw and what it suggests. */
export interface RangeTestResult {
  /** (learning rate, smoothed loss) at every step until the loss blew up or the pass ended. */
  readonly curve: readonly (readonly [number, number])[];
  /** The learning rate where the smoothed loss fell fastest per unit of log η. */
  readonly steepest: number;
  /** The learning rate of the lowest smoothed loss. */
  readonly minimumLoss: number;
  /** `minimumLoss / 10`. */
  readonly minimumOverTen: number;
}

/** Smoothing of the step losses: an exponential moving average with bias correction (fastai's, with a shorter memory for ~100 steps). */
const SMOOTHING = 0.9;
/** Stop when the smoothed loss exceeds this multiple of its minimum (Smith 2017; fastai uses 4). */
const STOP_FACTOR = 4;

/**
 * Learning-rate range test (Smith 2017, "Cyclical Learning Rates for Training Neural Networks", §3.3):
 * one pass over `data` with the learning rate growing exponentially from `minimum` to `maximum`,
 * `η_k = minimum · (maximum / minimum)^{k / (K − 1)}` for the K steps of the pass, recording the loss
 * smoothed by `s_k = β s_{k−1} + (1 − β) L_k` (bias-corrected, β = 0.9). Stops early when `s_k > 4 · min s`
 * or the loss turns non-finite. Suggests two learning rates, both usual:
 * the steepest descent `argmin_k ds/d(ln η)` (central differences, up to the minimum), and the
 * minimum-loss learning rate divided by 10.
 *
 * @example
 * learningRateRangeTest(model, params, train, { optimizer: (learningRate) => sgd({ learningRate }), minimum: 1e-4, maximum: 10, batchSize: 64, seed: 1 }).steepest
 */
export function learningRateRangeTest(
  model: Model,
  params: ParamTree,
  data: TrainingData,
  options: RangeTestOptions,
): RangeTestResult {
  const steps = Math.ceil(data.inputs.shape[0]! / options.batchSize);
  const ratio = options.maximum / options.minimum;
  const rateAt = (step: number) => options.minimum * ratio ** (step / Math.max(1, steps - 1));
  const curve: [number, number][] = [];
  let average = 0;
  let best = Number.POSITIVE_INFINITY;
  try {
    fit(model, params, data, {
      optimizer: options.optimizer(rateAt),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 1,
      batchSize: options.batchSize,
      seed: options.seed,
      callbacks: [
        {
          name: "range-test",
          onStepEnd(context) {
            const step = context.step - 1;
            average = SMOOTHING * average + (1 - SMOOTHING) * context.lastLoss;
            const smoothed = average / (1 - SMOOTHING ** (step + 1));
            curve.push([rateAt(step), smoothed]);
            best = Math.min(best, smoothed);
            if (smoothed > STOP_FACTOR * best) context.stopTraining = true;
          },
        },
      ],
    });
  } catch (error) {
    if ((error as Error).name !== NonFiniteError.name) throw error;
  }
  let lowest = 0;
  for (let k = 1; k < curve.length; k++) if (curve[k]![1] < curve[lowest]![1]) lowest = k;
  let steepest = 0;
  let steepestSlope = Number.POSITIVE_INFINITY;
  for (let k = 1; k < Math.max(2, lowest); k++) {
    const previous = curve[k - 1]!;
    const next = curve[Math.min(k + 1, curve.length - 1)]!;
    const slope = (next[1] - previous[1]) / (Math.log(next[0]) - Math.log(previous[0]));
    if (slope < steepestSlope) {
      steepestSlope = slope;
      steepest = k;
    }
  }
  const minimumLoss = curve[lowest]?.[0] ?? options.minimum;
  return {
    curve,
    steepest: curve[Math.min(steepest, curve.length - 1)]?.[0] ?? options.minimum,
    minimumLoss,
    minimumOverTen: minimumLoss / 10,
  };
}
