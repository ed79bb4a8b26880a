// Your own metric: the median absolute error, robust to a few wild predictions. A Metric is a name, a
// direction and a compute function; evaluate and fit report it like a built-in one.
import assert from "node:assert/strict";
import { dense, evaluate, fit, sequential } from "@descent/nn";
import { sgd } from "@descent/optimizers";
import type { Metric } from "@descent/spec";
import { add, createRandom, matmul, normal, ShapeError, tensor } from "@descent/tensor";

/** `median(|ŷᵢ − yᵢ|)` over every element; lower is better. */
const medianAbsoluteError: Metric = {
  name: "medianAbsoluteError",
  direction: "lower",
  compute(predictions, targets) {
    if (predictions.data.length !== targets.data.length)
      throw new ShapeError(
        "medianAbsoluteError",
        "predictions and targets must have the same number of elements",
      );
    const errors = Array.from(predictions.data, (p, i) => Math.abs(p - targets.data[i]!)).sort(
      (a, b) => a - b,
    );
    const middle = errors.length >> 1;
    return errors.length % 2 === 1 ? errors[middle]! : (errors[middle - 1]! + errors[middle]!) / 2;
  },
};

// 1. On numbers worked by hand: errors 0, 1, 2, 96 have the median 1.5 (the mean absolute error is 24.75).
const hand = medianAbsoluteError.compute(tensor([1, 2, 3, 100]), tensor([1, 1, 1, 4]));
assert.equal(hand, 1.5);

// 2. In evaluate and fit: reported per epoch on the validation data, as validationMedianAbsoluteError.
const random = createRandom(0);
const dataset = (count: number) => {
  const inputs = normal(random, [count, 2]);
  return { inputs, targets: add(matmul(inputs, tensor([[1], [-1]])), 0.5) };
};
const [train, validation] = [dataset(200), dataset(50)];
const model = sequential([dense(2, 1)]);
const params = model.init(1);
const { params: trained, history } = fit(model, params, train, {
  optimizer: sgd({ learningRate: 0.05 }),
  loss: "meanSquaredError",
  epochs: 5,
  validationData: validation,
  metrics: [medianAbsoluteError, "meanAbsoluteError"],
});
const perEpoch = history.epochs.map((logs) => logs.validationMedianAbsoluteError!);
console.log(
  "validation median absolute error per epoch:",
  perEpoch.map((value) => value.toFixed(4)).join(", "),
);
assert.ok(
  perEpoch.every((value, epoch) => epoch === 0 || value < perEpoch[epoch - 1]!),
  "it falls every epoch",
);
const final = evaluate(model, trained, validation, { metrics: [medianAbsoluteError] });
assert.equal(
  final.medianAbsoluteError,
  perEpoch.at(-1),
  "evaluate reports the same number as fit's last epoch",
);
