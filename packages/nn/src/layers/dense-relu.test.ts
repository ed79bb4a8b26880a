import { relu } from "@descent/activations";
import { checkGradient, mul, sum, type Traced, valueAndGrad } from "@descent/autodiff";
import type { FloatDType, ParamTree, Tensor as TensorLike } from "@descent/spec";
import { createRandom, Tensor, uniform } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activation, isDefaultReluLayer } from "./activation.js";
import { dense, denseReluOf } from "./dense.js";
import { sequential } from "./sequential.js";
import type { Layer } from "./types.js";

const expectOk = (check: { ok: boolean; message: string }) => expect(check.ok, check.message).toBe(true);

/** Values on a grid of quarters (exact in float32), so some pre-activations land exactly on 0. */
function gridTensor(shape: number[], seed: number, dtype: FloatDType): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = ((state >>> 0) % 9) / 4 - 1;
  }
  return new Tensor(data, shape);
}

function randomTensor(shape: number[], seed: number, dtype: FloatDType): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
  data.set(uniform(createRandom(seed), [size], { low: -1, high: 1, dtype: "float64" }).data);
  return new Tensor(data, shape);
}

function expectSame(actual: TensorLike, expected: TensorLike): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.data;
  const e = expected.data;
  for (let i = 0; i < e.length; i++) {
    if (!Object.is(a[i], e[i])) expect.fail(`element ${i}: fused ${a[i]} ≠ unfused ${e[i]}`);
  }
}

describe("dense followed by relu (fused)", () => {
  it("is recognized only for a default relu", () => {
    expect(isDefaultReluLayer(activation("relu"))).toBe(true);
    expect(isDefaultReluLayer(activation(relu()))).toBe(true);
    expect(isDefaultReluLayer(activation(relu({ subgradientAtZero: 0.5 })))).toBe(false);
    expect(isDefaultReluLayer(activation("tanh"))).toBe(false);
    const impostor = {
      name: "relu",
      value: (x: number) => Math.max(x, 0) * 2,
      derivative: (x: number) => (x > 0 ? 2 : 0),
      forward: (input: Float32Array | Float64Array, output: Float32Array | Float64Array) => {
        for (let i = 0; i < input.length; i++) output[i] = Math.max(input[i]!, 0) * 2;
      },
      backward: () => {},
    };
    expect(isDefaultReluLayer(activation(impostor as never))).toBe(false);
    expect(denseReluOf(activation("relu"))).toBeUndefined();
    expect(denseReluOf(dense(2, 3))).toBeTypeOf("function");
  });

  it("gives the outputs and gradients of dense then relu, bit for bit (random shapes, zeros, NaN)", () => {
    fc.assert(
      fc.property(
        fc.record({
          rows: fc.integer({ min: 1, max: 20 }),
          inputSize: fc.integer({ min: 1, max: 40 }),
          outputSize: fc.integer({ min: 1, max: 40 }),
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
          dtype: fc.constantFrom<FloatDType>("float32", "float64"),
          useBias: fc.boolean(),
          grid: fc.boolean(),
          poison: fc.boolean(),
          trackedInput: fc.boolean(),
        }),
        ({ rows, inputSize, outputSize, seed, dtype, useBias, grid, poison, trackedInput }) => {
          const layer = dense(inputSize, outputSize, { useBias });
          const reluLayer = activation("relu");
          const params = layer.init(createRandom(seed), dtype);
          const make = grid ? gridTensor : randomTensor;
          const x = make([rows, inputSize], seed + 1, dtype);
          if (grid) {
            (params.weights as Tensor).data.set(make([inputSize, outputSize], seed + 2, dtype).data);
          }
          if (poison) x.data[(seed >>> 3) % x.data.length] = Number.NaN;
          const upstream = randomTensor([rows, outputSize], seed + 3, dtype);
          const fused = denseReluOf(layer)!;
          const unfused = (p: ParamTree, input: Tensor | Traced) =>
            reluLayer.apply({}, layer.apply(p, input));
          const fusedApply = (p: ParamTree, input: Tensor | Traced) => fused(p, input);
          expectSame(fusedApply(params, x).value, unfused(params, x).value);
          // sum(y ⊙ upstream): the cotangent reaching the layer is `upstream`, so every element counts.
          const objective = (apply: (p: ParamTree, input: Tensor | Traced) => Traced) =>
            valueAndGrad((p: ParamTree, input: Tensor | Traced) => sum(mul(apply(p, input), upstream)), {
              argnums: trackedInput ? [0, 1] : 0,
            })(params, x);
          const a = objective(fusedApply);
          const b = objective(unfused);
          const gradientsOf = (result: { gradients: unknown }) =>
            trackedInput ? (result.gradients as [ParamTree, Tensor]) : [result.gradients as ParamTree];
          const [fusedParams, fusedInput] = gradientsOf(a);
          const [plainParams, plainInput] = gradientsOf(b);
          expectSame(fusedParams!.weights as TensorLike, plainParams!.weights as TensorLike);
          if (useBias) expectSame(fusedParams!.bias as TensorLike, plainParams!.bias as TensorLike);
          if (trackedInput) expectSame(fusedInput as TensorLike, plainInput as TensorLike);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("has correct gradients (float64 finite differences, away from the kink)", () => {
    const layer = dense(5, 4);
    const params = layer.init(createRandom(7), "float64");
    (params.bias as Tensor).data.set([0.3, -0.4, 0.5, 0.2]);
    const x = randomTensor([6, 5], 8, "float64");
    const fused = denseReluOf(layer)!;
    expectOk(checkGradient((inputs) => fused(inputs.params, inputs.x), { params, x }));
  });

  it("runs inside sequential: same value and gradients as its layers applied one by one", () => {
    // 40 × 64 hidden values: large enough for the WebAssembly kernels of the fused forward and backward.
    const model = sequential([dense(6, 64), "relu", dense(64, 3)]);
    const params = model.init(4);
    const x = randomTensor([40, 6], 9, "float32");
    const [first, reluLayer, last] = model.layers as [Layer, Layer, Layer];
    const oneByOne = (p: ParamTree) =>
      last.apply(p.dense_2 as ParamTree, reluLayer.apply({}, first.apply(p.dense_1 as ParamTree, x)));
    let output: Traced | undefined;
    const a = valueAndGrad((p: ParamTree) => {
      output = model.apply(p, x);
      return sum(output);
    })(params);
    const b = valueAndGrad((p: ParamTree) => sum(oneByOne(p)))(params);
    expect((a.value as unknown as TensorLike).data[0]).toBe((b.value as unknown as TensorLike).data[0]);
    const leaves = (tree: ParamTree) =>
      ["dense_1", "dense_2"].flatMap((name) =>
        ["weights", "bias"].map((leaf) => Array.from(((tree[name] as ParamTree)[leaf] as TensorLike).data)),
      );
    expect(leaves(a.gradients as ParamTree)).toEqual(leaves(b.gradients as ParamTree));
    // The graph holds the fused node: dense_2 reads the output of "denseRelu".
    expect((output!.inputs![0] as Traced).op).toBe("denseRelu");
  });
});
