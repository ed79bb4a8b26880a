// Times descent training the peers' CNN (conv3×3·32 → relu → pool 2 → conv3×3·64 → relu → pool 2 → dense 128 →
// relu → dense 10, Adam, batch 64) on synthetic 28×28×1 images, and the GEMMs of its two convolutions alone
// (forward, weight gradient, input gradient) so the rest (im2col, col2im, pool, relu, Adam, overhead) is the
// difference. Reads the built dist: run `pnpm turbo run build --filter=@descent/nn` first.
// Usage: flock /tmp/bench.lock node packages/nn/bench/cnn-step-profile.mjs [steps=150]

import { conv2d, dense, fit, flatten, maxPool2d, sequential } from "@descent/nn";
import { adam } from "@descent/optimizers";
import {
  createRandom,
  initKernels,
  kernelInfo,
  linear,
  linearBackward,
  Tensor,
  uniform,
} from "@descent/tensor";

const steps = Number(process.argv[2] ?? 150);
const batch = 64;
await initKernels();
const random = createRandom(1);
const samples = steps * batch;
const inputs = uniform(random, [samples, 28, 28, 1]);
const targetData = new Float32Array(samples * 10);
for (let i = 0; i < samples; i++) targetData[i * 10 + (i % 10)] = 1;
const data = { name: "synthetic", inputs, targets: new Tensor(targetData, [samples, 10]), classes: 10 };
const model = sequential([
  conv2d(1, 32, 3),
  "relu",
  maxPool2d(2),
  conv2d(32, 64, 3),
  "relu",
  maxPool2d(2),
  flatten(),
  dense(5 * 5 * 64, 128),
  "relu",
  dense(128, 10),
]);
const params = model.init(createRandom(2));
const options = {
  optimizer: adam({ learningRate: 1e-3 }),
  loss: "softmaxCrossEntropyFromLogits",
  mode: "mini-batch",
  batchSize: batch,
  shuffle: false,
  seed: 3,
};
// Warm-up on a slice, then the timed epoch.
fit(
  model,
  params,
  {
    ...data,
    inputs: new Tensor(inputs.data.subarray(0, 10 * batch * 784), [10 * batch, 28, 28, 1]),
    targets: new Tensor(targetData.subarray(0, 10 * batch * 10), [10 * batch, 10]),
  },
  { ...options, epochs: 1 },
);
const started = performance.now();
fit(model, params, data, { ...options, epochs: 1 });
const seconds = (performance.now() - started) / 1000;

const time = (run, repeats = 20) => {
  run();
  const t = performance.now();
  for (let i = 0; i < repeats; i++) run();
  return (performance.now() - t) / repeats;
};
const gemm = (rows, depth, out, inputGradient) => {
  const columns = uniform(random, [rows, depth]);
  const weights = uniform(random, [depth, out]);
  const cotangent = uniform(random, [rows, out]);
  return {
    forward: time(() => linear(columns, weights)),
    backward: time(() => linearBackward({ input: columns, weights, cotangent, bias: true, inputGradient })),
  };
};
const conv1 = gemm(batch * 26 * 26, 9, 32, false);
const conv2 = gemm(batch * 11 * 11, 288, 64, true);
const dense1 = gemm(batch, 1600, 128, true);
const stepMs = (seconds * 1000) / steps;
const gemmMs = [conv1, conv2, dense1].reduce((sum, g) => sum + g.forward + g.backward, 0);
const info = kernelInfo();
console.log(`backend ${info.name} ×${info.threads}, ${steps} steps of ${batch}`);
console.log(`samples/s ${(samples / seconds).toFixed(0)}   step ${stepMs.toFixed(2)} ms`);
for (const [name, g] of Object.entries({ conv1, conv2, dense1 }))
  console.log(`  ${name} GEMM forward ${g.forward.toFixed(2)} ms, backward ${g.backward.toFixed(2)} ms`);
console.log(
  `  GEMMs ${gemmMs.toFixed(2)} ms; everything else (im2col, col2im, pool, relu, Adam, overhead) ${(stepMs - gemmMs).toFixed(2)} ms`,
);
