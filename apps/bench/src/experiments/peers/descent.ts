import {
  checkpoint,
  conv2d,
  dense,
  evaluate,
  type FitOptions,
  fit,
  flatten,
  type Model,
  maxPool2d,
  sequential,
  type TrainingCheckpoint,
} from "@descent/nn";
import { adam, sgd } from "@descent/optimizers";
import type { Dataset, ParamTree, Tensor as TensorLike } from "@descent/spec";
import {
  type ArithmeticOptions,
  add,
  createRandom,
  initKernels,
  kernelInfo,
  matmul,
  Tensor,
  uniform,
} from "@descent/tensor";
import { perCallSeconds, timedTurn } from "../shared/measure.js";
import type { InitialWeights, LayerWeights, PeersSettings, PeerTrainer, PeerWorkload } from "./types.js";

/** The compared MLP: `inputs → dense(hidden) → relu → dense(classes)` (logits). */
export function peerModel(inputSize: number, hiddenSize: number, classes: number): Model {
  return sequential([dense(inputSize, hiddenSize), "relu", dense(hiddenSize, classes)]);
}

/** The MLP settings every `peers` mode shares (and `step-profile` profiles): hidden 128, batch 64, SGD 0.1. */
export const PEER_MLP = { hiddenSize: 128, batchSize: 64, learningRate: 0.1 } as const;

/** The MLP workload of `settings`: 784-hidden-10, SGD. */
export function mlpWorkload(
  settings: Pick<PeersSettings, "hiddenSize" | "batchSize" | "learningRate">,
  inputSize = 784,
): PeerWorkload {
  return {
    id: "mlp",
    name: `${inputSize}-${settings.hiddenSize}-10 MLP`,
    inputShape: [inputSize],
    classes: 10,
    batchSize: settings.batchSize,
    optimizer: { name: "sgd", learningRate: settings.learningRate },
  };
}

/** The CNN settings every `peers` mode shares (and `step-profile` profiles): batch 64, Adam at 1e-3. */
export const PEER_CNN = { batchSize: 64, learningRate: 1e-3 } as const;

/** The CNN workload of `settings`: 28×28×1 NHWC images, Adam. */
export function cnnWorkload(settings: {
  readonly cnn: Pick<PeersSettings["cnn"], "batchSize" | "learningRate">;
}): PeerWorkload {
  return {
    id: "cnn",
    name: "CNN (conv3×3·32, pool 2, conv3×3·64, pool 2, dense 128, dense 10)",
    inputShape: [28, 28, 1],
    classes: 10,
    batchSize: settings.cnn.batchSize,
    optimizer: { name: "adam", learningRate: settings.cnn.learningRate },
  };
}

/** The NHWC map the CNN flattens before its first dense layer: 28 → 26 → 13 → 11 → 5. */
export const CNN_FLATTEN_HWC = [5, 5, 64] as const;

/**
 * The compared CNN, "valid" padding: `[n, 28, 28, 1] → conv3×3·32 → relu → maxPool 2 → conv3×3·64 → relu →
 * maxPool 2 → flatten ([n, 5·5·64]) → dense 128 → relu → dense classes` (logits).
 */
export function cnnModel(classes: number): Model {
  const [height, width, channels] = CNN_FLATTEN_HWC;
  return sequential([
    conv2d(1, 32, 3),
    "relu",
    maxPool2d(2),
    conv2d(32, 64, 3),
    "relu",
    maxPool2d(2),
    flatten(),
    dense(height * width * channels, 128),
    "relu",
    dense(128, classes),
  ]);
}

/**
 * The parameters of `model` as plain arrays, layer by layer, to start every library from the same point;
 * `flattenHwc` marks the first dense layer after a convolution (it reads a flattened NHWC map).
 */
export function initialWeights(
  model: Model,
  params: ParamTree,
  flattenHwc?: readonly [number, number, number],
): InitialWeights {
  const layers: LayerWeights[] = [];
  for (const name of model.layerNames) {
    const entry = params[name] as ParamTree | undefined;
    if (entry === undefined) continue;
    const weights = entry.weights as TensorLike;
    const kind = weights.shape.length === 4 ? "conv" : "dense";
    const afterConvolution = kind === "dense" && layers.at(-1)?.kind === "conv";
    layers.push({
      kind,
      weights: Float32Array.from(weights.data),
      weightShape: [...weights.shape],
      bias: Float32Array.from((entry.bias as TensorLike).data),
      ...(afterConvolution && flattenHwc !== undefined ? { flattenHwc } : {}),
    });
  }
  return { layers };
}

/**
 * The inverse of {@link initialWeights}: `model`'s parameter tree (its shape from `model.init(seed)`) holding
 * `weights`, layer by layer in model order, as tensors sharing the arrays.
 *
 * @example const params = paramsFromWeights(model, initialWeights(model, model.init(7)), 7); // the same values
 */
export function paramsFromWeights(model: Model, weights: InitialWeights, seed: number): ParamTree {
  const template = model.init(seed);
  const params: Record<string, ParamTree[string]> = {};
  let index = 0;
  for (const name of model.layerNames) {
    const entry = template[name] as ParamTree | undefined;
    if (entry === undefined) continue;
    const layer = weights.layers[index++];
    if (layer === undefined)
      throw new Error(
        `paramsFromWeights: ${weights.layers.length} layers of weights for more parameterised layers`,
      );
    params[name] = {
      ...entry,
      weights: new Tensor(layer.weights, layer.weightShape),
      bias: new Tensor(layer.bias, [layer.bias.length]),
    };
  }
  if (index !== weights.layers.length)
    throw new Error(
      `paramsFromWeights: ${weights.layers.length} layers of weights for ${index} parameterised layers`,
    );
  return params;
}

/**
 * How every descent run of `peers` trains a workload: mini-batch SGD or Adam (default betas and ε) on softmax
 * cross-entropy, shuffled by `seed`.
 *
 * @example fit(model, params, train, { ...peerFitOptions(mlpWorkload(settings), seed), epochs: 5 })
 */
export function peerFitOptions(workload: PeerWorkload, seed: number): FitOptions {
  const { name, learningRate } = workload.optimizer;
  return {
    optimizer: name === "sgd" ? sgd({ learningRate }) : adam({ learningRate }),
    loss: "softmaxCrossEntropyFromLogits",
    mode: "mini-batch",
    batchSize: workload.batchSize,
    shuffle: true,
    seed,
  };
}

/**
 * descent as a peer: `fit` exactly as a user calls it (mini-batch SGD or Adam, its own seeded shuffling, which draws
 * the same order of rows as the shared one: `permutation(createRandom(seed).fork(), n)` per epoch), paused
 * after each epoch with a checkpoint and resumed for the next (`resume`, bit-identical to one long run);
 * then `matmul` on the active kernels for the GEMM columns, and `add` for the per-op overhead columns (a new
 * result per call, and at the largest shape also into one reused result through `options.allocate`).
 *
 * @example const trainer = await descentTrainer(model, params, train, test, mlpWorkload(settings), settings, seed);
 */
export async function descentTrainer(
  model: Model,
  initial: ParamTree,
  train: Dataset,
  test: Dataset,
  workload: PeerWorkload,
  settings: PeersSettings,
  seed: number,
): Promise<PeerTrainer> {
  await initKernels();
  let params = initial;
  let resume: TrainingCheckpoint | undefined;
  // The checkpoint taken at an epoch's last step still counts that epoch as in progress: count them here.
  let epochsDone = 0;
  const samplesPerEpoch = train.inputs.shape[0]!;
  const stepsPerEpoch = Math.ceil(samplesPerEpoch / workload.batchSize);
  const trainEpoch = () => {
    const started = performance.now();
    const result = fit(model, params, train, {
      ...peerFitOptions(workload, seed),
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
  // Median µs of `add(a, b, options)` on two float32 tensors of `shape`, one element of the result read back
  // (descent's result is a plain Float32Array already: that is all a caller does).
  const addMicroseconds = (shape: readonly number[], options?: ArithmeticOptions) => {
    const random = createRandom(seed + shape.length);
    const a = uniform(random, shape);
    const b = uniform(random, shape);
    let sink = 0;
    const seconds = perCallSeconds(
      () => {
        const sum = add(a, b, options);
        sink += sum.data[sum.data.length - 1]!;
      },
      { budgetSeconds: settings.overheadBudgetSeconds },
    );
    if (!Number.isFinite(sink)) throw new Error("peers: add returned a non-finite value");
    return seconds * 1e6;
  };
  const restart = () => {
    params = initial;
    resume = undefined;
    epochsDone = 0;
  };
  return {
    samplesPerEpoch,
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
      return { ...timedTurn(() => void matmul(a, b)), dispose() {} };
    },
    async addMicroseconds(shape) {
      return addMicroseconds(shape);
    },
    async addIntoReusedMicroseconds(shape) {
      // `options.allocate` hands `add` the same array every call: no new array (zeroed, fresh pages) per add.
      const reused = new Float32Array(shape.reduce((product, size) => product * size, 1));
      return addMicroseconds(shape, { allocate: () => reused });
    },
    dispose() {},
  };
}
