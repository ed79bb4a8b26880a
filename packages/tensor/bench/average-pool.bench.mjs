// Where average pooling's wasm threshold comes from: the JavaScript reference (jsKernels) against the module's
// SIMD kernel including its copies in and out of wasm memory (the steps of src/kernels/wasm/average-pool.ts),
// forward and backward, on NHWC inputs of growing size (2×2 windows, stride 2, 8 and 32 channels) and the
// CNN-sized [64, 26, 26, 32]. Median µs of timed runs; ns per input element.
//
//   pnpm turbo run build --filter=@descent/tensor && flock /tmp/bench.lock nice -n 10 node packages/tensor/bench/average-pool.bench.mjs

import { useKernels, windowGeometry } from "../dist/index.js";
import { jsKernels } from "../dist/kernels.js";

const { engine } = useKernels("wasm-simd");

function seeded(length, seed) {
  const values = new Float32Array(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[index] = state / 2 ** 32 - 0.5;
  }
  return values;
}
function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1];
}
/** Median µs per call; each sample repeats the call enough times to last ≥ 50 µs (timer resolution). */
function time(run, seconds = 0.3) {
  let repeats = 1;
  for (let start = performance.now(); performance.now() - start < 0.05; repeats *= 2)
    for (let i = 0; i < repeats; i++) run();
  const samples = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end || samples.length < 15) {
    const start = performance.now();
    for (let i = 0; i < repeats; i++) run();
    samples.push((performance.now() - start) / repeats);
  }
  return median(samples) * 1000;
}
const geometryArguments = (g) => [
  g.batch,
  g.height,
  g.width,
  g.channels,
  g.kernelHeight,
  g.kernelWidth,
  g.strideHeight,
  g.strideWidth,
  g.padTop,
  g.padLeft,
  g.outHeight,
  g.outWidth,
];
function forwardInModule(input, g, output) {
  const base = engine.scratch((input.length + output.length) * 4);
  const floats = engine.memoryFloats;
  floats.set(input, base >> 2);
  engine.elementwise.averagePoolForward(base, base + input.length * 4, ...geometryArguments(g));
  const at = (base >> 2) + input.length;
  output.set(floats.subarray(at, at + output.length));
}
function backwardInModule(cotangent, g, gradient) {
  const base = engine.scratch((cotangent.length + gradient.length) * 4);
  const floats = engine.memoryFloats;
  const at = (base >> 2) + cotangent.length;
  floats.set(cotangent, base >> 2);
  floats.set(gradient, at);
  engine.elementwise.averagePoolBackward(base, base + cotangent.length * 4, ...geometryArguments(g));
  gradient.set(floats.subarray(at, at + gradient.length));
}

const shapes = [
  [1, 2, 2, 4],
  [1, 4, 4, 4],
  [1, 4, 4, 8],
  [1, 8, 8, 8],
  [1, 8, 8, 32],
  [1, 16, 16, 8],
  [1, 16, 16, 32],
  [4, 16, 16, 32],
  [64, 26, 26, 32],
];
console.log("shape            input  forward js / wasm µs (ns/elem)      backward js / wasm µs (ns/elem)");
for (const shape of shapes) {
  const length = shape.reduce((a, b) => a * b);
  const g = windowGeometry("bench", shape, [2, 2], [2, 2], "valid");
  const input = seeded(length, 1);
  const output = new Float32Array(g.batch * g.outHeight * g.outWidth * g.channels);
  const cotangent = seeded(output.length, 2);
  const gradient = new Float32Array(length);
  const forwardJs = time(() => jsKernels.averagePoolForward(input, g, output));
  const forwardWasm = time(() => forwardInModule(input, g, output));
  const backwardJs = time(() => jsKernels.averagePoolBackward(cotangent, g, gradient));
  const backwardWasm = time(() => backwardInModule(cotangent, g, gradient));
  const cell = (js, wasm) =>
    `${js.toFixed(2)} / ${wasm.toFixed(2)} (${((js * 1000) / length).toFixed(2)} / ${((wasm * 1000) / length).toFixed(2)})`;
  console.log(
    `${JSON.stringify(shape).padEnd(16)} ${String(length).padStart(7)}  ${cell(forwardJs, forwardWasm).padEnd(34)} ${cell(backwardJs, backwardWasm)}`,
  );
}
