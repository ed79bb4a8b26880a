import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { Dataset } from "@descent/spec";
import { createRandom, permutation } from "@descent/tensor";
import { firstRows } from "../shared/datasets.js";
import { gemmGflops, medianSeconds } from "../shared/measure.js";
import type { InitialWeights, PeerRun, PeersSettings } from "./types.js";

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

async function trainOnce(
  tf: Tf,
  train: Dataset,
  test: Dataset,
  weights: InitialWeights,
  settings: PeersSettings,
  seed: number,
  onEpoch: (epoch: number) => void,
): Promise<{ seconds: number; testAccuracy: number }> {
  const count = train.inputs.shape[0]!;
  const inputSize = train.inputs.shape[1]!;
  const model = buildModel(tf, inputSize, weights);
  model.compile({
    optimizer: tf.train.sgd(settings.learningRate),
    loss: (targets: TfTensor, logits: TfTensor) => tf.losses.softmaxCrossEntropy(targets, logits),
  });
  const inputs = tf.tensor2d(train.inputs.data as Float32Array, [count, inputSize]);
  const targets = tf.oneHot(tf.tensor1d(labelsOf(train), "int32"), weights.classes).toFloat();
  // The same stream as descent's fit (root.fork() of createRandom(seed)), so both see the same batches.
  const shuffler = createRandom(seed).fork();
  let seconds = 0;
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    const order = permutation(shuffler, count);
    const started = performance.now();
    const indices = tf.tensor1d(order, "int32");
    const x = tf.gather(inputs, indices);
    const y = tf.gather(targets, indices);
    await model.fit(x, y, { epochs: 1, batchSize: settings.batchSize, shuffle: false, verbose: 0 });
    tf.dispose([indices, x, y]);
    seconds += (performance.now() - started) / 1000;
    onEpoch(epoch);
  }
  const testCount = test.inputs.shape[0]!;
  const testInputs = tf.tensor2d(test.inputs.data as Float32Array, [testCount, inputSize]);
  const predicted = tf.tidy(() => (model.predict(testInputs) as TfTensor).argMax(1));
  const classes = predicted.dataSync();
  const labels = labelsOf(test);
  let correct = 0;
  for (let i = 0; i < testCount; i++) if (classes[i] === labels[i]) correct++;
  tf.dispose([inputs, targets, testInputs, predicted]);
  model.dispose();
  return { seconds, testAccuracy: correct / testCount };
}

/**
 * Trains the MLP with TensorFlow.js on `backend` (Keras-style `model.fit`, one call per epoch on data
 * shuffled by the run's seeded permutation) after a short warm-up, then times square GEMMs.
 *
 * @example const run = await runTfjs("wasm", split, weights, settings, seed, progress);
 */
export async function runTfjs(
  backend: TfBackend,
  train: Dataset,
  test: Dataset,
  weights: InitialWeights,
  settings: PeersSettings,
  seed: number,
  progress: (fraction: number) => void,
): Promise<PeerRun> {
  const tf = await tfjsWithBackend(backend);
  const warmUp = { ...settings, epochs: 1 };
  const warmUpCount = Math.min(settings.warmUpSamples, train.inputs.shape[0]!);
  await trainOnce(tf, firstRows(train, warmUpCount), test, weights, warmUp, seed, () => {});
  const runs: { seconds: number; testAccuracy: number }[] = [];
  const totalEpochs = settings.epochs * settings.repetitions;
  for (let repetition = 0; repetition < settings.repetitions; repetition++) {
    runs.push(
      await trainOnce(tf, train, test, weights, settings, seed, (epoch) =>
        progress((0.8 * (repetition * settings.epochs + epoch + 1)) / totalEpochs),
      ),
    );
  }
  const gemm = settings.gemmSizes.map((size, index) => {
    const random = createRandom(seed + size);
    const a = tf.randomUniform([size, size], 0, 1, "float32", random.nextUint32());
    const b = tf.randomUniform([size, size], 0, 1, "float32", random.nextUint32());
    const seconds = medianSeconds(
      () => {
        const product = tf.matMul(a, b);
        product.dataSync();
        product.dispose();
      },
      { maxRuns: settings.gemmMaxRuns, budgetSeconds: settings.gemmBudgetSeconds },
    );
    tf.dispose([a, b]);
    progress(0.8 + (0.2 * (index + 1)) / settings.gemmSizes.length);
    return gemmGflops(size, seconds);
  });
  return { runs, gemmGflops: gemm, backend };
}
