// Your own optimizer: signSGD (Bernstein et al., 2018), θ ← θ − η · sign(∂L/∂θ). Written once as a whole
// optimizer and once as a direction to put in a chain; both train a linear model.
import assert from "node:assert/strict";
import { dense, evaluate, fit, sequential } from "@descent/nn";
import { chain, clipByGlobalNorm, mapTree, scaleByLearningRate } from "@descent/optimizers";
import type { GradientTransformation, ParamTree } from "@descent/spec";
import { add, createRandom, matmul, normal, Tensor, tensor } from "@descent/tensor";

/** signSGD as a whole optimizer: `updates = −η · sign(g)`. Updates are added to the parameters. */
function signSgd(learningRate: number): GradientTransformation<{ readonly step: number }> {
  const descend = (g: number) => -learningRate * Math.sign(g);
  return {
    init: () => ({ step: 0 }),
    update: (gradients, state) => ({
      updates: mapTree(gradients, (g) => new Tensor(g.data.map(descend), g.shape)),
      state: { step: state.step + 1 },
    }),
  };
}

/** The direction alone, `updates = sign(g)`, for a chain that ends in `scaleByLearningRate(η)`. */
function scaleBySign(): GradientTransformation<Record<string, never>> {
  return {
    init: () => ({}),
    update: (gradients, state) => ({
      updates: mapTree(gradients, (g) => new Tensor(g.data.map(Math.sign), g.shape)),
      state,
    }),
  };
}

// y = 3·x₀ − 2·x₁ + 1
const random = createRandom(0);
const inputs = normal(random, [256, 2]);
const train = { inputs, targets: add(matmul(inputs, tensor([[3], [-2]])), 1) };
const model = sequential([dense(2, 1)]);
const params = model.init(1);
const lossOf = (p: ParamTree) => evaluate(model, p, train, { loss: "meanSquaredError" }).loss!;
const options = { loss: "meanSquaredError", epochs: 20, batchSize: 32 } as const;

const alone = fit(model, params, train, { ...options, optimizer: signSgd(0.05) });
// Clipping rescales the gradients but keeps their signs, so this chain takes the same steps.
const inChain = chain(clipByGlobalNorm(1), scaleBySign(), scaleByLearningRate(0.05));
const chained = fit(model, params, train, { ...options, optimizer: inChain });

console.log(`loss ${lossOf(params).toFixed(3)} → ${lossOf(alone.params).toFixed(5)} (signSgd)`);
console.log(`loss ${lossOf(params).toFixed(3)} → ${lossOf(chained.params).toFixed(5)} (chain)`);
assert.ok(lossOf(alone.params) < lossOf(params) / 100, "signSgd lowers the loss a hundredfold");
assert.deepEqual(chained.params, alone.params, "the chain takes the same steps as signSgd");
