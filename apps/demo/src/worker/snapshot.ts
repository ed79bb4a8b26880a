import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { FEATURES } from "../state/choices.js";
import { GRID_SIZE } from "./data.js";
import { displayValue } from "./losses.js";
import { runNetwork } from "./network.js";
import type { ColumnView, SlowStepView, Snapshot } from "./protocol.js";
import type { Trainer } from "./trainer.js";

/** Everything the page draws, computed from the trainer's current parameters. */
export function takeSnapshot(
  trainer: Trainer,
  options: { readonly version: number; readonly running: boolean; readonly slow: SlowStepView | null },
): Snapshot {
  const { trainLoss, testLoss } = trainer.evaluate();
  const data = trainer.prepared;
  const network = trainer.model;
  const params = trainer.parameters;
  const layerOutputs = new Map<number, TensorLike>();
  const output = runNetwork(network, params, data.gridFeatures, {
    training: false,
    record: (index, result) => layerOutputs.set(index, result.value),
  }).value;

  const task = data.task;
  const loss = trainer.loss;
  const display = (values: ArrayLike<number>) =>
    Float32Array.from(values, (value) => displayValue(task, loss, value));
  const featureNames = trainer.settings.features;
  const columns: ColumnView[] = [
    {
      name: "features",
      labels: featureNames.map((name) => FEATURES[name].label),
      grids: splitColumns(data.gridFeatures),
      weights: null,
      bias: null,
    },
  ];
  network.columnLayers.forEach((layerIndex, column) => {
    const denseName = network.denseNames[column]!;
    const dense = params[denseName] as ParamTree;
    const values = layerOutputs.get(layerIndex)!;
    const isOutput = column === network.columnLayers.length - 1;
    const grids = splitColumns(values);
    columns.push({
      name: isOutput ? "output" : `hidden ${column + 1}`,
      labels: grids.map((_, neuron) => (isOutput ? "ŷ" : `h${column + 1}.${neuron + 1}`)),
      grids: isOutput ? [display(grids[0]!)] : grids,
      weights: Float32Array.from((dense.weights as TensorLike).data),
      bias: Float32Array.from((dense.bias as TensorLike).data),
    });
  });

  return {
    version: options.version,
    task: data.task,
    running: options.running,
    step: trainer.stepCount,
    frame: trainer.frameCount,
    speed: trainer.settings.speed,
    loss,
    epoch: trainer.epoch,
    trainLoss,
    testLoss,
    predictions: { train: trainer.predictions("train"), test: trainer.predictions("test") },
    learningRate: trainer.learningRate(),
    optimizer: trainer.settings.optimizer,
    history: {
      epochs: [...trainer.history.epochs],
      train: [...trainer.history.train],
      test: [...trainer.history.test],
    },
    gridSize: GRID_SIZE,
    domain: data.domain,
    output: display(output.data),
    columns,
    gradientNorms: trainer.lastGradientNorms,
    unitGradientNorms: trainer.unitGradientNorms(),
    slow: options.slow,
  };
}

/** The buffers of a snapshot, to transfer rather than copy. */
export function transferablesOf(snapshot: Snapshot): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>([
    snapshot.output.buffer as ArrayBuffer,
    snapshot.predictions.train.buffer as ArrayBuffer,
    snapshot.predictions.test.buffer as ArrayBuffer,
  ]);
  for (const norms of snapshot.unitGradientNorms) buffers.add(norms.buffer as ArrayBuffer);
  for (const column of snapshot.columns) {
    for (const grid of column.grids) buffers.add(grid.buffer as ArrayBuffer);
    if (column.weights) buffers.add(column.weights.buffer as ArrayBuffer);
    if (column.bias) buffers.add(column.bias.buffer as ArrayBuffer);
  }
  return [...buffers];
}

/** Each column of a `[rows, columns]` matrix as its own array. */
function splitColumns(matrix: TensorLike): Float32Array[] {
  const columns = matrix.shape[matrix.shape.length - 1] ?? 1;
  const rows = matrix.data.length / columns;
  return Array.from({ length: columns }, (_, c) => {
    const column = new Float32Array(rows);
    for (let r = 0; r < rows; r++) column[r] = matrix.data[r * columns + c]!;
    return column;
  });
}
