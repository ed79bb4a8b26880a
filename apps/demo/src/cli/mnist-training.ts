import { getActivation } from "@descent/activations";
import { valueAndGrad } from "@descent/autodiff";
import { activation, dense, losses, metrics, type Params, sequential } from "@descent/nn";
import { adam, applyUpdates } from "@descent/optimizers";
import type { DatasetSplit, ParamTree, Tensor as TensorLike } from "@descent/spec";
import { createRandom, permutation, Tensor, ValueError } from "@descent/tensor";

/** Settings of the terminal quick start. */
export interface MnistRunOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly hidden: number;
  readonly learningRate: number;
  readonly seed: number;
}

export const DEFAULT_MNIST_OPTIONS: MnistRunOptions = {
  epochs: 5,
  batchSize: 64,
  hidden: 128,
  learningRate: 1e-3,
  seed: 0,
};

/** What the quick start reports after training. */
export interface MnistRunResult {
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly confusionMatrix: TensorLike;
  readonly finalLoss: number;
}

/** Called after every step: epoch (0-based), step within the epoch, steps per epoch, the batch loss. */
export type ProgressCallback = (epoch: number, step: number, stepsPerEpoch: number, loss: number) => void;

/**
 * Trains `784 → hidden → relu → 10` with Adam and softmax cross-entropy on the split, in mini-batches
 * drawn in a seeded shuffled order, and measures accuracy and the confusion matrix on the test set.
 */
export function trainMnist(
  split: DatasetSplit,
  options: MnistRunOptions,
  onStep?: ProgressCallback,
): MnistRunResult {
  const { epochs, batchSize, hidden, learningRate, seed } = options;
  if (!(Number.isInteger(epochs) && epochs >= 1))
    throw new ValueError("trainMnist", `epochs ${epochs}: use an integer ≥ 1`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new ValueError("trainMnist", `batch size ${batchSize}: use an integer ≥ 1`);
  }
  const model = sequential([dense(784, hidden, {}), activation(getActivation("relu")), dense(hidden, 10)]);
  const random = createRandom(seed);
  let params: ParamTree = model.init(random.fork());
  const optimizer = adam({ learningRate });
  let optimizerState = optimizer.init(params);
  const shuffle = random.fork();
  const { inputs, targets } = split.train;
  const count = inputs.shape[0]!;
  const stepsPerEpoch = Math.ceil(count / batchSize);
  let finalLoss = Number.NaN;
  const lossOf = (p: Params, x: TensorLike, y: TensorLike) =>
    losses.softmaxCrossEntropyFromLogits(model.apply(p, x), y);

  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = permutation(shuffle, count);
    for (let step = 0; step < stepsPerEpoch; step++) {
      const indices = order.subarray(step * batchSize, Math.min((step + 1) * batchSize, count));
      const x = takeRows(inputs, indices);
      const y = takeRows(targets, indices);
      const { value, gradients } = valueAndGrad(lossOf)(params as Params, x, y);
      finalLoss = value.item();
      if (!Number.isFinite(finalLoss)) {
        throw new ValueError(
          "trainMnist",
          `the loss became ${finalLoss} at epoch ${epoch + 1}, step ${step + 1}: lower the learning rate`,
        );
      }
      const result = optimizer.update(gradients as unknown as ParamTree, optimizerState, params);
      params = applyUpdates(params, result.updates);
      optimizerState = result.state;
      onStep?.(epoch, step, stepsPerEpoch, finalLoss);
    }
  }
  const predict = (x: TensorLike) => model.apply(params as Params, x).value;
  const testScores = predict(split.test.inputs);
  return {
    trainAccuracy: metrics.accuracy(predict(inputs), targets),
    testAccuracy: metrics.accuracy(testScores, split.test.targets),
    confusionMatrix: metrics.confusionMatrix(testScores, split.test.targets, { classes: 10 }),
    finalLoss,
  };
}

/** Rows `indices` of a tensor (samples along axis 0), copied. */
function takeRows(tensor: TensorLike, indices: Int32Array): Tensor {
  const width = tensor.data.length / tensor.shape[0]!;
  const data = new Float32Array(indices.length * width);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    data.set(tensor.data.subarray(row * width, (row + 1) * width), i * width);
  }
  return new Tensor(data, [indices.length, ...tensor.shape.slice(1)]);
}
