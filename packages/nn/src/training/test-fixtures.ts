import type { GradientTransformation, ParamTree } from "@descent/spec";
import { createRandom, normal, Tensor, treeFlatten } from "@descent/tensor";
import { dense, sequential } from "../layers/index.js";

/** Three Gaussian blobs in 2-D, `perClass` points each, labels 0…2. */
export function blobs(perClass: number, seed: number) {
  const random = createRandom(seed);
  const noise = normal(random, [perClass * 3, 2], { std: 0.5 }).data;
  const centers = [
    [2, 0],
    [-1, 2],
    [-1, -2],
  ];
  const inputs = new Float32Array(perClass * 6);
  const targets = new Float32Array(perClass * 3);
  for (let i = 0; i < perClass * 3; i++) {
    const label = i % 3;
    inputs[2 * i] = centers[label]![0]! + noise[2 * i]!;
    inputs[2 * i + 1] = centers[label]![1]! + noise[2 * i + 1]!;
    targets[i] = label;
  }
  return { inputs: new Tensor(inputs, [perClass * 3, 2]), targets: new Tensor(targets, [perClass * 3]) };
}

export const train = blobs(20, 1); // 60 samples
export const test = blobs(20, 2);
export const makeModel = () => sequential([dense(2, 16), "relu", dense(16, 3)]);

export function leaves(params: ParamTree): number[][] {
  return treeFlatten(params).leaves.map((tensor) => Array.from(tensor.data));
}

/** Wraps an optimizer to count update calls. */
export function counting<S>(inner: GradientTransformation<S>): {
  optimizer: GradientTransformation<S>;
  calls: () => number;
} {
  let calls = 0;
  return {
    optimizer: {
      init: (params) => inner.init(params),
      update: (gradients, state, params) => {
        calls++;
        return inner.update(gradients, state, params);
      },
    },
    calls: () => calls,
  };
}
