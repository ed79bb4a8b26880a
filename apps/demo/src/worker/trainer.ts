import { valueAndGrad } from "@descent/autodiff";
import type { Params } from "@descent/nn";
import { applyUpdates } from "@descent/optimizers";
import type { ElementwiseRegularizer } from "@descent/regularizers";
import type { GradientTransformation, ParamTree, Schedule, Tensor as TensorLike } from "@descent/spec";
import { createRandom, permutation, type Random, Tensor, ValueError } from "@descent/tensor";
import { type AppState, effectiveLoss } from "../state/app-state.js";
import {
  LOSS_NAMES,
  type LossName,
  type OptimizerName,
  type RegularizerName,
  type ScheduleName,
} from "../state/choices.js";
import { type DataPart, type PreparedData, prepareData, withFeatures } from "./data.js";
import { predictionsOn, unitGradientNormsOn } from "./diagnostics.js";
import { dataLoss } from "./losses.js";
import { buildNetwork, type Network, runNetwork } from "./network.js";
import { type BiasEdit, type WeightEdit, withBias, withWeight } from "./parameter-edits.js";
import type { LayerNorms } from "./protocol.js";
import { buildOptimizer, buildRegularizer, buildSchedule } from "./training-setup.js";
import { columnMeans, layerNorms } from "./tree-norms.js";

/** A computed but not yet applied step: what the slow mode shows phase by phase. */
export interface PendingStep {
  readonly batch: { readonly features: Tensor; readonly targets: Tensor };
  /** Data loss plus penalty, on the batch, in training mode. */
  readonly batchLoss: number;
  /** Mean over the batch of each neuron of each column (features, hidden layers, output); null unless asked for. */
  readonly forwardValues: number[][] | null;
  readonly gradientNorms: LayerNorms[];
  readonly updates: ParamTree;
  readonly optimizerState: unknown;
  readonly updateNorms: LayerNorms[];
}

/** Training history: one point per evaluation, at most {@link HISTORY_LIMIT} (older points are thinned). */
export interface History {
  epochs: number[];
  train: number[];
  test: number[];
}

const HISTORY_LIMIT = 600;

/**
 * Owns the data, the model, its parameters and the optimizer, and trains step by step. Pure computation:
 * the worker wraps it with messages and timers, and tests drive it directly in Node.
 */
export class Trainer {
  private state: AppState;
  private data: PreparedData;
  private network!: Network;
  private params!: ParamTree;
  private optimizer!: GradientTransformation<unknown>;
  private optimizerState: unknown;
  private schedule: Schedule;
  private regularizer: ElementwiseRegularizer | null;
  private shuffleRandom!: Random;
  private layerRandom!: Random;
  private order!: Int32Array;
  private cursor = 0;
  private samplesSeen = 0;
  /** Optimizer steps done. */
  stepCount = 0;
  /** Passes over the training set completed. */
  epoch = 0;
  /** Frames played (each `settings.speed` steps). */
  frameCount = 0;
  history: History = { epochs: [], train: [], test: [] };
  lastGradientNorms: LayerNorms[] | null = null;

  constructor(state: AppState) {
    this.state = state;
    this.data = prepareData(state);
    this.schedule = buildSchedule(state.schedule);
    this.regularizer = buildRegularizer(state.regularizer, state.regularizationRate);
    this.reset();
  }

  get settings(): AppState {
    return this.state;
  }

  get prepared(): PreparedData {
    return this.data;
  }

  get model(): Network {
    return this.network;
  }

  get parameters(): ParamTree {
    return this.params;
  }

  /** Fresh weights (from the seed), optimizer state and counters; the same data. */
  reset(): void {
    const root = createRandom(this.state.seed);
    this.schedule = buildSchedule(this.state.schedule);
    this.regularizer = buildRegularizer(this.state.regularizer, this.state.regularizationRate);
    this.network = buildNetwork(this.state, this.state.features.length, this.dropoutRate());
    this.params = this.network.model.init(root.fork());
    this.shuffleRandom = root.fork();
    this.layerRandom = root.fork();
    this.optimizer = buildOptimizer(this.state.optimizer, () => this.learningRate());
    this.optimizerState = this.optimizer.init(this.params);
    this.order = permutation(this.shuffleRandom, this.data.train.count);
    this.cursor = 0;
    this.samplesSeen = 0;
    this.stepCount = 0;
    this.epoch = 0;
    this.frameCount = 0;
    this.history = { epochs: [], train: [], test: [] };
    this.lastGradientNorms = null;
  }

  /** New points: regenerate the data and start over. */
  setDataset(state: AppState): void {
    this.state = state;
    this.data = prepareData(state);
    this.reset();
  }

  /** New architecture: start over on the same points (features recomputed). */
  setNetwork(state: AppState): void {
    const featuresChanged = state.features.join() !== this.state.features.join();
    this.state = state;
    if (featuresChanged) this.data = withFeatures(this.data, state.features);
    this.reset();
  }

  /** Another optimizer from the next step on: the parameters stay, the optimizer state starts fresh. */
  setOptimizer(name: OptimizerName): void {
    this.state = { ...this.state, optimizer: name };
    this.optimizer = buildOptimizer(name, () => this.learningRate());
    this.optimizerState = this.optimizer.init(this.params);
  }

  setLearningRate(learningRate: number): void {
    if (!(learningRate > 0 && Number.isFinite(learningRate))) {
      throw new ValueError("setLearningRate", `learning rate ${learningRate}: use a finite number > 0`);
    }
    this.state = { ...this.state, learningRate };
  }

  setSchedule(name: ScheduleName): void {
    this.state = { ...this.state, schedule: name };
    this.schedule = buildSchedule(name);
  }

  setBatchSize(batchSize: number): void {
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
      throw new ValueError("setBatchSize", `batch size ${batchSize}: use an integer ≥ 1`);
    }
    this.state = { ...this.state, batchSize };
  }

  /** A penalty changes the loss from the next step; dropout rebuilds the layers around the same weights. */
  setRegularizer(name: RegularizerName, rate: number): void {
    const oldDropout = this.dropoutRate();
    this.state = { ...this.state, regularizer: name, regularizationRate: rate };
    this.regularizer = buildRegularizer(name, rate);
    if (this.dropoutRate() !== oldDropout) {
      this.network = buildNetwork(this.state, this.state.features.length, this.dropoutRate());
    }
  }

  /** The loss trained on: the chosen one for classification, the squared loss for regression. */
  get loss(): LossName {
    return effectiveLoss(this.state);
  }

  /** Another classifier loss from the next step on: the weights stay, the loss history starts over (its unit changed). */
  setLoss(loss: LossName): void {
    if (!LOSS_NAMES.includes(loss)) {
      throw new ValueError("setLoss", `loss ${JSON.stringify(loss)}: use one of ${LOSS_NAMES.join(", ")}`);
    }
    const before = this.loss;
    this.state = { ...this.state, loss };
    if (this.loss !== before) this.history = { epochs: [], train: [], test: [] };
  }

  /** Steps per frame while playing. */
  setSpeed(speed: number): void {
    if (!(Number.isInteger(speed) && speed >= 1)) {
      throw new ValueError("setSpeed", `speed ${speed}: use an integer ≥ 1 (optimizer steps per frame)`);
    }
    this.state = { ...this.state, speed };
  }

  /** One frame of play: `settings.speed` optimizer steps. */
  playFrame(): void {
    for (let i = 0; i < this.state.speed; i++) this.trainStep();
    this.frameCount++;
  }

  /** Sets one weight by hand (the optimizer state stays). */
  setWeight(edit: WeightEdit): void {
    this.params = withWeight(this.params, this.network.denseNames, edit);
  }

  /** Sets one bias by hand (the optimizer state stays). */
  setBias(edit: BiasEdit): void {
    this.params = withBias(this.params, this.network.denseNames, edit);
  }

  /** The learning rate in force: the chosen rate times the schedule's factor at the current epoch. */
  learningRate(): number {
    return this.state.learningRate * this.schedule(this.samplesSeen / this.data.train.count);
  }

  /** Number of points per step (a batch larger than the training set is the whole set). */
  batchSize(): number {
    return Math.min(this.state.batchSize, this.data.train.count);
  }

  /** One optimizer step; returns the batch loss. */
  trainStep(): number {
    const pending = this.computeStep(false);
    this.applyStep(pending);
    return pending.batchLoss;
  }

  /** Takes the next batch and computes its loss, gradients and updates without applying them. */
  computeStep(recordForward: boolean): PendingStep {
    const batch = this.nextBatch();
    const forwardValues: number[][] | null = recordForward ? [columnMeans(batch.features)] : null;
    const columns = this.network.columnLayers;
    const { value, gradients } = valueAndGrad((params: Params) => {
      const output = runNetwork(this.network, params, batch.features, {
        training: true,
        random: this.layerRandom,
        record: forwardValues
          ? (index, result) => {
              if (columns.includes(index)) forwardValues.push(columnMeans(result.value));
            }
          : undefined,
      });
      return dataLoss(this.data.task, this.loss, output, batch.targets);
    })(this.params as Params);
    let batchLoss = value.item();
    let total = gradients as unknown as ParamTree;
    if (this.regularizer) {
      batchLoss += this.regularizer.penalty(this.params);
      total = this.regularizer.addGradientTo(total, this.params);
    }
    if (!Number.isFinite(batchLoss)) {
      throw new ValueError(
        "train",
        `the loss became ${batchLoss} at step ${this.stepCount + 1} (learning rate ${this.learningRate()}, ${this.state.optimizer}): press reset, then lower the learning rate or pick another optimizer`,
      );
    }
    const gradientNorms = layerNorms(total, this.network.denseNames);
    const { updates, state } = this.optimizer.update(total, this.optimizerState, this.params);
    return {
      batch,
      batchLoss,
      forwardValues,
      gradientNorms,
      updates,
      optimizerState: state,
      updateNorms: layerNorms(updates, this.network.denseNames),
    };
  }

  /** Applies a computed step: parameters, optimizer state and counters move on. */
  applyStep(pending: PendingStep): void {
    this.params = applyUpdates(this.params, pending.updates);
    this.optimizerState = pending.optimizerState;
    this.lastGradientNorms = pending.gradientNorms;
    this.stepCount++;
  }

  /** Data loss of the network on a set of points (inference mode: no dropout). */
  lossOn(features: TensorLike, targets: TensorLike): number {
    const output = runNetwork(this.network, this.params, features, { training: false });
    return dataLoss(this.data.task, this.loss, output, targets).item();
  }

  /** The prediction ŷ for each point of a part (inference mode): see {@link prediction}. */
  predictions(part: "train" | "test"): Float64Array {
    return predictionsOn(this.network, this.params, this.data[part].features, this.data.task, this.loss);
  }

  /** Per dense layer, per neuron: the gradient norm of its incoming weights and bias (see {@link unitGradientNormsOn}). */
  unitGradientNorms(): Float64Array[] {
    return unitGradientNormsOn(this.network, this.params, this.data.train, this.data.task, this.loss);
  }

  /** Data loss plus penalty on a batch, in inference mode: the batch loss after a step, comparable to before. */
  objectiveOn(features: TensorLike, targets: TensorLike): number {
    return this.lossOn(features, targets) + (this.regularizer?.penalty(this.params) ?? 0);
  }

  /** Train and test losses (data loss, no penalty) now; appended to the history. */
  evaluate(): { trainLoss: number; testLoss: number } {
    const trainLoss = this.lossOnPart(this.data.train);
    const testLoss = this.lossOnPart(this.data.test);
    const epochs = this.samplesSeen / this.data.train.count;
    const { history } = this;
    if (history.epochs.length === 0 || history.epochs[history.epochs.length - 1] !== epochs) {
      history.epochs.push(epochs);
      history.train.push(trainLoss);
      history.test.push(testLoss);
      if (history.epochs.length > HISTORY_LIMIT) {
        // Keep every other point (and the latest) so the curve spans the whole run at a bounded cost.
        const keep = (values: number[]) => values.filter((_, i) => i % 2 === 0 || i === values.length - 1);
        this.history = { epochs: keep(history.epochs), train: keep(history.train), test: keep(history.test) };
      }
    }
    return { trainLoss, testLoss };
  }

  private lossOnPart(part: DataPart): number {
    return part.count === 0 ? Number.NaN : this.lossOn(part.features, part.targets);
  }

  private dropoutRate(): number {
    return this.state.regularizer === "dropout" ? this.state.regularizationRate : 0;
  }

  /** The next `batchSize` points of the epoch's shuffled order; the last batch of an epoch may be smaller. */
  private nextBatch(): { features: Tensor; targets: Tensor } {
    const train = this.data.train;
    const size = Math.min(this.batchSize(), train.count - this.cursor);
    const width = train.features.shape[1]!;
    const targetWidth = train.targets.data.length / train.count;
    const features = new Float32Array(size * width);
    const targets = new Float32Array(size * targetWidth);
    for (let i = 0; i < size; i++) {
      const index = this.order[this.cursor + i]!;
      features.set(train.features.data.subarray(index * width, (index + 1) * width), i * width);
      targets.set(
        train.targets.data.subarray(index * targetWidth, (index + 1) * targetWidth),
        i * targetWidth,
      );
    }
    this.cursor += size;
    this.samplesSeen += size;
    if (this.cursor >= train.count) {
      this.cursor = 0;
      this.epoch++;
      this.order = permutation(this.shuffleRandom, train.count);
    }
    const targetShape = train.targets.shape.length === 1 ? [size] : [size, targetWidth];
    return { features: new Tensor(features, [size, width]), targets: new Tensor(targets, targetShape) };
  }
}
