import {
  add,
  checkGradient,
  gather,
  logSumExp,
  matmul,
  mean,
  relu,
  reshape,
  sub,
  valueAndGrad,
} from "@descent/autodiff";
import { createRandom, normal, zeros } from "@descent/tensor";

// A 4-8-3 MLP: logits = relu(x·W1 + b1)·W2 + b2, softmax cross-entropy on integer labels.
const random = createRandom(42);
const params = {
  hidden: { weights: normal(random, [4, 8], { std: 0.5 }), bias: zeros([8]) },
  output: { weights: normal(random, [8, 3], { std: 0.5 }), bias: zeros([3]) },
};
const inputs = normal(random, [5, 4]);
const labels = [0, 2, 1, 1, 0];

function loss(p) {
  const hidden = relu(add(matmul(inputs, p.hidden.weights), p.hidden.bias));
  const logits = add(matmul(hidden, p.output.weights), p.output.bias);
  // cross-entropy = logSumExp(logits) − logit of the true class, averaged over the batch
  const picked = gather(
    reshape(logits, [-1]),
    labels.map((label, row) => row * 3 + label),
  );
  return mean(sub(logSumExp(logits, 1), picked));
}

const { value, gradients } = valueAndGrad(loss)(params);
console.log("loss:", value.item().toFixed(6));
console.log("∂loss/∂output.bias:", gradients.output.bias.toString());
console.log("∂loss/∂hidden.weights:\n" + gradients.hidden.weights.toString());

const check = checkGradient(loss, params);
console.log(
  `checkGradient: ${check.ok ? "gradients confirmed" : "MISMATCH"} (${check.checked} elements) — ${check.message}`,
);
if (!check.ok) process.exit(1);
