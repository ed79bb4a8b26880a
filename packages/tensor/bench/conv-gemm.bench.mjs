// Where the time of a convolution's GEMMs goes: the conv2 layer of the peers' CNN (input [64, 13, 13, 32], 3×3
// kernel, 64 outputs: im2col matrix [7744, 288]) at batch 64, its three products (forward cols·W, weight
// gradient colsᵀ·g, input gradient g·Wᵀ) timed as raw `gemm` on resident arrays (pack + compute only), on
// plain preallocated arrays (+ copies into and out of wasm memory), with a fresh C per call (+ page faults),
// and as the tensor-level calls the layer makes (convolution2d and its backward; before them im2col + linear,
// linearBackward + col2im); plus im2col and col2im alone. Median ms of timed runs.
//
//   pnpm turbo run build --filter=@descent/tensor && flock /tmp/bench.lock node packages/tensor/bench/conv-gemm.bench.mjs [threads=1,2]

import * as tensor from "../dist/index.js";
import { getKernels, releaseResident, residentFloat32 } from "../dist/kernels.js";

const {
  columnsToImage,
  imageToColumns,
  initKernels,
  kernelInfo,
  linear,
  linearBackward,
  setThreadCount,
  Tensor,
  windowGeometry,
} = tensor;
const threadCounts = (process.argv[2] ?? "1,2").split(",").map(Number);
await initKernels();

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
function time(run, repeats = 15) {
  for (let i = 0; i < 3; i++) run();
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}
function resident(values) {
  const array = residentFloat32(values.length);
  if (array === null) throw new Error("no resident memory");
  array.set(values);
  return array;
}

const image = new Tensor(seeded(64 * 13 * 13 * 32, 1), [64, 13, 13, 32]);
const geometry = windowGeometry("conv2d", image.shape, [3, 3], [1, 1], "valid");
const rows = 64 * 11 * 11;
const depth = 288;
const out = 64;
const columns = imageToColumns(image, geometry);
const weights = new Tensor(seeded(depth * out, 2), [depth, out]);
const cotangent = new Tensor(seeded(rows * out, 3), [64, 11, 11, out]);
const shapes = {
  "forward cols·W": [false, false, rows, out, depth, columns.data, weights.data],
  "weights colsᵀ·g": [true, false, depth, out, rows, columns.data, cotangent.data],
  "input g·Wᵀ": [false, true, rows, depth, out, cotangent.data, weights.data],
};

const lines = [];
for (const threads of threadCounts) {
  setThreadCount(threads);
  const kernels = getKernels();
  lines.push(`${kernelInfo().name} ×${kernelInfo().threads}`);
  for (const [label, [ta, tb, m, n, k, a, b]] of Object.entries(shapes)) {
    const ra = resident(a);
    const rb = resident(b);
    const rc = residentFloat32(m * n);
    const c = new Float32Array(m * n);
    const inResident = time(() => kernels.gemm(ta, tb, m, n, k, 1, ra, rb, 0, rc));
    const plain = time(() => kernels.gemm(ta, tb, m, n, k, 1, a, b, 0, c));
    const fresh = time(() => kernels.gemm(ta, tb, m, n, k, 1, a, b, 0, new Float32Array(m * n)));
    const gflops = (2 * m * n * k) / inResident / 1e6;
    lines.push(
      `  ${label.padEnd(18)} resident ${inResident.toFixed(2)} ms (${gflops.toFixed(1)} GFLOP/s), plain ${plain.toFixed(2)}, fresh C ${fresh.toFixed(2)}`,
    );
    for (const array of [ra, rb, rc]) releaseResident(array);
  }
  const forward = time(() => linear(columns, weights, { bias: new Tensor(seeded(out, 4), [out]) }));
  const backward = time(() =>
    linearBackward({ input: columns, weights, cotangent, bias: true, inputGradient: true }),
  );
  const im2col = time(() => imageToColumns(image, geometry));
  const col2im = time(() => columnsToImage(columns, geometry));
  // The layer's own calls since convolution2d exists (absent from older builds).
  if (tensor.convolution2d !== undefined) {
    const kernel = new Tensor(weights.data, [3, 3, 32, out]);
    const convolution = time(() =>
      tensor.convolution2d(image, kernel, { bias: new Tensor(seeded(out, 4), [out]) }),
    );
    const convolutionBackward = time(() =>
      tensor.convolution2dBackward({
        input: image,
        weights: kernel,
        cotangent,
        bias: true,
        inputGradient: true,
      }),
    );
    lines.push(
      `  convolution2d ${convolution.toFixed(2)} ms, convolution2dBackward ${convolutionBackward.toFixed(2)} ms`,
    );
  }
  lines.push(
    `  linear ${forward.toFixed(2)} ms, linearBackward ${backward.toFixed(2)} ms, im2col ${im2col.toFixed(2)} ms, col2im ${col2im.toFixed(2)} ms`,
  );
}
console.log(lines.join("\n"));
