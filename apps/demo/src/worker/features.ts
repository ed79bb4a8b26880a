import { Tensor } from "@descent/tensor";
import { FEATURES, type FeatureName } from "../state/choices.js";
import type { Domain } from "./protocol.js";

/**
 * The feature matrix `[n, features]` of `n` points given as (x₁, x₂) pairs.
 *
 * @example
 * featureMatrix(new Float32Array([1, 2]), ["x1", "x1x2"]).toNested() // [[1, 2]]
 */
export function featureMatrix(points: Float32Array | Float64Array, features: readonly FeatureName[]): Tensor {
  const count = points.length / 2;
  const width = features.length;
  const computes = features.map((name) => FEATURES[name].compute);
  const data = new Float32Array(count * width);
  for (let i = 0; i < count; i++) {
    const x1 = points[2 * i]!;
    const x2 = points[2 * i + 1]!;
    for (let f = 0; f < width; f++) data[i * width + f] = computes[f]!(x1, x2);
  }
  return new Tensor(data, [count, width]);
}

/**
 * The centres of a `size × size` grid over the domain as (x₁, x₂) pairs, top row (largest x₂) first,
 * so the values line up with canvas pixels.
 */
export function gridPoints(domain: Domain, size: number): Float32Array {
  const points = new Float32Array(size * size * 2);
  const cell = (domain.max - domain.min) / size;
  for (let row = 0; row < size; row++) {
    const x2 = domain.max - (row + 0.5) * cell;
    for (let column = 0; column < size; column++) {
      const index = row * size + column;
      points[2 * index] = domain.min + (column + 0.5) * cell;
      points[2 * index + 1] = x2;
    }
  }
  return points;
}

/** A square domain around the points with a margin, symmetric for sets centred at 0 (as the Playground's [−6, 6]). */
export function domainOf(points: Float32Array | Float64Array): Domain {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const value of points) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  if (!(high > low)) return { min: -1, max: 1 };
  const centre = Math.abs(low + high) < 0.25 * (high - low) ? 0 : (low + high) / 2;
  const half = Math.max(high - centre, centre - low) * 1.1;
  return { min: centre - half, max: centre + half };
}
