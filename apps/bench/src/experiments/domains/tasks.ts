import { relu } from "@descent/activations";
import { classCounts, spamAssassinFromMessages, standardizeSplit } from "@descent/data";
import { loadFashionMnist, loadSensorAnomalies, readSpamAssassinMessages } from "@descent/data/node";
import { dense, type LossFunction, losses, type Model, predict, sequential } from "@descent/nn";
import { sgd } from "@descent/optimizers";
import type { Dataset, DatasetSplit, Tensor as TensorLike } from "@descent/spec";
import { mnist } from "../shared/datasets.js";
import { tracedFit } from "../shared/traced-fit.js";
import {
  binaryScores,
  epochsToFractionOfFinal,
  majorityClassAccuracy,
  multiClassScores,
  type Scores,
} from "./scores.js";

/** One trained (or baseline) model on one domain, scored on its test set. */
export interface DomainResult extends Scores {
  readonly domain: string;
  readonly dataset: string;
  readonly model: string;
  /** Short name for plots and findings, e.g. "spam: logistic regression". */
  readonly label: string;
  readonly trainCount: number;
  readonly testCount: number;
  readonly majorityAccuracy: number;
  /** First epoch at 95 % of the final F1; `null` for baselines that are not trained. */
  readonly epochsTo95: number | null;
  readonly epochs: number | null;
  /** Training seconds (evaluations excluded). */
  readonly seconds: number | null;
  /** Test F1 after each epoch, epoch 0 = before training. */
  readonly curve: readonly (readonly [number, number])[];
}

/** What every domain trains with: mini-batch gradient descent with heavy-ball momentum. */
export interface Training {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly onProgress: (fraction: number) => void;
}

const MOMENTUM = 0.9;

interface TaskSpec {
  readonly domain: string;
  readonly dataset: string;
  readonly model: Model;
  readonly modelName: string;
  readonly label: string;
  readonly split: DatasetSplit;
  readonly loss: LossFunction | "softmaxCrossEntropyFromLogits" | "binaryCrossEntropyFromLogits";
  readonly score: (logits: TensorLike, targets: TensorLike) => Scores;
}

async function trainTask(spec: TaskSpec, training: Training): Promise<DomainResult> {
  const { train, test } = spec.split;
  const scores: Scores[] = [];
  const trace = await tracedFit(spec.model, spec.model.init(training.seed), train, {
    optimizer: sgd({ learningRate: training.learningRate, momentum: MOMENTUM }),
    loss: spec.loss,
    epochs: training.epochs,
    batchSize: training.batchSize,
    seed: training.seed,
    measure: (params) => {
      const result = spec.score(predict(spec.model, params, test.inputs), test.targets);
      scores.push(result);
      return { ...result };
    },
    onProgress: training.onProgress,
  });
  const curve = trace.points.map((point) => [point.epoch, point.values.f1!] as const);
  const final = scores.at(-1)!;
  return {
    domain: spec.domain,
    dataset: spec.dataset,
    label: spec.label,
    model: `${spec.modelName}, SGD momentum ${MOMENTUM}, η = ${training.learningRate}, batch ${training.batchSize}`,
    trainCount: train.inputs.shape[0]!,
    testCount: test.inputs.shape[0]!,
    majorityAccuracy: majorityClassAccuracy(train.targets, test.targets),
    ...final,
    epochsTo95: epochsToFractionOfFinal(curve, 0.95),
    epochs: training.epochs,
    seconds: trace.epochSeconds.reduce((total, seconds) => total + seconds, 0),
    curve,
  };
}

function imageTask(
  domain: string,
  dataset: string,
  label: string,
  split: DatasetSplit,
  hidden: number,
): TaskSpec {
  return {
    domain,
    dataset,
    label,
    model: sequential([dense(784, hidden), relu(), dense(hidden, 10)]),
    modelName: `MLP 784-${hidden}-10 (ReLU)`,
    split,
    loss: "softmaxCrossEntropyFromLogits",
    score: multiClassScores,
  };
}

/** MNIST digits: a one-hidden-layer MLP, softmax cross-entropy. */
export function trainDigits(trainCount: number, testCount: number, hidden: number, training: Training) {
  const split = mnist(trainCount, testCount, training.seed);
  return trainTask(
    imageTask("image recognition", "MNIST digits (28×28, 10 classes)", "MNIST digits", split, hidden),
    training,
  );
}

/** Fashion-MNIST from the IDX files in `directory`: the same MLP as the digits. */
export function trainFashion(
  directory: string,
  trainCount: number,
  testCount: number,
  hidden: number,
  training: Training,
) {
  const split = loadFashionMnist({ directory, trainCount, testCount });
  return trainTask(
    imageTask(
      "image recognition",
      "Fashion-MNIST (28×28, 10 clothing classes)",
      "Fashion-MNIST",
      split,
      hidden,
    ),
    training,
  );
}

/** Options of {@link spamSplit}. */
export interface SpamOptions {
  readonly vocabularySize: number;
  /** Keep every `stride`-th message (1 = all 6,046); tiny mode vectorizes a tenth. */
  readonly stride: number;
  readonly seed: number;
}

/** SpamAssassin as TF-IDF bag-of-words features, vocabulary and idf fitted on the training messages only. */
export function spamSplit(options: SpamOptions): DatasetSplit {
  const messages = readSpamAssassinMessages().filter((_, index) => index % options.stride === 0);
  return spamAssassinFromMessages(messages, {
    features: "bag-of-words",
    vocabularySize: options.vocabularySize,
    tfidf: true,
    seed: options.seed,
  });
}

/** Spam filtering: logistic regression (`hidden` = 0) or a one-hidden-layer MLP on TF-IDF features. */
export function trainSpam(split: DatasetSplit, hidden: number, training: Training) {
  const inputs = split.train.inputs.shape[1]!;
  const model =
    hidden === 0
      ? sequential([dense(inputs, 1)])
      : sequential([dense(inputs, hidden), relu(), dense(hidden, 1)]);
  return trainTask(
    {
      domain: "text (natural language)",
      dataset: `SpamAssassin spam filtering (TF-IDF of the ${inputs} most frequent words)`,
      model,
      modelName: hidden === 0 ? "logistic regression" : `MLP ${inputs}-${hidden}-1 (ReLU)`,
      label: hidden === 0 ? "spam: logistic regression" : "spam: MLP",
      split,
      loss: "binaryCrossEntropyFromLogits",
      score: binaryScores,
    },
    training,
  );
}

const SENSOR_DOMAIN = "rare-event detection (stand-in for fraud detection)";
const SENSOR_DATASET = "sensor-network anomalies (humidity, temperature; 0.79 % anomalies)";

/** The sensor anomalies, standardized with statistics of the training part. */
export function sensorSplit(seed: number): DatasetSplit {
  return standardizeSplit(loadSensorAnomalies({ seed })).split;
}

/**
 * Sensor anomalies with a small MLP; `classWeighted` weighs each class by `n / (2·n_class)` of the
 * training set (the "balanced" heuristic), so the rare anomalies count as much as the normal readings.
 */
export function trainSensor(split: DatasetSplit, hidden: number, classWeighted: boolean, training: Training) {
  const counts = classCounts(split.train as Dataset);
  const total = counts.reduce((sum, count) => sum + count, 0);
  const weights = counts.map((count) => total / (2 * count));
  const loss: LossFunction = classWeighted
    ? (predictions, targets) =>
        losses.binaryCrossEntropyFromLogits(predictions, targets, { classWeights: weights })
    : (predictions, targets) => losses.binaryCrossEntropyFromLogits(predictions, targets);
  const weighting = classWeighted
    ? `class weights ${weights.map((weight) => weight.toFixed(2)).join(" / ")}`
    : "unweighted loss";
  return trainTask(
    {
      domain: SENSOR_DOMAIN,
      dataset: SENSOR_DATASET,
      model: sequential([dense(2, hidden), relu(), dense(hidden, hidden), relu(), dense(hidden, 1)]),
      modelName: `MLP 2-${hidden}-${hidden}-1 (ReLU), ${weighting}`,
      label: classWeighted ? "sensor anomalies: class-weighted MLP" : "sensor anomalies: unweighted MLP",
      split,
      loss,
      score: binaryScores,
    },
    training,
  );
}

/** The "always normal" answer on the sensor anomalies: no training, the accuracy trap in one row. */
export function sensorMajorityBaseline(split: DatasetSplit): DomainResult {
  const { train, test } = split;
  const count = test.inputs.shape[0]!;
  const constant = { shape: [count, 1], dtype: "float32", data: new Float32Array(count).fill(-1) } as const;
  return {
    domain: SENSOR_DOMAIN,
    dataset: SENSOR_DATASET,
    model: "baseline: always answer “normal” (no training)",
    label: "sensor anomalies: always “normal”",
    trainCount: train.inputs.shape[0]!,
    testCount: count,
    majorityAccuracy: majorityClassAccuracy(train.targets, test.targets),
    ...binaryScores(constant, test.targets),
    epochsTo95: null,
    epochs: null,
    seconds: null,
    curve: [],
  };
}
