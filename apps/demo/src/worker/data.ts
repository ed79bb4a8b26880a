import { splitDataset, toyDatasets } from "@descent/data";
import type { Tensor as TensorLike } from "@descent/spec";
import type { Tensor } from "@descent/tensor";
import { type AppState, pointCount } from "../state/app-state.js";
import type { FeatureName } from "../state/choices.js";
import { domainOf, featureMatrix, gridPoints } from "./features.js";
import type { Domain, PointsView, Task } from "./protocol.js";

/** Side of the square grid on which the heat maps are computed. */
export const GRID_SIZE = 50;

/** One part of the data: raw points, their features and targets. */
export interface DataPart {
  readonly points: Float32Array;
  readonly features: Tensor;
  readonly targets: TensorLike;
  readonly count: number;
}

/** The data a training run works on. */
export interface PreparedData {
  readonly task: Task;
  readonly domain: Domain;
  readonly train: DataPart;
  readonly test: DataPart;
  /** Points of the heat-map grid and their features. */
  readonly gridPoints: Float32Array;
  readonly gridFeatures: Tensor;
}

/** Generates the toy set of a state, splits it with the state's seed, and computes the features. */
export function prepareData(state: AppState): PreparedData {
  const entry = toyDatasets[state.dataset];
  const dataset = entry.generate({
    count: pointCount(state.dataset),
    noise: state.noise / 100,
    seed: state.seed,
  });
  const { train, test } = splitDataset(dataset, {
    testFraction: 1 - state.trainPercent / 100,
    seed: state.seed,
  });
  const domain = domainOf(dataset.inputs.data);
  const grid = gridPoints(domain, GRID_SIZE);
  const part = (inputs: TensorLike["data"], targets: TensorLike): DataPart => {
    const points = Float32Array.from(inputs);
    return { points, features: featureMatrix(points, state.features), targets, count: points.length / 2 };
  };
  return {
    task: entry.task,
    domain,
    train: part(train.inputs.data, train.targets),
    test: part(test.inputs.data, test.targets),
    gridPoints: grid,
    gridFeatures: featureMatrix(grid, state.features),
  };
}

/** The same points with other features. */
export function withFeatures(data: PreparedData, features: readonly FeatureName[]): PreparedData {
  const part = (p: DataPart): DataPart => ({ ...p, features: featureMatrix(p.points, features) });
  return {
    ...data,
    train: part(data.train),
    test: part(data.test),
    gridFeatures: featureMatrix(data.gridPoints, features),
  };
}

/** The points of the data for drawing (copies, so they can be transferred). */
export function pointsView(data: PreparedData, version: number): PointsView {
  return {
    version,
    task: data.task,
    domain: data.domain,
    train: { inputs: data.train.points.slice(), targets: Float32Array.from(data.train.targets.data) },
    test: { inputs: data.test.points.slice(), targets: Float32Array.from(data.test.targets.data) },
  };
}
