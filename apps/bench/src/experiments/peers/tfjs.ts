import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { Dataset } from "@descent/spec";
import { createRandom } from "@descent/tensor";
import { perCallSeconds } from "../shared/measure.js";
import type { InitialWeights, PeersSettings, PeerTrainer } from "./types.js";

type Tf = typeof import("@tensorflow/tfjs");
type TfTensor = import("@tensorflow/tfjs").Tensor;

/** A TensorFlow.js backend this experiment compares against. */
export type TfBackend = "cpu" | "wasm";

// Non-literal specifiers keep the bundler (tsup bundles devDependencies) from inlining TensorFlow.js:
// the wasm backend finds its .wasm files next to its own module, which only works when Node loads it.
const tfjsModule = "@tensorflow/tfjs";
const wasmModule = "@tensorflow/tfjs-backend-wasm";

let loaded: Promise<Tf> | undefined;

async function loadTfjs(): Promise<Tf> {
  loaded ??= (async () => {
    const tf = (await import(tfjsModule)) as Tf;
    // PROD silences the "install tfjs-node" banner (an experiment never prints) and skips debug checks.
    tf.env().set("PROD", true);
    return tf;
  })();
  return loaded;
}

/**
 * Loads TensorFlow.js and activates `backend`; throws an Error saying why when it cannot.
 *
 * @example const tf = await tfjsWithBackend("wasm");
 */
export async function tfjsWithBackend(backend: TfBackend): Promise<Tf> {
  const tf = await loadTfjs();
  if (backend === "wasm" && tf.findBackendFactory("wasm") === null) {
    const wasm = (await import(wasmModule)) as typeof import("@tensorflow/tfjs-backend-wasm");
    const entry = createRequire(import.meta.url).resolve(wasmModule);
    wasm.setWasmPaths(`${dirname(entry)}/`);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend("${backend}") returned false`);
  await tf.ready();
  if (tf.getBackend() !== backend)
    throw new Error(`backend is "${tf.getBackend()}" after setBackend("${backend}")`);
  return tf;
}

function buildModel(tf: Tf, inputSize: number, weights: InitialWeights) {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [inputSize], units: weights.hiddenSize, activation: "relu" }),
      tf.layers.dense({ units: weights.classes }),
    ],
  });
  const [first, second] = model.layers as [
    import("@tensorflow/tfjs").layers.Layer,
    import("@tensorflow/tfjs").layers.Layer,
  ];
  first.setWeights([
    tf.tensor2d(weights.hiddenWeights, [inputSize, weights.hiddenSize]),
    tf.tensor1d(weights.hiddenBias),
  ]);
  second.setWeights([
    tf.tensor2d(weights.outputWeights, [weights.hiddenSize, weights.classes]),
    tf.tensor1d(weights.outputBias),
  ]);
  return model;
}

function labelsOf(dataset: Dataset): Int32Array {
  return Int32Array.from(dataset.targets.data);
}

/** The current weights of `model` as plain arrays (the state a new model continues from: SGD keeps none). */
function weightsOf(model: import("@tensorflow/tfjs").LayersModel, previous: InitialWeights): InitialWeights {
  const [hiddenWeights, hiddenBias, outputWeights, outputBias] = model
    .getWeights()
    .map((weight) => Float32Array.from(weight.dataSync()));
  return {
    ...previous,
    hiddenWeights: hiddenWeights!,
    hiddenBias: hiddenBias!,
    outputWeights: outputWeights!,
    outputBias: outputBias!,
  };
}

/**
 * TensorFlow.js on `backend` as a peer: Keras-style `model.fit`, one call per epoch over the epoch's rows
 * gathered in the shared order (`tf.gather`, timed, as descent's gather is), then `tf.matMul` for the GEMM
 * columns and `tf.add` for the per-op overhead columns. The backend is global in TensorFlow.js, so between
 * its turns the trainer keeps its weights as plain arrays and rebuilds the model on its backend before the
 * next timed epoch (untimed).
 *
 * @example const trainer = await tfjsTrainer("wasm", train, test, weights, settings, seed);
 */
export async function tfjsTrainer(
  backend: TfBackend,
  train: Dataset,
  test: Dataset,
  initial: InitialWeights,
  settings: PeersSettings,
  seed: number,
): Promise<PeerTrainer> {
  let tf = await tfjsWithBackend(backend);
  let weights = initial;
  const count = train.inputs.shape[0]!;
  const inputSize = train.inputs.shape[1]!;
  // Made once on this trainer's backend; tensors stay on the backend that made them while others run.
  const inputs = tf.tensor2d(train.inputs.data as Float32Array, [count, inputSize]);
  const targets = tf.tidy(() => tf.oneHot(tf.tensor1d(labelsOf(train), "int32"), initial.classes).toFloat());

  const trainEpoch = async (order: Int32Array) => {
    tf = await tfjsWithBackend(backend);
    const model = buildModel(tf, inputSize, weights);
    model.compile({
      optimizer: tf.train.sgd(settings.learningRate),
      loss: (targets: TfTensor, logits: TfTensor) => tf.losses.softmaxCrossEntropy(targets, logits),
    });
    const started = performance.now();
    const indices = tf.tensor1d(order, "int32");
    const x = tf.gather(inputs, indices);
    const y = tf.gather(targets, indices);
    await model.fit(x, y, { epochs: 1, batchSize: settings.batchSize, shuffle: false, verbose: 0 });
    tf.dispose([indices, x, y]);
    const seconds = (performance.now() - started) / 1000;
    weights = weightsOf(model, weights);
    model.dispose();
    return seconds;
  };

  return {
    backend: () => backend,
    async restart() {
      weights = initial;
    },
    epoch: trainEpoch,
    async testAccuracy() {
      tf = await tfjsWithBackend(backend);
      const model = buildModel(tf, inputSize, weights);
      const testCount = test.inputs.shape[0]!;
      const testInputs = tf.tensor2d(test.inputs.data as Float32Array, [testCount, inputSize]);
      const predicted = tf.tidy(() => (model.predict(testInputs) as TfTensor).argMax(1));
      const classes = predicted.dataSync();
      const labels = labelsOf(test);
      let correct = 0;
      for (let i = 0; i < testCount; i++) if (classes[i] === labels[i]) correct++;
      tf.dispose([testInputs, predicted]);
      model.dispose();
      return correct / testCount;
    },
    async gemm(size) {
      tf = await tfjsWithBackend(backend);
      const random = createRandom(seed + size);
      const a = tf.randomUniform([size, size], 0, 1, "float32", random.nextUint32());
      const b = tf.randomUniform([size, size], 0, 1, "float32", random.nextUint32());
      return {
        async prepare() {
          tf = await tfjsWithBackend(backend);
        },
        run() {
          const product = tf.matMul(a, b);
          product.dataSync();
          product.dispose();
        },
        dispose() {
          tf.dispose([a, b]);
        },
      };
    },
    async addMicroseconds(shape) {
      tf = await tfjsWithBackend(backend);
      const random = createRandom(seed + shape.length);
      const a = tf.randomUniform([...shape], 0, 1, "float32", random.nextUint32());
      const b = tf.randomUniform([...shape], 0, 1, "float32", random.nextUint32());
      const seconds = perCallSeconds(
        () => {
          const sum = tf.add(a, b);
          sum.dataSync();
          sum.dispose();
        },
        { budgetSeconds: settings.overheadBudgetSeconds },
      );
      tf.dispose([a, b]);
      return seconds * 1e6;
    },
    dispose() {
      tf.dispose([inputs, targets]);
    },
  };
}
