import type { Dataset } from "@descent/spec";
import { normalSample, uniformBetween } from "../core/random.js";
import { buildToyDataset, classSizes, type ToyOptions } from "./toy-options.js";

// Labels: the Playground's +1 is class 1 ("positive"), its −1 is class 0 ("negative").

/**
 * Two rings, TensorFlow Playground's "Circle": class 1 inside radius 2.5, class 0 in the ring 3.5 … 5.
 *
 * Half the points (class 1 first) have `r ~ U(0, 2.5)`, the others `r ~ U(3.5, 5)`, angle `θ ~ U(0, 2π)`,
 * `(x, y) = (r sin θ, r cos θ)`. The label is that of the *noisy* point `(x, y) + noise · U(−5, 5)²`
 * (inside radius 2.5 → 1), while the stored point is noise-free, exactly as the Playground does.
 * Inputs `[count, 2]`, targets `[count]` of 0/1, points ordered by class.
 *
 * @example
 * ```ts
 * const ds = circle({ count: 200, noise: 0.1, seed: 1 }); // ds.inputs.shape = [200, 2]
 * ```
 */
export function circle(options: ToyOptions = {}): Dataset {
  return buildToyDataset("circle", "classification", options, ({ random, count, noise, put }) => {
    const radius = 5;
    const [inside, outside] = classSizes(count);
    let i = 0;
    const generate = (n: number, low: number, high: number) => {
      for (let k = 0; k < n; k++, i++) {
        const r = uniformBetween(random, low, high);
        const angle = uniformBetween(random, 0, 2 * Math.PI);
        const x = r * Math.sin(angle);
        const y = r * Math.cos(angle);
        const noiseX = uniformBetween(random, -radius, radius) * noise;
        const noiseY = uniformBetween(random, -radius, radius) * noise;
        const label = Math.hypot(x + noiseX, y + noiseY) < radius * 0.5 ? 1 : 0;
        put(i, x, y, label);
      }
    };
    generate(inside, 0, radius * 0.5);
    generate(outside, radius * 0.7, radius);
  });
}

/**
 * The four quadrants, TensorFlow Playground's "Exclusive or": class 1 where `x · y ≥ 0`.
 *
 * `x, y ~ U(−5, 5)`, each pushed 0.3 away from its axis; the label is that of the noisy point
 * `(x, y) + noise · U(−5, 5)²`, the stored point is noise-free (as the Playground).
 *
 * @example
 * ```ts
 * const ds = xor({ count: 400, seed: 3 });
 * ```
 */
export function xor(options: ToyOptions = {}): Dataset {
  return buildToyDataset("xor", "classification", options, ({ random, count, noise, put }) => {
    const padding = 0.3;
    for (let i = 0; i < count; i++) {
      let x = uniformBetween(random, -5, 5);
      x += x > 0 ? padding : -padding;
      let y = uniformBetween(random, -5, 5);
      y += y > 0 ? padding : -padding;
      const noiseX = uniformBetween(random, -5, 5) * noise;
      const noiseY = uniformBetween(random, -5, 5) * noise;
      put(i, x, y, (x + noiseX) * (y + noiseY) >= 0 ? 1 : 0);
    }
  });
}

/**
 * Two Gaussian blobs, TensorFlow Playground's "Gaussian": class 1 around (2, 2), class 0 around (−2, −2).
 *
 * Each coordinate is `N(center, σ²)` with variance `σ² = 0.5 + 7 · noise` (the Playground maps noise
 * 0 … 0.5 linearly to variance 0.5 … 4).
 *
 * @example
 * ```ts
 * const ds = gaussian({ count: 300, noise: 0.2 });
 * ```
 */
export function gaussian(options: ToyOptions = {}): Dataset {
  return buildToyDataset("gaussian", "classification", options, ({ random, count, noise, put }) => {
    const variance = 0.5 + 7 * noise;
    const [positive, negative] = classSizes(count);
    let i = 0;
    for (let k = 0; k < positive; k++, i++) {
      put(i, normalSample(random, 2, variance), normalSample(random, 2, variance), 1);
    }
    for (let k = 0; k < negative; k++, i++) {
      put(i, normalSample(random, -2, variance), normalSample(random, -2, variance), 0);
    }
  });
}

/**
 * Two interleaved spirals, TensorFlow Playground's "Spiral".
 *
 * For point `k` of `n` in a class: `r = 5k/n`, `t = 1.75 · 2π · k/n + Δ` (Δ = 0 for class 1, π for class 0),
 * `(x, y) = (r sin t, r cos t) + noise · U(−1, 1)²`.
 *
 * @example
 * ```ts
 * const ds = spiral({ count: 500, noise: 0.05, seed: 7 });
 * ```
 */
export function spiral(options: ToyOptions = {}): Dataset {
  return buildToyDataset("spiral", "classification", options, ({ random, count, noise, put }) => {
    const [positive, negative] = classSizes(count);
    let i = 0;
    const generate = (n: number, deltaT: number, label: number) => {
      for (let k = 0; k < n; k++, i++) {
        const r = (k / n) * 5;
        const t = ((1.75 * k) / n) * 2 * Math.PI + deltaT;
        const x = r * Math.sin(t) + uniformBetween(random, -1, 1) * noise;
        const y = r * Math.cos(t) + uniformBetween(random, -1, 1) * noise;
        put(i, x, y, label);
      }
    };
    generate(positive, 0, 1);
    generate(negative, Math.PI, 0);
  });
}

/**
 * Two interleaving half circles (scikit-learn's `make_moons`; not in the Playground).
 *
 * Class 0: `(cos t, sin t)`, class 1: `(1 − cos t, 0.5 − sin t)`, with `t` evenly spaced on `[0, π]`,
 * plus Gaussian noise `N(0, noise²)` on each coordinate.
 *
 * @example
 * ```ts
 * const ds = twoMoons({ count: 200, noise: 0.1, seed: 0 });
 * ```
 */
export function twoMoons(options: ToyOptions = {}): Dataset {
  return buildToyDataset("two-moons", "classification", options, ({ random, count, noise, put }) => {
    const [inner, outer] = classSizes(count);
    const variance = noise * noise;
    let i = 0;
    const angleOf = (k: number, n: number) => (n > 1 ? (Math.PI * k) / (n - 1) : 0);
    for (let k = 0; k < outer; k++, i++) {
      const t = angleOf(k, outer);
      put(i, normalSample(random, Math.cos(t), variance), normalSample(random, Math.sin(t), variance), 0);
    }
    for (let k = 0; k < inner; k++, i++) {
      const t = angleOf(k, inner);
      const x = normalSample(random, 1 - Math.cos(t), variance);
      put(i, x, normalSample(random, 0.5 - Math.sin(t), variance), 1);
    }
  });
}
