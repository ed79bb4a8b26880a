import type { Dataset, RandomGenerator } from "@descent/spec";
import { uniformBetween } from "../core/random.js";
import { buildToyDataset, type ToyOptions } from "./toy-options.js";

const RADIUS = 6;

/**
 * A tilted plane, TensorFlow Playground's regression "Plane": target `(x' + y') / 10`.
 *
 * `x, y ~ U(−6, 6)`; `(x', y') = (x, y) + noise · U(−6, 6)²` is the noisy point the target is computed
 * from, the stored point is noise-free (as the Playground). Targets `[count, 1]`, in `[−1.2, 1.2]`
 * without noise.
 *
 * @example
 * ```ts
 * const ds = regressionPlane({ count: 1000, noise: 0.1 }); // ds.targets.shape = [1000, 1]
 * ```
 */
export function regressionPlane(options: ToyOptions = {}): Dataset {
  return buildToyDataset("regression-plane", "regression", options, (writer) => {
    noisyGrid(writer.random, writer.count, writer.noise, (i, x, y, xNoisy, yNoisy) =>
      writer.put(i, x, y, (xNoisy + yNoisy) / 10),
    );
  });
}

const CENTERS: readonly (readonly [number, number, number])[] = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
];

/**
 * Six bumps of alternating sign, TensorFlow Playground's regression "Multi Gaussian".
 *
 * Centres `(±4 or 0, ±2.5)` with signs `s`; each gives `s · clamp(1 − d/2, 0, 1)` at distance `d`, and
 * the target is the one of largest magnitude (0 far from every centre). Points and noise as in
 * {@link regressionPlane}. Targets `[count, 1]` in `[−1, 1]`.
 *
 * @example
 * ```ts
 * const ds = multiGaussian({ count: 1200, seed: 2 });
 * ```
 */
export function multiGaussian(options: ToyOptions = {}): Dataset {
  return buildToyDataset("multi-gaussian", "regression", options, (writer) => {
    noisyGrid(writer.random, writer.count, writer.noise, (i, x, y, xNoisy, yNoisy) => {
      let target = 0;
      for (const [cx, cy, sign] of CENTERS) {
        const value = sign * Math.min(1, Math.max(0, 1 - Math.hypot(xNoisy - cx, yNoisy - cy) / 2));
        if (Math.abs(value) > Math.abs(target)) target = value;
      }
      writer.put(i, x, y, target);
    });
  });
}

function noisyGrid(
  random: RandomGenerator,
  count: number,
  noise: number,
  emit: (i: number, x: number, y: number, xNoisy: number, yNoisy: number) => void,
): void {
  for (let i = 0; i < count; i++) {
    const x = uniformBetween(random, -RADIUS, RADIUS);
    const y = uniformBetween(random, -RADIUS, RADIUS);
    const noiseX = uniformBetween(random, -RADIUS, RADIUS) * noise;
    const noiseY = uniformBetween(random, -RADIUS, RADIUS) * noise;
    emit(i, x, y, x + noiseX, y + noiseY);
  }
}
