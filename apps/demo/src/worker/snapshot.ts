import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { FEATURES } from "../state/choices.js";
import { GRID_SIZE } from "./data.js";
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
      grids: isOutput ? [displayOutput(data.task, grids[0]!)] : grids,
      weights: Float32Array.from((dense.weights as TensorLike).data),
      bias: Float32Array.from((dense.bias as TensorLike).data),
    });
  });

  return {
    version: options.version,
    task: data.task,
    running: options.running,
    step: trainer.stepCount,
    epoch: trainer.epoch,
    trainLoss,
    testLoss,
    learningRate: trainer.learningRate(),
    optimizer: trainer.settings.optimizer,
    history: {
      epochs: [...trainer.history.epochs],
      train: [...trainer.history.train],
      test: [...trainer.history.test],
    },
    gridSize: GRID_SIZE,
    domain: data.domain,
    output: displayOutput(data.task, output.data),
    columns,
    gradientNorms: trainer.lastGradientNorms,
    slow: options.slow,
  };
}

/** The buffers of a snapshot, to transfer rather than copy. */
export function transferablesOf(snapshot: Snapshot): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>([snapshot.output.buffer as ArrayBuffer]);
  for (const column of snapshot.columns) {
    for (const grid of column.grids) buffers.add(grid.buffer as ArrayBuffer);
    if (column.weights) buffers.add(column.weights.buffer as ArrayBuffer);
    if (column.bias) buffers.add(column.bias.buffer as ArrayBuffer);
  }
  return [...buffers];
}

/** Classification: the logit as P(class 1) scaled to [−1, 1]; regression: the value itself. */
function displayOutput(task: Snapshot["task"], values: ArrayLike<number>): Float32Array {
  const result = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    result[i] = task === "classification" ? 2 / (1 + Math.exp(-value)) - 1 : value;
  }
  return result;
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
