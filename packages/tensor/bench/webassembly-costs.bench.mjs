// What WebAssembly's limits cost descent, each measured the way the kernels meet it (docs/performance.md quotes
// this script's output):
// - JavaScript writing into shared memory: `fill(0)` and `set` on a view of a SharedArrayBuffer (the kernels'
//   memory when they run on worker threads) against a plain array, and the module's own `zero` of a resident
//   array (one memory.fill);
// - Adam's step on the CNN's 225,578 parameters: the JavaScript reference loop against the module's float64
//   lanes (the same bits; bit-exactness is why the lanes are float64, two per instruction, not float32's four);
// - the CNN's convolutions on one thread and on two (implicit GEMMs whose panels are packed from the images);
// - the memory-bound kernels that run as range jobs (max pooling, Adam, the scaled add) on one thread and two.
//
//   node bench/webassembly-costs.bench.mjs [--rounds 9]        (needs dist/ built; run on a quiet machine)
//
// The peers table starts its processes with glibc malloc settings that keep freed memory (see apps/bench's
// experiments/peers/environment.ts); without them, every new array here faults its pages in again, and the
// cases that allocate (Adam's) measure mostly that.
//
// Each case runs in rounds, the cases interleaved round by round, and reports the median per call in µs.

import {
  convolution2d,
  convolution2dBackward,
  createRandom,
  initKernels,
  kernelInfo,
  Tensor,
  uniform,
} from "../dist/index.js";
import { adamUpdate, getKernels, jsKernels } from "../dist/kernels.js";

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : process.argv[index + 1];
}
const rounds = Number(option("rounds", "9"));

/** Median µs per call of each case, the cases interleaved round by round (`calls` per round). */
function measure(cases, calls) {
  const times = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (const run of Object.values(cases)) for (let i = 0; i < calls; i++) run();
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(cases)) {
      const started = performance.now();
      for (let i = 0; i < calls; i++) run();
      times[name].push(((performance.now() - started) * 1000) / calls);
    }
  }
  for (const [name, values] of Object.entries(times)) {
    values.sort((x, y) => x - y);
    console.log(`  ${name.padEnd(58)} ${values[Math.floor(values.length / 2)].toFixed(1).padStart(9)} µs`);
  }
}

/** A copy of `values` in the active kernels' memory (used in place by them, as a training step's arrays are). */
function residentCopy(values) {
  const array = getKernels().residentFloat32(values.length);
  if (array === null) throw new Error("these kernels have no resident storage (shared memory)");
  array.set(values);
  return array;
}

await initKernels();
const kernels = getKernels();
const info = kernelInfo();
console.log(`kernels: ${info.name}, ${info.threads} threads; Node ${process.version}`);

// 1. Writing from JavaScript into shared memory. 1,384,448 floats (5.5 MB) is the CNN's first feature map at
// batch 64; 524,288 floats (2 MiB) two staged operands of the 256×1024 add.
const mapLength = 64 * 26 * 26 * 32;
const plainMap = new Float32Array(mapLength);
const residentMap = kernels.residentFloat32(mapLength);
if (residentMap === null) throw new Error("these kernels have no resident storage (shared memory)");
const sharedView = new Float32Array(new SharedArrayBuffer(mapLength * 4));
const operands = uniform(createRandom(3), [524288]).data;
const plainTarget = new Float32Array(524288);
const sharedTarget = new Float32Array(new SharedArrayBuffer(524288 * 4));
console.log("1. JavaScript writing into shared memory (5.5 MB fill, 2 MiB copy)");
measure(
  {
    "fill(0), plain array, 5.5 MB": () => plainMap.fill(0),
    "fill(0), view of a SharedArrayBuffer, 5.5 MB": () => sharedView.fill(0),
    "kernels.zero on a resident array (module memory.fill), 5.5 MB": () => kernels.zero(residentMap),
    "set(), plain array, 2 MiB": () => plainTarget.set(operands),
    "set(), view of a SharedArrayBuffer, 2 MiB": () => sharedTarget.set(operands),
  },
  20,
);

// 2. Adam's step on the CNN's parameters (conv 3·3·1·32 + 32, conv 3·3·32·64 + 64, dense 1600·128 + 128,
// dense 128·10 + 10), state and updates in new arrays each step as the optimizer makes them.
const parameters = 225578;
const random = createRandom(5);
const g = uniform(random, [parameters]).data;
const m = uniform(random, [parameters]).data;
const v = uniform(random, [parameters]).data.map(Math.abs);
const coefficients = {
  beta1: 0.9,
  beta2: 0.999,
  inverseCorrection1: 1 / (1 - 0.9 ** 10),
  inverseCorrection2: 1 / (1 - 0.999 ** 10),
  epsilonRoot: 0,
  epsilon: 1e-8,
};
const adamStep = () =>
  adamUpdate(
    g,
    m,
    v,
    new Float32Array(parameters),
    new Float32Array(parameters),
    new Float32Array(parameters),
    coefficients,
  );
console.log(`2. Adam's step on ${parameters} parameters (new state and update arrays each call)`);
// The reference is called as a member, not made active: activating other kernels ends the wasm kernels'
// module (its resident arrays with it), which later sections use.
measure(
  {
    [`${info.name} float64 lanes`]: adamStep,
    "JavaScript reference loop (jsKernels.adamUpdate)": () =>
      jsKernels.adamUpdate(
        g,
        m,
        v,
        new Float32Array(parameters),
        new Float32Array(parameters),
        new Float32Array(parameters),
        coefficients,
      ),
  },
  10,
);

// 3. The CNN's convolutions at batch 64 on resident arrays (as in training), on 1 and 2 threads.
function convolutionCases(threads) {
  const kernels = getKernels();
  const cases = {};
  for (const [label, height, channels, outChannels] of [
    ["first (28×28×1 → 32)", 28, 1, 32],
    ["second (13×13×32 → 64)", 13, 32, 64],
  ]) {
    const r = createRandom(height);
    const x = new Tensor(residentCopy(uniform(r, [64 * height * height * channels]).data), [
      64,
      height,
      height,
      channels,
    ]);
    const w = new Tensor(residentCopy(uniform(r, [9 * channels * outChannels]).data), [
      3,
      3,
      channels,
      outChannels,
    ]);
    const outShape = [64, height - 2, height - 2, outChannels];
    const cotangent = new Tensor(residentCopy(uniform(r, [outShape.reduce((a, b) => a * b)]).data), outShape);
    const output = kernels.residentFloat32(cotangent.data.length);
    const weightsGradient = kernels.residentFloat32(w.data.length);
    cases[`${label} forward, ${threads} thread(s)`] = () => convolution2d(x, w, { allocate: () => output });
    if (channels === 32) {
      // The same product as the weight gradient (m = 288 window entries, n = 64, k = 7,744 pixels) from a
      // matrix already made, so the difference is the window packing.
      const columns = residentCopy(uniform(r, [7744 * 288]).data);
      cases[`${label} weight gradient's product from a made matrix, ${threads} thread(s)`] = () =>
        kernels.gemm(true, false, 288, outChannels, 7744, 1, columns, cotangent.data, 0, weightsGradient);
    }
    cases[`${label} weight gradient, ${threads} thread(s)`] = () =>
      convolution2dBackward({
        input: x,
        weights: w,
        cotangent,
        bias: false,
        inputGradient: false,
        allocate: () => weightsGradient,
      });
  }
  return cases;
}
console.log("3. The CNN's convolutions at batch 64, resident arrays");
for (const threads of [1, 2]) {
  // The same kernels (and resident arrays) with another thread count.
  await initKernels({ threads });
  if (getKernels() !== kernels)
    throw new Error("initKernels replaced the kernels: the resident arrays are gone");
  measure(convolutionCases(threads), 5);
}

// 3b. Memory-bound kernels on resident arrays, which run as range jobs over the threads above 256 KiB touched
// (src/kernels/wasm/ranges.ts): the CNN's first max pooling, Adam's step on its parameters, the scaled add at
// the MLP's first-layer size and below the threshold, and a 5.5 MB zero (one thread either way).
function rangeCases(threads) {
  const kernels = getKernels();
  const r = createRandom(7);
  const images = residentCopy(uniform(r, [64 * 26 * 26 * 32]).data);
  const geometry = {
    batch: 64,
    height: 26,
    width: 26,
    channels: 32,
    kernelHeight: 2,
    kernelWidth: 2,
    strideHeight: 2,
    strideWidth: 2,
    padTop: 0,
    padLeft: 0,
    outHeight: 13,
    outWidth: 13,
  };
  const pooled = kernels.residentFloat32(64 * 13 * 13 * 32);
  const winnersBlock = kernels.residentFloat32(pooled.length);
  const winners = new Int32Array(winnersBlock.buffer, winnersBlock.byteOffset, pooled.length);
  const [gR, mR] = [residentCopy(g), residentCopy(m)];
  const vR = residentCopy(v);
  const adamOutputs = [0, 1, 2].map(() => kernels.residentFloat32(parameters));
  const cases = {
    [`max pooling 64×26×26×32, 2×2, ${threads} thread(s)`]: () =>
      kernels.maxPoolForward(images, geometry, pooled, winners),
    [`Adam's step, ${parameters} parameters, ${threads} thread(s)`]: () =>
      kernels.adamUpdate(gR, mR, vR, adamOutputs[0], adamOutputs[1], adamOutputs[2], coefficients),
    [`zero 5.5 MB, ${threads} thread(s)`]: () => kernels.zero(residentMap),
  };
  for (const length of [8192, 100352]) {
    const p = residentCopy(uniform(r, [length]).data);
    const u = residentCopy(uniform(r, [length]).data);
    const out = kernels.residentFloat32(length);
    cases[`scaled add, ${length} elements, ${threads} thread(s)`] = () => kernels.scaledAdd(out, p, u, -0.01);
  }
  return cases;
}
console.log("3b. Memory-bound kernels on resident arrays (range jobs above 256 KiB)");
for (const threads of [1, 2]) {
  await initKernels({ threads });
  if (getKernels() !== kernels)
    throw new Error("initKernels replaced the kernels: the resident arrays are gone");
  measure(rangeCases(threads), 20);
}

// 4. The 1024³ GEMM with relaxed SIMD's fused multiply-add and with plain SIMD128 (a multiply, then an add),
// 2 threads, resident operands. Plain SIMD in a phase of its own (switching kernels starts another module).
function gemmCase() {
  const active = getKernels();
  const r = createRandom(1024);
  const a = residentCopy(uniform(r, [1024 * 1024]).data);
  const b = residentCopy(uniform(r, [1024 * 1024]).data);
  const c = active.residentFloat32(1024 * 1024);
  return () => active.gemm(false, false, 1024, 1024, 1024, 1, a, b, 0, c);
}
console.log("4. GEMM 1024³, 2 threads, resident operands (2·1024³ flop: 1,000 µs is 2,147 GFLOP/s ÷ 1,000)");
await initKernels({ threads: 2 });
measure({ [`${kernelInfo().name}`]: gemmCase() }, 3);
if (kernelInfo().name !== "wasm-simd") {
  await initKernels({ kernels: "wasm-simd", threads: 2 });
  measure({ "wasm-simd": gemmCase() }, 3);
}
