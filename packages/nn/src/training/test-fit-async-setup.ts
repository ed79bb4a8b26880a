// The training the browser test runs on a page and in Node (fit-async.browser.test.ts): a 784-128-10 MLP
// on MNIST-shaped data, sized to take a second or more. Pure functions, no globals: both sides import it.

import { adam } from "@descent/optimizers";
import { Tensor, treeFlatten } from "@descent/tensor";
import { dense, sequential } from "../layers/index.js";
import type { Model } from "../layers/sequential.js";
import type { TrainingData } from "./batches.js";
import type { FitOptions, FitResult } from "./types.js";

/** 4096 samples in batches of 64: 64 steps an epoch, 768 in all (8 s a run on a busy 2-core machine). */
export const SAMPLES = 4096;
export const EPOCHS = 12;

/** Inputs in [-1, 1) and labels 0…9 from integer arithmetic only, so every engine makes the same bits. */
export function pageData(): TrainingData {
  const inputs = new Float32Array(SAMPLES * 784);
  let state = 12345;
  for (let i = 0; i < inputs.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    inputs[i] = (state >>> 8) / 2 ** 23 - 1;
  }
  const targets = new Float32Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) targets[i] = (i * 7) % 10;
  return { inputs: new Tensor(inputs, [SAMPLES, 784]), targets: new Tensor(targets, [SAMPLES]) };
}

export const pageModel = (): Model => sequential([dense(784, 128), "relu", dense(128, 10)]);

export function pageOptions(): FitOptions {
  return {
    optimizer: adam({ learningRate: 1e-3 }),
    loss: "softmaxCrossEntropyFromLogits",
    epochs: EPOCHS,
    batchSize: 64,
    seed: 3,
  };
}

/** FNV-1a over the bytes of the trained parameters and of every step's loss (float64). */
export function resultHash(result: FitResult): string {
  let hash = 0x811c9dc5;
  const mix = (bytes: Uint8Array) => {
    for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  };
  for (const tensor of treeFlatten(result.params).leaves) {
    mix(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  }
  mix(new Uint8Array(Float64Array.from(result.history.steps.loss).buffer));
  return hash.toString(16).padStart(8, "0");
}
