// Why this exists: `useKernels("js")` promises pure JavaScript (the reference, and what runs where WebAssembly
// is unwanted), while `kernelInfo()` says "js". Before issue 17 the element-wise SIMD ran from tiny wasm
// modules whatever kernels were active. This file watches every way to make or run WebAssembly before the
// package is even loaded (its own file, so the module graph is fresh), then runs every kernel family.

import { afterAll, describe, expect, it } from "vitest";

const made: string[] = [];
const original = {
  Module: WebAssembly.Module,
  Instance: WebAssembly.Instance,
  instantiate: WebAssembly.instantiate,
  compile: WebAssembly.compile,
};

function watchConstructor<T extends abstract new (...args: never[]) => unknown>(name: string, target: T): T {
  return new Proxy(target, {
    construct(wrapped, args, newTarget) {
      made.push(name);
      return Reflect.construct(wrapped, args, newTarget);
    },
  });
}

function watchFunction<T extends (...args: never[]) => unknown>(name: string, target: T): T {
  return new Proxy(target, {
    apply(fn, self, args) {
      made.push(name);
      return Reflect.apply(fn, self, args);
    },
  });
}

const webAssembly = WebAssembly as unknown as Record<string, unknown>;
webAssembly.Module = watchConstructor("WebAssembly.Module", original.Module);
webAssembly.Instance = watchConstructor("WebAssembly.Instance", original.Instance);
webAssembly.instantiate = watchFunction("WebAssembly.instantiate", original.instantiate);
webAssembly.compile = watchFunction("WebAssembly.compile", original.compile);
afterAll(() => Object.assign(webAssembly, original));

describe('useKernels("js")', () => {
  it("creates, compiles and runs no WebAssembly for any kernel, and says so", async () => {
    const tensorApi = await import("../index.js");
    const kernelApi = await import("./index.js");
    tensorApi.useKernels("js");
    expect(tensorApi.kernelInfo().name).toBe("js");

    const length = 256 * 512; // ≥ 100k elements: every wasm threshold is passed
    const values = (seed: number) => Float32Array.from({ length }, (_, i) => Math.sin(i * 0.37 + seed));
    const a = tensorApi.tensor(values(1), [256, 512]);
    const b = tensorApi.tensor(values(2), [256, 512]);
    const row = tensorApi.tensor(values(3).subarray(0, 512), [512]);
    for (const op of [tensorApi.add, tensorApi.sub, tensorApi.mul, tensorApi.div]) {
      const same = op(a, b);
      const broadcast = op(a, row);
      const scalar = op(a, 0.5);
      expect([same.data.length, broadcast.data.length, scalar.data.length]).toEqual([length, length, length]);
    }
    expect(tensorApi.add(a, b).data[7]).toBe(Math.fround(a.data[7]! + b.data[7]!));
    for (const op of [tensorApi.relu, tensorApi.neg, tensorApi.abs, tensorApi.sqrt]) {
      expect(op(a).data.length).toBe(length);
    }
    expect(made).toEqual([]); // element-wise ops
    const square = tensorApi.tensor(values(4).subarray(0, 256 * 256), [256, 256]);
    expect(tensorApi.matmul(square, square).shape).toEqual([256, 256]);

    const gradient = values(5);
    const output = tensorApi.relu(a).data as Float32Array;
    const result = new Float32Array(length);
    kernelApi.reluGradient(gradient, output, result, new Float32Array(512), 512);
    expect(result[3]).toBe(output[3]! > 0 ? gradient[3] : 0 * gradient[3]!);
    const next = new Float32Array(length);
    expect(kernelApi.scaledAddFloat32(next, values(6), values(7), -0.1)).toBe(true);
    const dense = new Float32Array(256 * 256);
    kernelApi
      .getKernels()
      .denseForward(false, false, 256, 256, 256, square.data, square.data, null, "relu", dense);
    expect(dense.every((value) => value >= 0)).toBe(true);
    const images = tensorApi.tensor(values(8).subarray(0, 8 * 16 * 16 * 32), [8, 16, 16, 32]);
    const window = tensorApi.windowGeometry("test", images.shape, [3, 3], [1, 1], "same");
    const columns = tensorApi.imageToColumns(images, window);
    expect(tensorApi.columnsToImage(columns, window).shape).toEqual(images.shape);
    const kernel = tensorApi.tensor(values(9).subarray(0, 3 * 3 * 32 * 16), [3, 3, 32, 16]);
    const convolved = tensorApi.convolution2d(images, kernel, { padding: "same", activation: "relu" });
    const convolutionGradients = tensorApi.convolution2dBackward({
      input: images,
      weights: kernel,
      output: convolved,
      cotangent: convolved,
      padding: "same",
      activation: "relu",
      bias: false,
      inputGradient: true,
    });
    expect(convolutionGradients.weights.shape).toEqual(kernel.shape);
    expect(convolutionGradients.input!.shape).toEqual(images.shape);
    const poolWindow = tensorApi.windowGeometry("test", images.shape, [2, 2], [2, 2], "valid");
    const pooled = tensorApi.maxPool(images, poolWindow);
    expect(tensorApi.maxPoolBackward(pooled.output, pooled.argmax, poolWindow).shape).toEqual(images.shape);
    const averaged = tensorApi.averagePool(images, window);
    expect(tensorApi.averagePoolBackward(averaged, window).shape).toEqual(images.shape);

    expect(made).toEqual([]);
    expect(tensorApi.kernelInfo().name).toBe("js");
  });
});
