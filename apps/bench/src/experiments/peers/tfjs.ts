import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { Dataset } from "@descent/spec";
import { createRandom } from "@descent/tensor";
import { perCallSeconds, timedTurn } from "../shared/measure.js";
import type { InitialWeights, PeersSettings, PeerTrainer, PeerWorkload } from "./types.js";

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

/** `workload`'s model in TensorFlow.js layers, with the shared initial weights set layer by layer. */
function buildModel(tf: Tf, workload: PeerWorkload, initial: InitialWeights) {
  const outputs = initial.layers.map((layer) => layer.weightShape.at(-1)!);
  const layers =
    workload.id === "mlp"
      ? [
          tf.layers.dense({ inputShape: [...workload.inputShape], units: outputs[0]!, activation: "relu" }),
          tf.layers.dense({ units: outputs[1]! }),
        ]
      : [
          tf.layers.conv2d({
            inputShape: [...workload.inputShape],
            filters: outputs[0]!,
            kernelSize: initial.layers[0]!.weightShape[0]!,
            padding: "valid",
            activation: "relu",
          }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({
            filters: outputs[1]!,
            kernelSize: initial.layers[1]!.weightShape[0]!,
            padding: "valid",
            activation: "relu",
          }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: outputs[2]!, activation: "relu" }),
          tf.layers.dense({ units: outputs[3]! }),
        ];
  const model = tf.sequential({ layers });
  // descent's [in, out] dense and [kh, kw, in, out] conv weights are TensorFlow's layouts, and both flatten NHWC.
  const parameterised = model.layers.filter((layer) => layer.getWeights().length > 0);
  parameterised.forEach((layer, index) => {
    const { weights, weightShape, bias } = initial.layers[index]!;
    layer.setWeights([tf.tensor(weights, [...weightShape]), tf.tensor1d(bias)]);
  });
  return model;
}

function labelsOf(dataset: Dataset): Int32Array {
  return Int32Array.from(dataset.targets.data);
}

/**
 * TensorFlow.js on `backend` as a peer: Keras-style `model.fit`, one call per epoch over the epoch's rows
 * gathered in the shared order (`tf.gather`, timed, as descent's gather is), then `tf.matMul` for the GEMM
 * columns and `tf.add` for the per-op overhead columns. The model and its optimizer (Adam keeps moments) live
 * on the trainer's backend from one epoch to the next; the backend is global in TensorFlow.js, so each turn
 * activates it first (untimed). `samplesPerEpoch` below the training set's rows trains only the first rows of
 * each epoch's order (a slow backend on a costly workload).
 *
 * @example const trainer = await tfjsTrainer("wasm", mlpWorkload(settings), train, test, weights, settings, seed);
 */
export async function tfjsTrainer(
  backend: TfBackend,
  workload: PeerWorkload,
  train: Dataset,
  test: Dataset,
  initial: InitialWeights,
  settings: PeersSettings,
  seed: number,
  samplesPerEpoch = train.inputs.shape[0]!,
): Promise<PeerTrainer> {
  let tf = await tfjsWithBackend(backend);
  const count = train.inputs.shape[0]!;
  const shape = (rows: number) => [rows, ...workload.inputShape];
  // Made once on this trainer's backend; tensors stay on the backend that made them while others run.
  const inputs = tf.tensor(train.inputs.data as Float32Array, shape(count));
  const targets = tf.tidy(() => tf.oneHot(tf.tensor1d(labelsOf(train), "int32"), workload.classes).toFloat());
  let model: import("@tensorflow/tfjs").LayersModel | undefined;
  let optimizer: import("@tensorflow/tfjs").Optimizer | undefined;
  const restart = async () => {
    tf = await tfjsWithBackend(backend);
    model?.dispose();
    optimizer?.dispose();
    model = buildModel(tf, workload, initial);
    const { name, learningRate } = workload.optimizer;
    // Adam with PyTorch's and descent's ε (TensorFlow.js defaults to 1e-7).
    optimizer = name === "sgd" ? tf.train.sgd(learningRate) : tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
    model.compile({
      optimizer,
      loss: (targets: TfTensor, logits: TfTensor) => tf.losses.softmaxCrossEntropy(targets, logits),
    });
  };
  await restart();

  const trainEpoch = async (order: Int32Array) => {
    tf = await tfjsWithBackend(backend);
    const started = performance.now();
    const indices = tf.tensor1d(order.subarray(0, samplesPerEpoch), "int32");
    const x = tf.gather(inputs, indices);
    const y = tf.gather(targets, indices);
    await model!.fit(x, y, { epochs: 1, batchSize: workload.batchSize, shuffle: false, verbose: 0 });
    tf.dispose([indices, x, y]);
    return (performance.now() - started) / 1000;
  };

  return {
    samplesPerEpoch,
    backend: () => backend,
    restart,
    epoch: trainEpoch,
    async testAccuracy() {
      tf = await tfjsWithBackend(backend);
      const testCount = test.inputs.shape[0]!;
      const testInputs = tf.tensor(test.inputs.data as Float32Array, shape(testCount));
      const predicted = tf.tidy(() => (model!.predict(testInputs, { batchSize: 256 }) as TfTensor).argMax(1));
      const classes = predicted.dataSync();
      const labels = labelsOf(test);
      let correct = 0;
      for (let i = 0; i < testCount; i++) if (classes[i] === labels[i]) correct++;
      tf.dispose([testInputs, predicted]);
      return correct / testCount;
    },
    async gemm(size) {
      tf = await tfjsWithBackend(backend);
      const random = createRandom(seed + size);
      const a = tf.randomUniform([size, size], 0, 1, "float32", random.nextUint32());
      const b = tf.randomUniform([size, size], 0, 1, "float32", random.nextUint32());
      return {
        ...timedTurn(
          () => {
            const product = tf.matMul(a, b);
            product.dataSync();
            product.dispose();
          },
          async () => {
            tf = await tfjsWithBackend(backend);
          },
        ),
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
      model?.dispose();
      optimizer?.dispose();
      tf.dispose([inputs, targets]);
    },
  };
}
