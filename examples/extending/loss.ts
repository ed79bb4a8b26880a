// Your own loss: the pinball (quantile) loss, written with autodiff ops. Trained with it, a model
// predicts a quantile instead of the mean: with τ = 0.9, 90 % of the targets fall below its predictions.
import assert from "node:assert/strict";
import { maximum, mean, mul, type Operand, sub, type Traced } from "@descent/autodiff";
import { dense, fit, predict, sequential } from "@descent/nn";
import { adam } from "@descent/optimizers";
import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { add, createRandom, normal, mul as times } from "@descent/tensor";

/** `L_τ(ŷ, y) = mean(max(τ·(y − ŷ), (τ − 1)·(y − ŷ)))`: under-predictions cost τ, over-predictions 1 − τ. */
function pinball(quantile: number) {
  return (predictions: Traced, targets: TensorLike): Operand => {
    const error = sub(targets, predictions);
    return mean(maximum(mul(error, quantile), mul(error, quantile - 1)));
  };
}

// y = 2x + ε with ε ~ N(0, 1): the 0.9-quantile of y given x is 2x + 1.2816.
const random = createRandom(0);
const inputs = normal(random, [2000, 1]);
const targets = add(times(inputs, 2), normal(random, [2000, 1]));
const model = sequential([dense(1, 1)]);
const data = { inputs, targets };
const options = { optimizer: adam({ learningRate: 0.02 }), epochs: 30, batchSize: 100 } as const;
const quantileFit = fit(model, model.init(1), data, { ...options, loss: pinball(0.9) });
const meanFit = fit(model, model.init(1), data, { ...options, loss: "meanSquaredError" });

const shareBelow = (params: ParamTree) => {
  const predicted = predict(model, params, inputs).data;
  return Array.from(targets.data).filter((y, i) => y < predicted[i]!).length / targets.data.length;
};
const percent = (share: number) => `${(100 * share).toFixed(1)} %`;
console.log(
  `targets below the predictions: ${percent(shareBelow(quantileFit.params))} with pinball(0.9),`,
  `${percent(shareBelow(meanFit.params))} with meanSquaredError`,
);
assert.ok(Math.abs(shareBelow(quantileFit.params) - 0.9) < 0.02, "pinball(0.9) learned the 0.9-quantile");
assert.ok(Math.abs(shareBelow(meanFit.params) - 0.5) < 0.05, "meanSquaredError learned the mean");
