// Your own regularizer: a log penalty R(θ) = λ·Σ log(1 + w²) over the weights (a Cauchy prior: it
// shrinks small weights and spares large ones), written with createElementwiseRegularizer and as a raw
// Regularizer. Both agree with autodiff's gradient of the formula, and both shrink a fit's weights.
import assert from "node:assert/strict";
import { log1p, mul, square, sum, type Traced, valueAndGrad } from "@descent/autodiff";
import { dense, fit, sequential } from "@descent/nn";
import { mapTree, sgd, treeLeaves } from "@descent/optimizers";
import { createElementwiseRegularizer } from "@descent/regularizers";
import type { ParamTree, Regularizer } from "@descent/spec";
import { add, createRandom, matmul, normal, Tensor, tensor, zeros, zerosLike } from "@descent/tensor";

const strength = 0.05;

/** `R(θ) = λ Σ log(1 + w²)`, `∂R/∂w = 2λw / (1 + w²)`; the default selection skips biases. */
const logPenalty = createElementwiseRegularizer(
  "logPenalty",
  {
    penalty(weights) {
      let total = 0;
      for (let i = 0; i < weights.length; i++) total += Math.log1p(weights[i]! ** 2);
      return strength * total;
    },
    accumulateGradient(weights, target) {
      for (let i = 0; i < weights.length; i++)
        target[i]! += (2 * strength * weights[i]!) / (1 + weights[i]! ** 2);
    },
  },
  {},
);

/** The same penalty on the raw `Regularizer` interface: `penalty(params)` and `gradient(params)`. */
const isWeights = (path: readonly string[]) => path.at(-1) === "weights";
const sumOf = (values: number[]) => values.reduce((total, value) => total + value, 0);
const logPenaltyRaw: Regularizer = {
  name: "logPenaltyRaw",
  penalty: (params) =>
    treeLeaves(params)
      .filter(({ path }) => isWeights(path))
      .reduce(
        (total, { tensor }) => total + strength * sumOf(Array.from(tensor.data, (w) => Math.log1p(w ** 2))),
        0,
      ),
  gradient: (params) =>
    mapTree(params, (w, path) =>
      isWeights(path)
        ? new Tensor(
            w.data.map((x) => (2 * strength * x) / (1 + x ** 2)),
            w.shape,
          )
        : zerosLike(w),
    ),
};

// 1. Value and gradient agree with autodiff on the formula (float64).
const random = createRandom(0);
const weights = normal(random, [3, 4], { dtype: "float64" });
const formula = valueAndGrad((w: Traced) => mul(sum(log1p(square(w))), strength))(weights);
const params = { layer: { weights, bias: zeros([4], "float64") } };
const near = (a: number, b: number) => Math.abs(a - b) < 1e-12;
for (const regularizer of [logPenalty, logPenaltyRaw]) {
  const [gradient, biasGradient] = treeLeaves(regularizer.gradient(params)).map(({ tensor }) => [
    ...tensor.data,
  ]);
  assert.ok(near(regularizer.penalty(params), formula.value.item()), `${regularizer.name}: penalty`);
  assert.ok(
    gradient!.every((g, i) => near(g, formula.gradients.data[i]!)),
    `${regularizer.name}: gradient`,
  );
  assert.ok(
    biasGradient!.every((g) => g === 0),
    `${regularizer.name}: biases are not penalized`,
  );
}

// 2. In fit: both shrink the weights of a regression, by the same steps.
const inputs = normal(random, [128, 3]);
const train = { inputs, targets: add(matmul(inputs, tensor([[2], [-1], [0.5]])), 1) };
const model = sequential([dense(3, 1)]);
const options = {
  optimizer: sgd({ learningRate: 0.1 }),
  loss: "meanSquaredError",
  epochs: 30,
  batchSize: 32,
} as const;
const weightNorm = (p: ParamTree) =>
  Math.hypot(...treeLeaves(p).flatMap(({ path, tensor }) => (isWeights(path) ? [...tensor.data] : [])));
const plain = fit(model, model.init(1), train, options);
const penalized = fit(model, model.init(1), train, { ...options, regularizers: [logPenalty] });
const penalizedRaw = fit(model, model.init(1), train, { ...options, regularizers: [logPenaltyRaw] });
console.log(
  `‖w‖ ${weightNorm(plain.params).toFixed(4)} → ${weightNorm(penalized.params).toFixed(4)} with logPenalty`,
);
assert.ok(weightNorm(penalized.params) < weightNorm(plain.params) - 0.01, "the penalty shrinks the weights");
assert.deepEqual(penalizedRaw.params, penalized.params, "both forms take the same steps");
