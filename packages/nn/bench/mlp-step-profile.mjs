// Where one training step of the peers' MLP (784-128-10, relu, softmax cross-entropy from logits, SGD lr 0.1,
// batch 64, shuffled mini-batches) spends its time, per kernel set: every call of the active `Kernels` is timed
// through a wrapper given to `setKernels` (member by member: gemm/denseForward = GEMM, binary/unary/reluBackward
// = element-wise, scaledAdd = SGD update, …); overhead is the step time minus all kernel time (tracing, the
// loss and softmax where they do not go through kernels, allocation, batch gathering, bookkeeping). The timer
// itself adds ~2 performance.now() calls per kernel call (reported as calls/step). A second, unwrapped fit
// gives samples/s without the timer. Reads the built dist (`pnpm turbo run build --filter=@descent/nn`).
// Per GEMM shape (gemm and denseForward calls by transposes and m×n×k), its time inside the step is set against
// the same product alone: 200 back-to-back calls on resident operands with the same threads (the worker keeps
// polling between them), so the difference is what the step's surroundings cost the product (a worker asleep
// after the gap since the last product, operands out of cache).
// Usage: flock /tmp/bench.lock node packages/nn/bench/mlp-step-profile.mjs [steps=400] [kernels=js,wasm-simd]
import { dense, fit, sequential } from "@descent/nn";
import { sgd } from "@descent/optimizers";
import { createRandom, initKernels, kernelInfo, Tensor, uniform, useKernels } from "@descent/tensor";
import { getKernels, residentFloat32, setKernels } from "@descent/tensor/kernels";

const steps = Number(process.argv[2] ?? 400);
const variants = (process.argv[3] ?? "js,wasm-simd").split(",");
const batch = 64;
await initKernels();
const random = createRandom(1);
const samples = steps * batch;
const inputs = uniform(random, [samples, 784]);
const targetData = new Float32Array(samples * 10);
for (let i = 0; i < samples; i++) targetData[i * 10 + (i % 10)] = 1;
const data = { name: "synthetic", inputs, targets: new Tensor(targetData, [samples, 10]), classes: 10 };
const model = sequential([dense(784, 128), "relu", dense(128, 10)]);
const options = {
  optimizer: sgd({ learningRate: 0.1 }),
  loss: "softmaxCrossEntropyFromLogits",
  mode: "mini-batch",
  batchSize: batch,
  shuffle: true,
  seed: 3,
  epochs: 1,
};

const gemmMembers = new Set(["gemm", "denseForward"]);

function timedKernels(base, totals, shapes) {
  const wrapped = { ...base };
  for (const member of Object.keys(base)) {
    const original = base[member];
    if (typeof original !== "function") continue;
    totals[member] = { ms: 0, calls: 0 };
    wrapped[member] = (...args) => {
      const started = performance.now();
      const result = original.apply(base, args);
      const elapsed = performance.now() - started;
      const entry = totals[member];
      entry.ms += elapsed;
      entry.calls++;
      if (gemmMembers.has(member)) {
        // Arguments of both: transposeA, transposeB, m, n, k, …
        const [transposeA, transposeB, m, n, k] = args;
        const key = `${member} ${transposeA ? "Aᵀ" : "A"}·${transposeB ? "Bᵀ" : "B"} ${m}×${n}×${k}`;
        const shape = (shapes[key] ??= { member, transposeA, transposeB, m, n, k, ms: 0, calls: 0 });
        shape.ms += elapsed;
        shape.calls++;
      }
      return result;
    };
  }
  return wrapped;
}

/** Median µs of one product of `shape` alone: 200 back-to-back calls on resident (else plain) operands, 9 rounds. */
function aloneMicroseconds(kernels, { member, transposeA, transposeB, m, n, k }) {
  const operand = (length) => {
    const array = residentFloat32(length) ?? new Float32Array(length);
    for (let i = 0; i < length; i++) array[i] = Math.sin(i);
    return array;
  };
  const a = operand(m * k);
  const b = operand(k * n);
  const c = operand(m * n);
  const bias = operand(n);
  const call =
    member === "gemm"
      ? () => kernels.gemm(transposeA, transposeB, m, n, k, 1, a, b, 0, c)
      : () => kernels.denseForward(transposeA, transposeB, m, n, k, a, b, bias, "relu", c);
  const rounds = [];
  for (let round = 0; round < 9; round++) {
    const started = performance.now();
    for (let i = 0; i < 200; i++) call();
    rounds.push(((performance.now() - started) * 1000) / 200);
  }
  return rounds.sort((x, y) => x - y)[4];
}

const fitSeconds = () => {
  const params = model.init(createRandom(2));
  const started = performance.now();
  fit(model, params, data, options);
  return (performance.now() - started) / 1000;
};

for (const variant of variants) {
  useKernels(variant);
  const info = kernelInfo();
  fitSeconds(); // warm-up
  const plain = fitSeconds();
  const base = getKernels();
  const totals = {};
  const shapes = {};
  setKernels(timedKernels(base, totals, shapes));
  const timed = fitSeconds();
  setKernels(base);
  const stepMicroseconds = (timed * 1e6) / steps;
  console.log(
    `\n${info.name} ×${info.threads}: ${(samples / plain).toFixed(0)} samples/s unwrapped (${((plain * 1e6) / steps).toFixed(0)} µs/step); timed run ${stepMicroseconds.toFixed(0)} µs/step`,
  );
  let kernelMicroseconds = 0;
  for (const [member, { ms, calls }] of Object.entries(totals).sort((x, y) => y[1].ms - x[1].ms)) {
    if (calls === 0) continue;
    const perStep = (ms * 1000) / steps;
    kernelMicroseconds += perStep;
    console.log(
      `  ${member.padEnd(16)} ${perStep.toFixed(1).padStart(7)} µs/step ${((100 * perStep) / stepMicroseconds).toFixed(1).padStart(5)}%  ${(calls / steps).toFixed(1)} calls/step`,
    );
  }
  const overhead = stepMicroseconds - kernelMicroseconds;
  console.log(
    `  ${"overhead".padEnd(16)} ${overhead.toFixed(1).padStart(7)} µs/step ${((100 * overhead) / stepMicroseconds).toFixed(1).padStart(5)}%`,
  );
  console.log(`  per GEMM shape: in the step vs alone (µs per call, GFLOP/s)`);
  for (const [key, shape] of Object.entries(shapes).sort((x, y) => y[1].ms - x[1].ms)) {
    const inStep = (shape.ms * 1000) / shape.calls;
    const alone = aloneMicroseconds(base, shape);
    const flop = 2 * shape.m * shape.n * shape.k;
    console.log(
      `    ${key.padEnd(34)} ${inStep.toFixed(1).padStart(7)} in step (${(flop / inStep / 1000).toFixed(1).padStart(5)})  ${alone.toFixed(1).padStart(7)} alone (${(flop / alone / 1000).toFixed(1).padStart(5)})  ${(shape.calls / steps).toFixed(0)} call/step`,
    );
  }
}
