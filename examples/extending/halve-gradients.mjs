import assert from "node:assert/strict";
import { dense, evaluate, fit, sequential } from "@descent/nn";
import { mapTree } from "@descent/optimizers";
import { add, createRandom, matmul, normal, Tensor, tensor } from "@descent/tensor";

/**
 * Gradient descent at half the learning rate: `updates = −½·η·g`. Updates are added to the
 * parameters (`θ ← θ + updates`), so a descent step carries the minus sign.
 * @type {(learningRate: number) => import("@descent/spec").GradientTransformation<{ step: number }>}
 */
const halveGradients = (learningRate) => ({
  init: () => ({ step: 0 }),
  update: (gradients, state) => {
    /** @param {import("@descent/spec").Tensor} g a gradient */
    const descend = (g) =>
      new Tensor(
        g.data.map((x) => -0.5 * learningRate * x),
        g.shape,
      );
    return { updates: mapTree(gradients, descend), state: { step: state.step + 1 } };
  },
});

// It plugs into fit like any built-in optimizer: y = 3·x₀ − 2·x₁ + 1, fitted by a dense layer.
const random = createRandom(0);
const inputs = normal(random, [256, 2]);
const train = { inputs, targets: add(matmul(inputs, tensor([[3], [-2]])), 1) };
const model = sequential([dense(2, 1)]);
const params = model.init(1);
const trained = fit(model, params, train, {
  optimizer: halveGradients(0.2),
  loss: "meanSquaredError",
  epochs: 10,
});
const lossOf = (p) => evaluate(model, p, train, { loss: "meanSquaredError" }).loss;
console.log(
  `loss ${lossOf(params).toFixed(3)} → ${lossOf(trained.params).toExponential(2)} in ${trained.step} steps`,
);
assert.ok(lossOf(trained.params) < lossOf(params) / 1000, "halveGradients descends");
