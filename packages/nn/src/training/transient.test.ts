/**
 * Why this exists: `fit` hands its layers step-long arrays (`ApplyOptions.allocateTransient`) and gives them
 * out again at the next step with the previous step's values still in them. A layer that read such an
 * array before writing every element, or a model output that came from one, would change the numbers:
 * these tests compare against training that makes every array new, and look at which arrays leave the model.
 */
import { valueAndGrad } from "@descent/autodiff";
import { adam, applyUpdates } from "@descent/optimizers";
import type { FloatDType, ParamTree } from "@descent/spec";
import { allocate, createRandom, Tensor, treeFlatten, uniform, useKernels } from "@descent/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { conv2d, dense, flatten, maxPool2d, sequential } from "../layers/index.js";
import { softmaxCrossEntropyFromLogits } from "../losses/index.js";
import { fit } from "./fit.js";
import { TransientArrays } from "./steps/transient-arrays.js";

/**
 * conv (relu fused) → pool → conv → pool → dense, "same" padding on the second pair; at batch 8 the first
 * pool, the second relu backward and the second convolution's ∂x are past the module's thresholds, so with
 * resident arrays they run in place.
 */
const makeCnn = () =>
  sequential([
    conv2d(2, 4, 3),
    "relu",
    maxPool2d(2),
    conv2d(4, 8, 3, { padding: "same" }),
    "relu",
    maxPool2d(2, { padding: "same" }),
    flatten(),
    dense(4 * 4 * 8, 8),
    "relu",
    dense(8, 3),
  ]);

function images(count: number, seed: number) {
  const random = createRandom(seed);
  const inputs = uniform(random, [count, 18, 18, 2], { low: -1, high: 1 });
  const targets = new Float32Array(count * 3);
  for (let row = 0; row < count; row++) targets[row * 3 + (row % 3)] = 1;
  return { inputs, targets: new Tensor(targets, [count, 3]) };
}

const bits = (params: ParamTree) =>
  treeFlatten(params).leaves.map((tensor) =>
    Array.from(new Uint32Array(Float32Array.from(tensor.data).buffer)),
  );

/** The same training without `fit`: every array new, batches in order, Adam's plain update. */
function trainByHand(params: ParamTree, data: ReturnType<typeof images>, batchSize: number, epochs: number) {
  const model = makeCnn();
  const optimizer = adam({ learningRate: 0.01 });
  let state = optimizer.init(params);
  const random = createRandom(7);
  const loss = valueAndGrad((p: ParamTree, x: Tensor, y: Tensor) =>
    softmaxCrossEntropyFromLogits(model.apply(p, x, { training: true, random }), y),
  );
  const rows = data.inputs.shape[0]!;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let start = 0; start < rows; start += batchSize) {
      const pixels = 18 * 18 * 2;
      const x = new Tensor(
        data.inputs.data.slice(start * pixels, (start + batchSize) * pixels) as Float32Array,
        [batchSize, 18, 18, 2],
      );
      const y = new Tensor(data.targets.data.slice(start * 3, (start + batchSize) * 3) as Float32Array, [
        batchSize,
        3,
      ]);
      const { gradients } = loss(params, x, y);
      const result = optimizer.update(gradients as ParamTree, state, params);
      state = result.state;
      params = applyUpdates(params, result.updates);
    }
  }
  return params;
}

describe.each(["js", "wasm-simd"] as const)("fit's transient arrays (%s kernels)", (kernels) => {
  afterAll(() => useKernels("wasm-simd"));

  it("trains a CNN to the same bits as training with new arrays everywhere", async () => {
    useKernels(kernels);
    const data = images(24, 3);
    const initial = makeCnn().init(5);
    const result = fit(makeCnn(), initial, data, {
      optimizer: adam({ learningRate: 0.01 }),
      loss: "softmaxCrossEntropyFromLogits",
      mode: "mini-batch",
      batchSize: 8,
      shuffle: false,
      epochs: 2,
      seed: 7,
    });
    expect(result.step).toBe(6);
    expect(bits(result.params)).toEqual(bits(trainByHand(initial, data, 8, 2)));
  });
});

describe("TransientArrays", () => {
  it("hands an array out again only after recycle, with its old contents", () => {
    const transient = new TransientArrays(null);
    const first = transient.allocate("float32", 16).fill(5);
    const second = transient.allocate("float32", 16);
    expect(second).not.toBe(first);
    transient.recycle();
    const again = [transient.allocate("float32", 16), transient.allocate("float32", 16)];
    expect(again).toContain(first);
    expect(again).toContain(second);
    expect(first[0]).toBe(5);
    expect(transient.allocate("float64", 16)).toBeInstanceOf(Float64Array);
  });
});

describe("sequential with allocateTransient", () => {
  it("gives the model's output a new array and every earlier layer's output a transient one", () => {
    const model = makeCnn();
    const params = model.init(1);
    const handedOut = new Set<ArrayBufferLike>();
    // Garbage in every array handed out: a layer that reads before writing shows in the output.
    const allocateTransient = (dtype: FloatDType, length: number) => {
      const array = allocate(dtype, length).fill(Number.NaN);
      handedOut.add(array.buffer);
      return array;
    };
    const x = images(4, 9).inputs;
    const output = model.apply(params, x, { training: true, allocateTransient });
    const plain = model.apply(params, x, { training: true });
    expect(handedOut.size).toBeGreaterThan(0);
    expect(handedOut.has(output.value.data.buffer)).toBe(false);
    expect(Array.from(output.value.data)).toEqual(Array.from(plain.value.data));
  });
});
