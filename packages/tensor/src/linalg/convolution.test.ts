// Why this exists: convolution2d and its backward run on Kernels.convolutionForward, convolutionWeightsGradient
// and convolutionInputGradient, which the WebAssembly kernels compute without the im2col matrix leaving (or,
// for the first two, ever existing in) their memory; on every backend they must give the bits of what conv2d
// computed before (im2col, linear, linearBackward, col2im) on any geometry and thread count, and compute what
// their formulas say. (The GEMMs of JavaScript and WebAssembly round differently: each backend is held to
// its own matrix path, and the GEMM suites hold both to the float64 product.)

import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { jsKernels } from "../kernels/js-kernels.js";
import { getKernels, setKernels } from "../kernels/registry.js";
import { expectBitIdentical, seededFloat32 } from "../kernels/testing/float32-arrays.js";
import { windowFields, windowsFit } from "../kernels/testing/window-cases.js";
import { compileWasmKernels } from "../kernels/wasm/wasm-kernels.js";
import { convolution2d, convolution2dBackward } from "./convolution.js";
import { linear, linearBackward } from "./linear.js";
import { columnsToImage, imageToColumns, type Padding, windowGeometry } from "./windows.js";

const wasm = compileWasmKernels("wasm-simd");
const initial = getKernels();
afterAll(() => {
  setKernels(initial);
  wasm.engine.terminate();
});

const caseArbitrary = fc
  .record({
    ...windowFields,
    outChannels: fc.integer({ min: 1, max: 33 }),
    relu: fc.boolean(),
    seed: fc.integer({ min: 1, max: 2 ** 31 }),
  })
  .filter(windowsFit);

type Case = typeof caseArbitrary extends fc.Arbitrary<infer T> ? T : never;

/**
 * convolution2d and its backward, and the same computed the way conv2d did before them: im2col, then linear
 * and linearBackward, then col2im (on whatever kernels are active).
 */
function both(p: Case) {
  const x = new Tensor(seededFloat32(p.batch * p.height * p.width * p.channels, p.seed, 0.01), [
    p.batch,
    p.height,
    p.width,
    p.channels,
  ]);
  const kernel = [p.kernelHeight, p.kernelWidth, p.channels, p.outChannels];
  const weights = new Tensor(
    seededFloat32(
      kernel.reduce((a, b) => a * b),
      p.seed + 1,
    ),
    kernel,
  );
  const bias = new Tensor(seededFloat32(p.outChannels, p.seed + 2), [p.outChannels]);
  const strides: [number, number] = [p.strideHeight, p.strideWidth];
  const activation = p.relu ? ("relu" as const) : ("none" as const);
  const output = convolution2d(x, weights, { strides, padding: p.padding, activation, bias });
  const cotangent = new Tensor(seededFloat32(output.data.length, p.seed + 3), output.shape);
  const common = { cotangent, activation, bias: true, inputGradient: true };
  const gradients = convolution2dBackward({
    ...common,
    strides,
    padding: p.padding,
    input: x,
    weights,
    output,
  });
  const g = windowGeometry("test", x.shape, [p.kernelHeight, p.kernelWidth], strides, p.padding);
  const columns = imageToColumns(x, g);
  const matrix = new Tensor(weights.data, [weights.data.length / p.outChannels, p.outChannels]);
  const byLinear = linear(columns, matrix, { bias, activation });
  const linearGradients = linearBackward({
    ...common,
    cotangent: new Tensor(cotangent.data, byLinear.shape),
    input: columns,
    weights: matrix,
    output: byLinear,
  });
  return {
    convolution: [output, gradients.input!, gradients.weights, gradients.bias!],
    matrix: [
      byLinear,
      columnsToImage(linearGradients.input!, g),
      linearGradients.weights,
      linearGradients.bias!,
    ],
  };
}

describe("convolution2d and its backward: the bits of im2col, linear, linearBackward and col2im on every backend", () => {
  it.each([
    ["js", 1],
    ["wasm-simd", 1],
    ["wasm-simd", 2],
  ] as const)("on random geometries (%s, %i threads)", (name, threads) => {
    setKernels(name === "js" ? jsKernels : wasm);
    wasm.engine.threads = threads;
    fc.assert(
      fc.property(caseArbitrary, (p) => {
        const { convolution, matrix } = both(p);
        convolution.forEach((result, index) => {
          expectBitIdentical(result.data as Float32Array, matrix[index]!.data as Float32Array);
        });
      }),
      { numRuns: 60 },
    );
    wasm.engine.threads = 1;
  });

  it("on the peers' CNN's second convolution (batch 4, 2 threads), where the products run in wasm", () => {
    setKernels(wasm);
    wasm.engine.threads = 2;
    const { convolution, matrix } = both({
      batch: 4,
      height: 13,
      width: 13,
      channels: 32,
      kernelHeight: 3,
      kernelWidth: 3,
      strideHeight: 1,
      strideWidth: 1,
      padding: "valid",
      outChannels: 64,
      relu: true,
      seed: 9,
    });
    convolution.forEach((result, index) => {
      expectBitIdentical(result.data as Float32Array, matrix[index]!.data as Float32Array);
    });
    wasm.engine.threads = 1;
  });
});

describe("convolution2d", () => {
  it("computes y[n, i, j, o] = b[o] + Σ x[n, i·sh + ky − pt, j·sw + kx − pl, c]·W[ky, kx, c, o] (float64)", () => {
    setKernels(jsKernels);
    const x = new Tensor(
      Float64Array.from({ length: 2 * 5 * 4 * 3 }, (_, i) => Math.sin(i)),
      [2, 5, 4, 3],
    );
    const w = new Tensor(
      Float64Array.from({ length: 3 * 2 * 3 * 2 }, (_, i) => Math.cos(i)),
      [3, 2, 3, 2],
    );
    const b = new Tensor(Float64Array.of(0.5, -1), [2]);
    const y = convolution2d(x, w, { strides: [2, 1], padding: "same", bias: b });
    // "same": out = ⌈5/2⌉ × ⌈4/1⌉ = 3 × 4; pads: top ⌊(2·2 + 3 − 5)/2⌋ = 1, left ⌊(3 + 2 − 4)/2⌋ = 0.
    expect(y.shape).toEqual([2, 3, 4, 2]);
    for (let n = 0; n < 2; n++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 4; j++)
          for (let o = 0; o < 2; o++) {
            let sum = b.data[o]!;
            for (let ky = 0; ky < 3; ky++)
              for (let kx = 0; kx < 2; kx++)
                for (let c = 0; c < 3; c++) {
                  const yy = i * 2 + ky - 1;
                  const xx = j + kx;
                  if (yy < 0 || yy >= 5 || xx >= 4) continue;
                  sum += x.data[((n * 5 + yy) * 4 + xx) * 3 + c]! * w.data[((ky * 2 + kx) * 3 + c) * 2 + o]!;
                }
            expect(y.data[((n * 3 + i) * 4 + j) * 2 + o]).toBeCloseTo(sum, 12);
          }
  });

  it("names the op and the fix for wrong shapes and options", () => {
    const x = new Tensor(new Float32Array(2 * 5 * 5 * 3), [2, 5, 5, 3]);
    const w = new Tensor(new Float32Array(3 * 3 * 3 * 4), [3, 3, 3, 4]);
    expect(() => convolution2d(x, new Tensor(new Float32Array(36), [3, 3, 4]))).toThrow(ShapeError);
    expect(() => convolution2d(new Tensor(new Float32Array(100), [2, 5, 5, 2]), w)).toThrow(
      "convolution2d: x [2,5,5,2] does not fit weights [3,3,3,4]: pass NHWC images [batch, height, width, 3]",
    );
    expect(() => convolution2d(x, w, { bias: new Tensor(new Float32Array(3), [3]) })).toThrow(ShapeError);
    expect(() => convolution2d(x, w, { padding: "full" as Padding })).toThrow(ValueError);
    expect(() => convolution2d(x, w, { strides: 0 })).toThrow(ValueError);
    expect(() => convolution2d(x, new Tensor(new Float32Array(6 * 6 * 3 * 4), [6, 6, 3, 4]))).toThrow(
      ValueError,
    );
    const y = convolution2d(x, w, { activation: "relu" });
    expect(() =>
      convolution2dBackward({
        input: x,
        weights: w,
        cotangent: y,
        activation: "relu",
        bias: false,
        inputGradient: false,
      }),
    ).toThrow("convolution2dBackward: options.output is missing");
    expect(() =>
      convolution2dBackward({ input: x, weights: w, cotangent: x, bias: false, inputGradient: false }),
    ).toThrow(ShapeError);
  });
});
