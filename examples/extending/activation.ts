// Your own activation: swish with a slope, f(x) = x·σ(βx), made with defineActivation. Its gradient is
// checked against finite differences, and a model that uses it saves and loads with options.custom.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineActivation, type ElementwiseActivation } from "@descent/activations";
import { checkGradient, sum } from "@descent/autodiff";
import { dense, predict, sequential } from "@descent/nn";
import { loadModel, saveModel } from "@descent/nn/node";
import { createRandom, normal, ValueError } from "@descent/tensor";

export interface SwishBetaOptions {
  readonly beta?: number;
}

/**
 * `f(x) = x·σ(βx)`, `f'(x) = σ(βx) + βx·σ(βx)(1 − σ(βx))`. `β = 1` is silu; large `β` approaches relu.
 * Options may come from a saved file, so they are checked.
 */
export function swishBeta(options: SwishBetaOptions = {}): ElementwiseActivation<SwishBetaOptions> {
  const unknown = Object.keys(options).filter((key) => key !== "beta");
  if (unknown.length > 0)
    throw new ValueError("swishBeta", `unknown option ${unknown[0]}: the option is beta`);
  const beta = options.beta ?? 1;
  if (typeof beta !== "number" || !Number.isFinite(beta))
    throw new ValueError("swishBeta", `options.beta is ${String(beta)}: use a finite number`);
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-beta * x));
  const value = (x: number) => x * sigmoid(x);
  const derivative = (x: number) => {
    const s = sigmoid(x);
    return s + beta * x * s * (1 - s);
  };
  return defineActivation(
    "swishBeta",
    { beta },
    {
      value,
      derivative,
      forward(input, output) {
        for (let i = 0; i < input.length; i++) output[i] = value(input[i]!);
      },
      backward(input, _output, gradientOutput, gradientInput) {
        for (let i = 0; i < input.length; i++) gradientInput[i] = gradientOutput[i]! * derivative(input[i]!);
      },
    },
  );
}

// 1. The backward kernel agrees with central finite differences (float64).
const random = createRandom(0);
const check = checkGradient(
  (x) => sum(swishBeta({ beta: 1.5 }).apply(x)),
  normal(random, [4, 5], { dtype: "float64" }),
);
console.log(check.message);
assert.ok(check.ok, "swishBeta's gradient matches finite differences");

// 2. A model that uses it saves, and loads when the factory is passed by the name it saved.
const model = sequential([dense(3, 8), swishBeta({ beta: 1.5 }), dense(8, 1)]);
const params = model.init(7);
const inputs = normal(random, [10, 3]);
const directory = mkdtempSync(join(tmpdir(), "swish-beta-"));
try {
  saveModel(directory, { architecture: model.config, params });
  assert.throws(
    () => loadModel(directory),
    /uses activation "swishBeta", which is not built in: pass its factory in options\.custom\.activations/,
  );
  const loaded = loadModel(directory, { custom: { activations: { swishBeta } } });
  assert.deepEqual(predict(loaded.model!, loaded.params, inputs).data, predict(model, params, inputs).data);
  console.log(
    "saved and loaded with { custom: { activations: { swishBeta } } }: same predictions, bit for bit",
  );
} finally {
  rmSync(directory, { recursive: true, force: true });
}
