import type { Dataset } from "@descent/spec";
import { circle, gaussian, spiral, twoMoons, xor } from "./classification.js";
import { multiGaussian, regressionPlane } from "./regression.js";
import type { ToyOptions } from "./toy-options.js";

export { circle, gaussian, spiral, twoMoons, xor } from "./classification.js";
export { multiGaussian, regressionPlane } from "./regression.js";
export type { ToyOptions } from "./toy-options.js";

/** A toy set's generator with what a UI needs to list it. */
export interface ToyDatasetEntry {
  /** Name to show in a menu (`"Two moons"`). */
  readonly title: string;
  /** Whether the targets are class indices (`classification`) or real values (`regression`). */
  readonly task: "classification" | "regression";
  /** Builds the set: the same options (count, noise, seed) give the same samples. */
  readonly generate: (options?: ToyOptions) => Dataset;
}

/**
 * Every toy 2-D set by id, for pickers (the demo's dataset menu).
 *
 * @example
 * ```ts
 * const ds = toyDatasets.spiral.generate({ count: 300, noise: 0.1 });
 * ```
 */
export const toyDatasets = {
  circle: { title: "Circle", task: "classification", generate: circle },
  xor: { title: "Exclusive or", task: "classification", generate: xor },
  gaussian: { title: "Gaussian", task: "classification", generate: gaussian },
  spiral: { title: "Spiral", task: "classification", generate: spiral },
  twoMoons: { title: "Two moons", task: "classification", generate: twoMoons },
  regressionPlane: { title: "Plane (regression)", task: "regression", generate: regressionPlane },
  multiGaussian: { title: "Multi Gaussian (regression)", task: "regression", generate: multiGaussian },
} as const satisfies Record<string, ToyDatasetEntry>;
