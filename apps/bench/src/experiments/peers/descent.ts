import {
  checkpoint,
  dense,
  evaluate,
  type FitOptions,
  fit,
  type Model,
  sequential,
  type TrainingCheckpoint,
} from "@descent/nn";
import { sgd } from "@descent/optimizers";
import type { Dataset, ParamTree, Tensor as TensorLike } from "@descent/spec";
import { add, createRandom, initKernels, kernelInfo, matmul, uniform } from "@descent/tensor";
import { perCallSeconds } from "../shared/measure.js";
import type { InitialWeights, PeersSettings, PeerTrainer } from "./types.js";

/** The compared network: `inputs → dense(hidden) → relu → dense(classes)` (logits). */
export function peerModel(inputSize: number, hiddenSize: number, classes: number): Model {
  return sequential([dense(inputSize, hiddenSize), "relu", dense(hiddenSize, classes)]);
}

function leaf(tree: ParamTree, layer: string, name: string): Float32Array {
  const tensor = (tree[layer] as ParamTree)[name] as TensorLike;
  return Float32Array.from(tensor.data);
}

/** The parameters of {@link peerModel} as plain arrays, to start every library from the same point. */
export function initialWeights(params: ParamTree, hiddenSize: number, classes: number): InitialWeights {
  return {
    hiddenSize,
    classes,
    hiddenWeights: leaf(params, "dense_1", "weights"),
    hiddenBias: leaf(params, "dense_1", "bias"),
    outputWeights: leaf(params, "dense_2", "weights"),
    outputBias: leaf(params, "dense_2", "bias"),
  };
}

/**
 * How every descent run of `peers` trains the MLP: mini-batch SGD on softmax cross-entropy, shuffled by `seed`.
 *
 * @example fit(model, params, train, { ...peerFitOptions(settings, seed), epochs: 5 })
 */
export function peerFitOptions(settings: PeersSettings, seed: number): FitOptions {
  return {
    optimizer: sgd({ learningRate: settings.learningRate }),
    loss: "softmaxCrossEntropyFromLogits",
    mode: "mini-batch",
    batchSize: settings.batchSize,
    shuffle: true,
    seed,
  };
}

/**
 * descent as a peer: `fit` exactly as a user calls it (mini-batch SGD, its own seeded shuffling, which draws
 * the same order of rows as the shared one: `permutation(createRandom(seed).fork(), n)` per epoch), paused
 * after each epoch with a checkpoint and resumed for the next (`resume`, bit-identical to one long run);
 * then `matmul` on the active kernels for the GEMM columns, and `add` for the per-op overhead columns.
 *
 * @example const trainer = await descentTrainer(model, params, train, test, settings, seed);
 */
export async function descentTrainer(
  model: Model,
  initial: ParamTree,
  train: Dataset,
  test: Dataset,
  settings: PeersSettings,
  seed: number,
): Promise<PeerTrainer> {
  await initKernels();
  let params = initial;
  let resume: TrainingCheckpoint | undefined;
  // The checkpoint taken at an epoch's last step still counts that epoch as in progress: count them here.
  let epochsDone = 0;
  const stepsPerEpoch = Math.ceil(train.inputs.shape[0]! / settings.batchSize);
  const trainEpoch = () => {
    const started = performance.now();
    const result = fit(model, params, train, {
      ...peerFitOptions(settings, seed),
      epochs: ++epochsDone,
      resume,
      callbacks: [
        checkpoint({
          everySteps: stepsPerEpoch,
          save: (snapshot) => (resume = snapshot.training ?? undefined),
        }),
      ],
    });
    const seconds = (performance.now() - started) / 1000;
    params = result.params;
    return seconds;
  };
  const restart = () => {
    params = initial;
    resume = undefined;
    epochsDone = 0;
  };
  return {
    backend() {
      const info = kernelInfo();
      return `${info.name}, ${info.threads} thread${info.threads === 1 ? "" : "s"}`;
    },
    async restart() {
      restart();
    },
    async epoch() {
      return trainEpoch();
    },
    async testAccuracy() {
      const { accuracy } = evaluate(model, params, test, { metrics: ["accuracy"] });
      if (accuracy === undefined) throw new Error("peers: evaluate returned no accuracy");
      return accuracy;
    },
    async gemm(size) {
      const random = createRandom(seed + size);
      const a = uniform(random, [size, size]);
      const b = uniform(random, [size, size]);
      // descent's result is a plain Float32Array already: there is nothing to read back or free.
      return { async prepare() {}, run: () => void matmul(a, b), dispose() {} };
    },
    async addMicroseconds(shape) {
      const random = createRandom(seed + shape.length);
      const a = uniform(random, shape);
      const b = uniform(random, shape);
      // descent's result is a plain Float32Array already: reading one element back is all a caller does.
      let sink = 0;
      const seconds = perCallSeconds(
        () => {
          const sum = add(a, b);
          sink += sum.data[sum.data.length - 1]!;
        },
        { budgetSeconds: settings.overheadBudgetSeconds },
      );
      if (!Number.isFinite(sink)) throw new Error("peers: add returned a non-finite value");
      return seconds * 1e6;
    },
    dispose() {},
  };
}
