// Your own layer: a per-feature scale and shift, y = x ⊙ γ + β, with trainable γ and β. It implements the
// Layer interface of @descent/nn, trains inside a sequential model, and the model saves and loads with
// the layer's factory passed in options.custom.layers.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { add, checkGradient, mul, type Operand, sum } from "@descent/autodiff";
import { dense, evaluate, fit, type Layer, type LayerConfig, predict, sequential } from "@descent/nn";
import { loadModel, saveModel } from "@descent/nn/node";
import { adam } from "@descent/optimizers";
import { createRandom, matmul, normal, ones, tensor, ValueError, zeros } from "@descent/tensor";

/** `y = x ⊙ γ + β` over the last axis; `γ` starts at 1 and `β` at 0 (`[features]` each). */
export function scaleShift(features: number, options: { readonly name?: string } = {}): Layer {
  if (!Number.isSafeInteger(features) || features < 1)
    throw new ValueError("scaleShift", `features is ${String(features)}: use a whole number ≥ 1`);
  return {
    type: "scaleShift",
    name: options.name,
    hasParams: true,
    hasState: false,
    config: { type: "scaleShift", name: options.name, features },
    init: (_random, dtype = "float32") => ({
      scale: ones([features], dtype),
      shift: zeros([features], dtype),
    }),
    initState: () => ({}),
    apply: (params, input) => add(mul(input, params.scale as Operand), params.shift as Operand),
    outputShape: (inputShape) => {
      if (inputShape.at(-1) !== features)
        throw new ValueError("scaleShift", `input has ${inputShape.at(-1)} features: expected ${features}`);
      return [...inputShape];
    },
  };
}

/** Rebuilds the layer from its saved config (which comes from a file: scaleShift checks `features`). */
export const scaleShiftFromConfig = (config: LayerConfig) =>
  scaleShift(config.features as number, { name: config.name });

// 1. Its gradients (for γ, β and the input) agree with finite differences.
const random = createRandom(0);
const layer = scaleShift(3);
const x = normal(random, [4, 3], { dtype: "float64" });
const check = checkGradient((p) => sum(layer.apply(p.params, p.x)), {
  params: layer.init(random, "float64"),
  x,
});
assert.ok(check.ok, check.message);

// 2. It trains inside a model: features on scales 1 and 100, target y = x₀ + x₁ / 100.
const inputs = matmul(
  normal(random, [256, 2]),
  tensor([
    [1, 0],
    [0, 100],
  ]),
);
const train = { inputs, targets: matmul(inputs, tensor([[1], [0.01]])) };
const model = sequential([scaleShift(2), dense(2, 1)]);
const params = model.init(3);
const trained = fit(model, params, train, {
  optimizer: adam({ learningRate: 0.05 }),
  loss: "meanSquaredError",
  epochs: 30,
});
const before = evaluate(model, params, train, { loss: "meanSquaredError" }).loss!;
const after = evaluate(model, trained.params, train, { loss: "meanSquaredError" }).loss!;
console.log(`loss ${before.toFixed(2)} → ${after.toExponential(2)}`);
assert.ok(after < before / 100, "the model with scaleShift trains");

// 3. The model saves, and loads when the layer's factory is passed under its type.
const directory = mkdtempSync(join(tmpdir(), "scale-shift-"));
try {
  saveModel(directory, { architecture: model.config, params: trained.params });
  assert.throws(
    () => loadModel(directory),
    /uses unknown layer type "scaleShift", which is not built in: pass its factory in options\.custom\.layers/,
  );
  const loaded = loadModel(directory, { custom: { layers: { scaleShift: scaleShiftFromConfig } } });
  assert.deepEqual(
    predict(loaded.model!, loaded.params, inputs).data,
    predict(model, trained.params, inputs).data,
  );
  console.log("saved and loaded with { custom: { layers: { scaleShift } } }: same predictions, bit for bit");
} finally {
  rmSync(directory, { recursive: true, force: true });
}
