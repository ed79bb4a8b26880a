import {
  adadelta,
  adagrad,
  adam,
  adamax,
  adamw,
  amsgrad,
  lion,
  momentum,
  nadam,
  nesterov,
  radam,
  rmsprop,
  sgd,
} from "@descent/optimizers";
import { l2, maxNorm } from "@descent/regularizers";
import type { Constraint, GradientTransformation, ParamTree, Regularizer } from "@descent/spec";
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

/** Every built-in optimizer, with the settings the bit-exactness tests (golden numbers, step contract) train with. */
export const builtInOptimizers: Record<string, () => GradientTransformation<unknown>> = {
  sgd: () => sgd({ learningRate: 0.1 }),
  momentum: () => momentum({ learningRate: 0.05, momentum: 0.9 }),
  nesterov: () => nesterov({ learningRate: 0.05, momentum: 0.9 }),
  adagrad: () => adagrad({ learningRate: 0.05 }),
  rmsprop: () => rmsprop({ learningRate: 0.005 }),
  adadelta: () => adadelta({ learningRate: 1 }),
  adam: () => adam({ learningRate: 0.01 }),
  adamw: () => adamw({ learningRate: 0.01, weightDecay: 0.01 }),
  adamax: () => adamax({ learningRate: 0.01 }),
  amsgrad: () => amsgrad({ learningRate: 0.01 }),
  nadam: () => nadam({ learningRate: 0.01 }),
  radam: () => radam({ learningRate: 0.01 }),
  lion: () => lion({ learningRate: 0.001 }),
};

/** What those tests train each optimizer with: nothing, a regularizer, a constraint, both. */
export const trainingExtras: Record<
  string,
  () => { regularizers: Regularizer[]; constraints: Constraint[] }
> = {
  plain: () => ({ regularizers: [], constraints: [] }),
  l2: () => ({ regularizers: [l2(1e-3)], constraints: [] }),
  maxNorm: () => ({ regularizers: [], constraints: [maxNorm(1.5)] }),
  "l2+maxNorm": () => ({ regularizers: [l2(1e-3)], constraints: [maxNorm(1.5)] }),
};
