import {
  type ActivationLike,
  countParameters,
  dense,
  fit,
  type Layer,
  type Model,
  sequential,
  type TrainingData,
} from "@descent/nn";
import { sgd } from "@descent/optimizers";
import type { ParamTree } from "@descent/spec";
import { median } from "../shared/measure.js";
import { externalBytes, settledExternalBytes } from "../shared/memory.js";

/** One network and training set-up of a sweep. */
export interface Configuration {
  readonly samples: number;
  readonly width: number;
  /** Hidden layers. */
  readonly depth: number;
  readonly batchSize: number;
}

/** How long to time each configuration. */
export interface Timing {
  readonly minimumEpochs: number;
  /** Timed epochs continue until they add up to about this long. */
  readonly minimumSeconds: number;
  /** Step-memory measurements per configuration (the median is kept). */
  readonly memoryRepeats: number;
}

/** What one configuration measured, with the quantities the theory is written in. */
export interface Measurement {
  /** Trainable parameters P. */
  readonly parameters: number;
  /** Activations kept per sample A: the input, each hidden layer before and after relu, logits and their softmax. */
  readonly activations: number;
  readonly epochSeconds: number;
  readonly stepMegabytes: number;
}

const lossName = "softmaxCrossEntropyFromLogits";

/** `inputSize → [dense(width) → relu] × depth → dense(classes)`. */
export function mlp(inputSize: number, width: number, depth: number, classes: number): Model {
  const layers: (Layer | ActivationLike)[] = [];
  let fanIn = inputSize;
  for (let layer = 0; layer < depth; layer++) {
    layers.push(dense(fanIn, width), "relu");
    fanIn = width;
  }
  layers.push(dense(fanIn, classes));
  return sequential(layers);
}

function timedEpochs(
  model: Model,
  params: ParamTree,
  data: TrainingData,
  batchSize: number,
  epochs: number,
  seed: number,
): number[] {
  const times: number[] = [];
  let begin = 0;
  fit(model, params, data, {
    optimizer: sgd({ learningRate: 0.01 }),
    loss: lossName,
    epochs,
    mode: "mini-batch",
    batchSize,
    seed,
    callbacks: [
      {
        name: "epoch-timer",
        onEpochBegin: () => {
          begin = performance.now();
        },
        onEpochEnd: () => {
          times.push((performance.now() - begin) / 1000);
        },
      },
    ],
  });
  return times;
}

/**
 * Seconds per epoch (the fastest timed one): one warm-up epoch (JIT and kernels for these shapes), then enough epochs
 * that the timed ones last `minimumSeconds` (at least `minimumEpochs`, at most 50).
 */
function epochSeconds(
  model: Model,
  params: ParamTree,
  data: TrainingData,
  batchSize: number,
  timing: Timing,
  seed: number,
): number {
  const [warmUp] = timedEpochs(model, params, data, batchSize, 1, seed);
  const epochs = Math.min(50, Math.max(timing.minimumEpochs, Math.ceil(timing.minimumSeconds / warmUp!)));
  // The fastest epoch: on a shared machine, interference only ever adds time.
  return Math.min(...timedEpochs(model, params, data, batchSize, epochs, seed));
}

/**
 * Megabytes of tensor data (ArrayBuffers) that `fit`'s set-up and first step allocate, from a settled heap:
 * the quantity O(P + b·A) counts. JavaScript objects are left out: the young generation is collected
 * at unpredictable moments inside a step, which made V8-heap figures vary by a megabyte between repeats.
 */
async function stepMegabytes(
  model: Model,
  params: ParamTree,
  data: TrainingData,
  batchSize: number,
  seed: number,
): Promise<number> {
  const baseline = await settledExternalBytes();
  let peak = baseline;
  fit(model, params, data, {
    optimizer: sgd({ learningRate: 0.01 }),
    loss: lossName,
    epochs: 1,
    mode: "mini-batch",
    batchSize,
    seed,
    callbacks: [
      {
        name: "step-memory",
        onStepEnd(context) {
          peak = externalBytes();
          context.stopTraining = true;
        },
      },
    ],
  });
  return Math.max(0, peak - baseline) / 1e6;
}

/**
 * Times the epochs of one configuration (median after a warm-up epoch) and measures the memory of a
 * training step (median of `timing.memoryRepeats`).
 *
 * @example
 * const timing = { minimumEpochs: 2, minimumSeconds: 0.5, memoryRepeats: 3 };
 * const measured = await measureConfiguration(train, { samples: 2000, width: 64, depth: 1, batchSize: 64 }, timing, 42);
 */
export async function measureConfiguration(
  data: TrainingData,
  configuration: Configuration,
  timing: Timing,
  seed: number,
): Promise<Measurement> {
  const inputSize = data.inputs.shape[1]!;
  const classes = 10;
  const model = mlp(inputSize, configuration.width, configuration.depth, classes);
  const params = model.init(seed);
  const seconds = epochSeconds(model, params, data, configuration.batchSize, timing, seed);
  const memory: number[] = [];
  for (let repeat = 0; repeat < timing.memoryRepeats; repeat++) {
    memory.push(await stepMegabytes(model, params, data, configuration.batchSize, seed));
  }
  return {
    parameters: countParameters(params),
    activations: inputSize + 2 * configuration.width * configuration.depth + 2 * classes,
    epochSeconds: seconds,
    stepMegabytes: median(memory),
  };
}
