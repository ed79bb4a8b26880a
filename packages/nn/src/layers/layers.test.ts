import { type ActivationName, leakyRelu, relu } from "@descent/activations";
import { checkGradient, sum, type Traced, valueAndGrad } from "@descent/autodiff";
import type { ParamTree } from "@descent/spec";
import { createRandom, Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { activation, batchNorm, dense, dropout, flatten, layerNorm, sequential, softmax } from "./index.js";
import { closeTo, randomTensor, t64, testTanh } from "./test-helpers.js";

const expectOk = (check: { ok: boolean; message: string }) => expect(check.ok, check.message).toBe(true);

describe("dense", () => {
  const layer = dense(4, 3);
  const params = layer.init(createRandom(3), "float64");

  it("computes x·W + b with weights [in, out] and bias [out]", () => {
    const weights = t64([1, 2, 3, 4, 5, 6], [2, 3]);
    const bias = t64([0.5, -1, 2]);
    const y = dense(2, 3).apply({ weights, bias }, t64([1, 1, 2, -1], [2, 2]));
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(y.value.data)).toEqual([5.5, 6, 11, -1.5, -2, 2]);
  });

  it("initializes Glorot-uniform weights and zero bias, deterministically", () => {
    expect(params.weights!.shape).toEqual([4, 3]);
    expect(Array.from((params.bias as Tensor).data)).toEqual([0, 0, 0]);
    const again = layer.init(createRandom(3), "float64");
    expect(Array.from((again.weights as Tensor).data)).toEqual(Array.from((params.weights as Tensor).data));
    const bound = Math.sqrt(6 / 7);
    for (const w of (params.weights as Tensor).data) expect(Math.abs(w)).toBeLessThan(bound);
  });

  it("has correct gradients for weights, bias and input (float64 finite differences)", () => {
    const x = randomTensor([5, 4]);
    expectOk(checkGradient((inputs) => layer.apply(inputs.params, inputs.x), { params, x }));
  });

  it("gives the same parameter gradients when the input needs no gradient", () => {
    const x = randomTensor([5, 4]);
    const loss = (p: ParamTree, input: Tensor | Traced) => sum(layer.apply(p, input));
    const constantInput = valueAndGrad((p: ParamTree) => loss(p, x))(params).gradients as Record<
      string,
      Tensor
    >;
    const tracedInput = valueAndGrad((p: ParamTree, input: Traced) => loss(p, input), { argnums: [0, 1] })(
      params,
      x,
    ).gradients as unknown as [Record<string, Tensor>, Tensor];
    expect(Array.from(constantInput.weights!.data)).toEqual(Array.from(tracedInput[0].weights!.data));
    expect(Array.from(constantInput.bias!.data)).toEqual(Array.from(tracedInput[0].bias!.data));
  });

  it("applies to the last axis of rank-3 inputs and supports no bias", () => {
    const noBias = dense(4, 2, { useBias: false });
    const p = noBias.init(createRandom(1), "float64");
    expect(Object.keys(p)).toEqual(["weights"]);
    expect(noBias.apply(p, randomTensor([2, 3, 4])).shape).toEqual([2, 3, 2]);
    expectOk(checkGradient((inputs) => noBias.apply(inputs.p, inputs.x), { p, x: randomTensor([2, 3, 4]) }));
  });

  it("rejects inputs of the wrong width with a ShapeError naming both", () => {
    expect(() => layer.apply(params, randomTensor([5, 7]))).toThrow(
      /dense: input \[5,7\] does not fit: expected \[batch, …, 4\]/,
    );
    expect(() => dense(0, 3)).toThrow(/inputSize is 0/);
  });
});

describe("activation layers", () => {
  it("applies any Activation with its own backward", () => {
    const layer = activation(testTanh);
    const x = randomTensor([3, 4]);
    expect(closeTo(layer.apply({}, x).value, Array.from(x.data, Math.tanh))).toBe(true);
    expectOk(checkGradient((input) => layer.apply({}, input), x));
    expect(layer.config).toEqual({
      type: "activation",
      name: undefined,
      activation: { name: "testTanh", options: {} },
    });
  });

  it("uses the activation's subgradient policy at the kink (relu'(0))", () => {
    const x = t64([-1, 0, 2]);
    const gradientWith = (layer: ReturnType<typeof activation>) =>
      Array.from((valueAndGrad((input: Traced) => sum(layer.apply({}, input)))(x).gradients as Tensor).data);
    expect(gradientWith(activation(relu()))).toEqual([0, 0, 1]);
    expect(gradientWith(activation(relu({ subgradientAtZero: 0.5 })))).toEqual([0, 0.5, 1]);
    expect(gradientWith(activation("relu"))).toEqual([0, 0, 1]);
    expect(activation(leakyRelu({ alpha: 0.2 })).config.activation).toEqual({
      name: "leakyRelu",
      options: { alpha: 0.2, subgradientAtZero: 0.2 },
    });
  });

  it("accepts registry activations and names directly in sequential", () => {
    const model = sequential([dense(3, 4), relu(), dense(4, 2), "tanh"]);
    expect(model.layerNames).toEqual(["dense_1", "activation_1", "dense_2", "activation_2"]);
    const params = model.init(createRandom(0), "float64");
    expectOk(checkGradient((p) => model.apply(p, randomTensor([2, 3])), params));
    // A name from JavaScript or cast from a file is still checked at run time.
    expect(() => activation("nope" as ActivationName)).toThrow(/unknown activation "nope"/);
  });

  it("softmax rows sum to 1 and have correct gradients", () => {
    const x = randomTensor([3, 5]);
    const y = softmax().apply({}, x).value;
    for (let r = 0; r < 3; r++) {
      let total = 0;
      for (let c = 0; c < 5; c++) total += y.data[r * 5 + c]!;
      expect(total).toBeCloseTo(1, 14);
    }
    expectOk(checkGradient((input) => softmax().apply({}, input), x));
    const huge = softmax().apply({}, t64([1000, 1000], [1, 2])).value;
    expect(Array.from(huge.data)).toEqual([0.5, 0.5]);
  });
});

describe("dropout", () => {
  it("is the identity in inference mode, gradient included", () => {
    const x = randomTensor([4, 5]);
    expect(Array.from(dropout(0.5).apply({}, x).value.data)).toEqual(Array.from(x.data));
    const gradient = valueAndGrad((input: Traced) => sum(dropout(0.5).apply({}, input)))(x)
      .gradients as Tensor;
    expect(Array.from(gradient.data)).toEqual(new Array(20).fill(1));
  });

  it("drops about `rate` of the elements and scales survivors by 1/(1 − rate), reproducibly", () => {
    const x = new Tensor(new Float64Array(10000).fill(1), [100, 100]);
    const layer = dropout(0.25);
    const y = layer.apply({}, x, { training: true, random: createRandom(5) }).value;
    const kept = Array.from(y.data).filter((value) => value !== 0);
    expect(kept.length / 10000).toBeCloseTo(0.75, 1);
    expect(kept.every((value) => Math.abs(value - 1 / 0.75) < 1e-12)).toBe(true);
    const again = layer.apply({}, x, { training: true, random: createRandom(5) }).value;
    expect(Array.from(again.data)).toEqual(Array.from(y.data));
  });

  it("backpropagates through the same mask", () => {
    const x = randomTensor([3, 4]);
    const mask = dropout(0.5).apply({}, new Tensor(new Float64Array(12).fill(1), [3, 4]), {
      training: true,
      random: createRandom(9),
    }).value;
    const gradient = valueAndGrad((input: Traced) =>
      sum(dropout(0.5).apply({}, input, { training: true, random: createRandom(9) })),
    )(x).gradients as Tensor;
    expect(Array.from(gradient.data)).toEqual(Array.from(mask.data));
  });

  it("has correct gradients in training mode (float64 finite differences, mask fixed by the seed)", () => {
    const layer = dropout(0.4);
    const train = (input: Traced | Tensor) =>
      layer.apply({}, input, { training: true, random: createRandom(3) });
    const x = randomTensor([3, 4], 2);
    // The check is not vacuous: some elements are dropped, the others scaled by 1 / 0.6.
    const y = Array.from(train(x).value.data);
    expect(y.filter((value) => value === 0).length).toBeGreaterThan(0);
    expect(y.every((value, i) => value === 0 || Math.abs(value - x.data[i]! / 0.6) < 1e-12)).toBe(true);
    expectOk(checkGradient((input) => train(input), x));
  });

  it("asks for a generator in training mode", () => {
    expect(() => dropout(0.5).apply({}, randomTensor([2, 2]), { training: true })).toThrow(
      /needs options.random/,
    );
    expect(() => dropout(1)).toThrow(/rate is 1/);
  });
});

describe("batchNorm", () => {
  const layer = batchNorm(3);
  const params = { gamma: t64([1.5, 0.5, -1]), beta: t64([0.1, 0.2, 0.3]) };

  it("normalizes each feature with batch statistics in training mode", () => {
    const x = t64([1, 10, 0, 3, 20, 0, 5, 30, 6], [3, 3]);
    const y = layer.apply({ gamma: t64([1, 1, 1]), beta: t64([0, 0, 0]) }, x, { training: true }).value;
    // Feature 0: mean 3, biased variance 8/3 → (1 − 3)/√(8/3 + 1e-5) ≈ −1.2247.
    expect(y.data[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3 + 1e-5), 12);
    expect(y.data[3]).toBeCloseTo(0, 12);
  });

  it("reports running statistics (PyTorch momentum, unbiased running variance)", () => {
    const x = t64([1, 10, 0, 3, 20, 0, 5, 30, 6], [3, 3]);
    let state: ParamTree | undefined;
    layer.apply(params, x, {
      training: true,
      state: layer.initState("float64"),
      onState: (s) => (state = s),
    });
    // mean [3, 20, 2]; unbiased variance [4, 100, 12].
    expect(closeTo(state!.runningMean as Tensor, [0.3, 2, 0.2])).toBe(true);
    expect(closeTo(state!.runningVariance as Tensor, [0.9 + 0.4, 0.9 + 10, 0.9 + 1.2])).toBe(true);
  });

  it("uses running statistics in inference mode", () => {
    const state = { runningMean: t64([1, 2, 3]), runningVariance: t64([4, 9, 16]) };
    const y = layer.apply(params, t64([3, 2, 7], [1, 3]), { state }).value;
    expect(y.data[0]).toBeCloseTo((1.5 * 2) / Math.sqrt(4 + 1e-5) + 0.1, 12);
    expect(y.data[1]).toBeCloseTo(0.2, 12);
    expect(y.data[2]).toBeCloseTo((-1 * 4) / Math.sqrt(16 + 1e-5) + 0.3, 12);
    expect(() => layer.apply(params, t64([3, 2, 7], [1, 3]))).toThrow(/needs the running statistics/);
  });

  it("has correct gradients in both modes, and on NHWC images", () => {
    const x = randomTensor([6, 3]);
    expectOk(checkGradient((i) => layer.apply(i.params, i.x, { training: true }), { params, x }));
    const state = { runningMean: t64([0.1, 0.2, 0.3]), runningVariance: t64([1, 2, 3]) };
    expectOk(checkGradient((i) => layer.apply(i.params, i.x, { state }), { params, x }));
    expectOk(
      checkGradient((i) => layer.apply(i.params, i.x, { training: true }), {
        params,
        x: randomTensor([2, 2, 2, 3]),
      }),
    );
  });
});

describe("layerNorm", () => {
  it("normalizes each sample over its features and has correct gradients", () => {
    const layer = layerNorm(4);
    const params = layer.init(createRandom(0), "float64");
    const y = layer.apply(params, t64([1, 2, 3, 4], [1, 4])).value;
    const std = Math.sqrt(1.25 + 1e-5);
    expect(closeTo(y, [-1.5 / std, -0.5 / std, 0.5 / std, 1.5 / std])).toBe(true);
    const gamma = t64([1, 2, 0.5, -1]);
    const beta = t64([0, 0.1, 0.2, 0.3]);
    expectOk(
      checkGradient((i) => layer.apply({ gamma: i.gamma, beta: i.beta }, i.x), {
        gamma,
        beta,
        x: randomTensor([3, 4]),
      }),
    );
  });
});

describe("flatten and sequential", () => {
  it("flattens all axes after the batch", () => {
    expect(flatten().apply({}, randomTensor([2, 3, 4, 5])).shape).toEqual([2, 60]);
    expect(flatten().outputShape([3, 4, 5])).toEqual([60]);
    expectOk(checkGradient((x) => flatten().apply({}, x), randomTensor([2, 3, 2])));
  });

  it("names parameters per type, skips layers without parameters, and is deterministic", () => {
    const model = sequential([
      dense(4, 8),
      activation(testTanh),
      dense(8, 8),
      batchNorm(8),
      dense(8, 2, { name: "head" }),
    ]);
    expect(model.layerNames).toEqual(["dense_1", "activation_1", "dense_2", "batchNorm_1", "head"]);
    const params = model.init(42);
    expect(Object.keys(params)).toEqual(["dense_1", "dense_2", "batchNorm_1", "head"]);
    expect(Object.keys(model.initState())).toEqual(["batchNorm_1"]);
    expect(Array.from((model.init(42).dense_2 as ParamTree).weights!.data as Float32Array)).toEqual(
      Array.from((params.dense_2 as ParamTree).weights!.data as Float32Array),
    );
    expect(model.outputShape([4])).toEqual([2]);
    expect(model.summary([4])).toContain("total parameters: 146");
  });

  it("threads state through training passes and has correct end-to-end gradients", () => {
    const model = sequential([dense(3, 5), activation(testTanh), batchNorm(5), dense(5, 2)]);
    const params = model.init(createRandom(1), "float64");
    const x = randomTensor([4, 3]);
    const { output, state } = model.applyWithState(params, x, {
      training: true,
      state: model.initState("float64"),
    });
    expect(output.shape).toEqual([4, 2]);
    expect(((state.batchNorm_1 as ParamTree).runningMean as Tensor).data.some((v) => v !== 0)).toBe(true);
    expectOk(checkGradient((p) => model.apply(p, x, { training: true }), params));
  });

  it("rejects duplicate names and missing parameters", () => {
    expect(() => sequential([dense(2, 2, { name: "a" }), dense(2, 2, { name: "a" })])).toThrow(
      /two layers are named "a"/,
    );
    const model = sequential([dense(2, 2)]);
    expect(() => model.apply({}, randomTensor([1, 2]))).toThrow(/parameters have no entry "dense_1"/);
  });
});
