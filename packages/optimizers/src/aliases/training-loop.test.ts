import type { GradientTransformation, ParamTree } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { accumulateGradients } from "../combine/accumulate-gradients.js";
import { applyIfFinite } from "../combine/apply-if-finite.js";
import { chain } from "../combine/chain.js";
import { injectHyperparams } from "../combine/inject-hyperparams.js";
import { exponentialDecay } from "../schedules/decay.js";
import { clipByGlobalNorm } from "../transforms/clip.js";
import { applyUpdates } from "../tree/tree.js";
import { adam, adamax, adamw, amsgrad, lion, nadam, radam } from "./adam-family.js";
import { adadelta, adagrad, rmsprop } from "./adaptive.js";
import { momentum, nesterov, sgd } from "./sgd.js";

// Linear regression y = X·w + b with the mean squared error and its analytic gradient
// (∂L/∂w = (2/N)·Xᵀr, ∂L/∂b = (2/N)·Σr, r = X·w + b − y): the same loop runs every optimizer,
// only the optimizer value changes.
const samples = 64;
const features = 3;
const trueWeights = [1.5, -2, 0.5];
const trueBias = 0.7;
const inputs = new Float32Array(samples * features);
const targets = new Float32Array(samples);
for (let i = 0; i < samples; i++) {
  let y = trueBias;
  for (let j = 0; j < features; j++) {
    const x = Math.sin(1.3 * i + 2.1 * j) + 0.1 * j;
    inputs[i * features + j] = x;
    y += trueWeights[j]! * x;
  }
  targets[i] = y;
}

function lossAndGradients(params: ParamTree): { loss: number; gradients: ParamTree } {
  const weights = (params.weights as Tensor).data;
  const bias = (params.bias as Tensor).data[0]!;
  const gradWeights = new Float32Array(features);
  let gradBias = 0;
  let loss = 0;
  for (let i = 0; i < samples; i++) {
    let residual = bias - targets[i]!;
    for (let j = 0; j < features; j++) residual += weights[j]! * inputs[i * features + j]!;
    loss += residual * residual;
    for (let j = 0; j < features; j++)
      gradWeights[j] = gradWeights[j]! + (2 / samples) * residual * inputs[i * features + j]!;
    gradBias += (2 / samples) * residual;
  }
  return {
    loss: loss / samples,
    gradients: {
      weights: new Tensor(gradWeights, [features]),
      bias: new Tensor(new Float32Array([gradBias]), [1]),
    },
  };
}

function fit(optimizer: GradientTransformation<unknown>, steps: number): { first: number; last: number } {
  let params: ParamTree = {
    weights: new Tensor(new Float32Array(features), [features]),
    bias: new Tensor(new Float32Array(1), [1]),
  };
  let state = optimizer.init(params);
  const first = lossAndGradients(params).loss;
  for (let step = 0; step < steps; step++) {
    const { gradients } = lossAndGradients(params);
    const { updates, state: next } = optimizer.update(gradients, state, params);
    params = applyUpdates(params, updates);
    state = next;
  }
  return { first, last: lossAndGradients(params).loss };
}

const decaying = (initialValue: number) =>
  exponentialDecay({ initialValue, decayRate: 0.1, transitionSteps: 300 });

const optimizers: [string, GradientTransformation<unknown>][] = [
  ["sgd", sgd({ learningRate: 0.1 })],
  [
    "sgd + nesterov + weight decay",
    sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-6 }),
  ],
  ["momentum", momentum({ learningRate: 0.05 })],
  ["nesterov", nesterov({ learningRate: 0.05 })],
  ["adagrad", adagrad({ learningRate: 0.5 })],
  ["rmsprop", rmsprop({ learningRate: decaying(0.02) })],
  ["adadelta", adadelta({ learningRate: decaying(1), epsilon: 1e-4 })],
  ["adam", adam({ learningRate: 0.05 })],
  ["adamw", adamw({ learningRate: 0.05, weightDecay: 1e-4 })],
  ["amsgrad", amsgrad({ learningRate: 0.05 })],
  ["adamax", adamax({ learningRate: 0.05 })],
  ["nadam", nadam({ learningRate: 0.05 })],
  ["radam", radam({ learningRate: 0.05 })],
  [
    "lion",
    lion({ learningRate: exponentialDecay({ initialValue: 0.05, decayRate: 0.1, transitionSteps: 200 }) }),
  ],
  ["clip + adam", chain(clipByGlobalNorm(1), adam({ learningRate: 0.05 }))],
  ["injectHyperparams(adam)", injectHyperparams((h) => adam(h), { learningRate: 0.05 })],
  ["applyIfFinite(adam)", applyIfFinite(adam({ learningRate: 0.05 }))],
  ["accumulateGradients(2, adam)", accumulateGradients(2, adam({ learningRate: 0.05 }))],
];

describe("one training loop, every optimizer (linear regression, float32, 600 steps)", () => {
  it.each(optimizers)("%s drives the loss below 1e-4 of where it started", (_, optimizer) => {
    const { first, last } = fit(optimizer, 600);
    expect(first).toBeGreaterThan(1);
    expect(last).toBeLessThan(1e-4 * first);
  });
});
