import { relu } from "@descent/activations";
import { checkGradient, mul, sum, type Traced, valueAndGrad } from "@descent/autodiff";
import type { FloatDType, ParamTree, Tensor as TensorLike } from "@descent/spec";
import { createRandom, Tensor, uniform } from "@descent/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activation } from "./activation.js";
import { dense } from "./dense.js";
import { layerFromConfig } from "./registry.js";
import { type Model, sequential } from "./sequential.js";
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

/** A user's activation named "relu" that computes relu exactly: still never fused (nothing is probed). */
const lookalike = {
  name: "relu",
  value: (x: number) => Math.max(x, 0),
  derivative: (x: number) => (x > 0 ? 1 : 0),
  forward: (input: Float32Array | Float64Array, output: Float32Array | Float64Array) => {
    for (let i = 0; i < input.length; i++) output[i] = Math.max(input[i]!, 0);
  },
  backward: (
    input: Float32Array | Float64Array,
    _output: Float32Array | Float64Array,
    gradientOutput: Float32Array | Float64Array,
    gradientInput: Float32Array | Float64Array,
  ) => {
    for (let i = 0; i < input.length; i++) gradientInput[i] = input[i]! > 0 ? gradientOutput[i]! : 0;
  },
};

/** The op names along the graph of a traced pass, from the input side, following first inputs. */
function opsOf(apply: (params: ParamTree) => Traced, params: ParamTree): string[] {
  let output: Traced | undefined;
  valueAndGrad((p: ParamTree) => {
    output = apply(p);
    return sum(output);
  })(params);
  const ops: string[] = [];
  for (let node = output; node?.inputs?.length; node = node.inputs[0] as Traced) ops.push(node.op);
  return ops.reverse();
}

describe("dense with a declared relu, and sequential's explicit rewrite", () => {
  it("declares fusable the built-in relu by name or by its own declaration, never by what a function computes", () => {
    expect(activation("relu").fusable).toBe("relu");
    expect(sequential([dense(2, 3), "relu"]).layers[1]!.fusable).toBe("relu");
    expect(relu().fusable).toBe("relu");
    expect(activation(relu()).fusable).toBe("relu");
    expect(activation(relu({ subgradientAtZero: 0 })).fusable).toBe("relu");
    expect(relu({ subgradientAtZero: 0.5 }).fusable).toBeUndefined();
    expect(activation(relu({ subgradientAtZero: 0.5 })).fusable).toBeUndefined();
    expect(activation("tanh").fusable).toBeUndefined();
    expect(activation(lookalike as never).fusable).toBeUndefined();
    expect(activation({ ...lookalike, fusable: "other" } as never).fusable).toBeUndefined();
    expect(dense(2, 3).fusedWithRelu).toBeTypeOf("function");
    expect(dense(2, 3, { activation: "relu" }).fusedWithRelu).toBeUndefined();
    expect(activation("relu").fusedWithRelu).toBeUndefined();
  });

  it("records dense's activation in its config only when set, and rebuilds it from there", () => {
    expect(dense(2, 3).config).toEqual({
      type: "dense",
      name: undefined,
      inputSize: 2,
      outputSize: 3,
      useBias: true,
    });
    const layer = dense(2, 3, { activation: "relu", name: "hidden" });
    expect(layer.config).toEqual({
      type: "dense",
      name: "hidden",
      inputSize: 2,
      outputSize: 3,
      useBias: true,
      activation: "relu",
    });
    expect(layerFromConfig(layer.config).config).toEqual(layer.config);
    const x = randomTensor([4, 2], 3, "float32");
    const params = layer.init(createRandom(1));
    expect(opsOf((p) => layerFromConfig(layer.config).apply(p, x), params)).toEqual(["denseRelu"]);
    expect(Array.from(layer.apply(params, x).value.data).every((value) => value >= 0)).toBe(true);
    expect(() => dense(2, 3, { activation: "gelu" as never })).toThrow(/options.activation is "gelu"/);
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
          const reluLayer = activation(relu());
          const params = layer.init(createRandom(seed), dtype);
          const make = grid ? gridTensor : randomTensor;
          const x = make([rows, inputSize], seed + 1, dtype);
          if (grid) {
            (params.weights as Tensor).data.set(make([inputSize, outputSize], seed + 2, dtype).data);
          }
          if (poison) x.data[(seed >>> 3) % x.data.length] = Number.NaN;
          const upstream = randomTensor([rows, outputSize], seed + 3, dtype);
          const fused = dense(inputSize, outputSize, { useBias, activation: "relu" });
          const unfused = (p: ParamTree, input: Tensor | Traced) =>
            reluLayer.apply({}, layer.apply(p, input));
          const fusedApply = (p: ParamTree, input: Tensor | Traced) => fused.apply(p, input);
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
    const fused = layer.fusedWithRelu!();
    expectOk(checkGradient((inputs) => fused.apply(inputs.params, inputs.x), { params, x }));
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

  it("records the rewrite in model.config without changing names, paramsOf or the parameter tree", () => {
    const hidden = dense(3, 8);
    const model = sequential([hidden, "relu", dense(8, 8), activation("relu"), dense(8, 2), "relu"]);
    expect(model.config.fusions).toEqual([
      { layers: ["dense_1", "activation_1"], into: "dense+relu" },
      { layers: ["dense_2", "activation_2"], into: "dense+relu" },
      { layers: ["dense_3", "activation_3"], into: "dense+relu" },
    ]);
    expect(model.layerNames).toEqual([
      "dense_1",
      "activation_1",
      "dense_2",
      "activation_2",
      "dense_3",
      "activation_3",
    ]);
    const params = model.init(1);
    expect(Object.keys(params)).toEqual(["dense_1", "dense_2", "dense_3"]);
    expect(model.paramsOf(params, hidden)).toBe(params.dense_1);
    expect(opsOf((p) => model.apply(p, randomTensor([2, 3], 2, "float32")), params)).toEqual([
      "denseRelu",
      "denseRelu",
      "denseRelu",
    ]);
  });

  it("never rewrites an undeclared activation object, not even one named relu that computes relu", () => {
    for (const fn of [relu({ subgradientAtZero: 0.5 }), lookalike as never]) {
      const model = sequential([dense(3, 4), fn, dense(4, 2)]);
      expect(model.config.fusions).toBeUndefined();
      const ops = opsOf((p) => model.apply(p, randomTensor([2, 3], 1, "float32")), model.init(0));
      expect(ops).toEqual(["dense", "relu", "dense"]);
    }
  });

  it("rewrites [dense, relu()] from relu()'s declaration, recorded in the config", () => {
    const model = sequential([dense(3, 4), relu(), dense(4, 2)]);
    expect(model.config.fusions).toEqual([{ layers: ["dense_1", "activation_1"], into: "dense+relu" }]);
    const ops = opsOf((p) => model.apply(p, randomTensor([2, 3], 1, "float32")), model.init(0));
    expect(ops).toEqual(["denseRelu", "dense"]);
  });

  it("round-trips through its config: a rebuilt model fuses exactly the recorded pairs, same bits", () => {
    const x = randomTensor([5, 3], 4, "float32");
    const outputs = (model: Model, params: ParamTree) => Array.from(model.apply(params, x).value.data);
    for (const model of [
      sequential([dense(3, 4), "relu", dense(4, 2)]),
      sequential([dense(3, 4), relu(), dense(4, 2)]),
      sequential([dense(3, 4, { activation: "relu" }), "relu"]),
    ]) {
      const params = model.init(3);
      const rebuilt = layerFromConfig(model.config) as Model;
      expect(rebuilt.config).toEqual(model.config);
      expect(opsOf((p) => rebuilt.apply(p, x), params)).toEqual(opsOf((p) => model.apply(p, x), params));
      expect(outputs(rebuilt, params)).toEqual(outputs(model, params));
    }
  });

  it("loads a config saved before fusions existed unfused, with the same bits", () => {
    const model = sequential([dense(3, 4), "relu", dense(4, 2)]);
    const { fusions, ...saved } = model.config;
    expect(fusions).toHaveLength(1);
    const rebuilt = layerFromConfig(saved as typeof model.config) as Model;
    expect(rebuilt.config).toEqual(saved);
    const params = model.init(5);
    const x = randomTensor([6, 3], 6, "float32");
    expect(opsOf((p) => rebuilt.apply(p, x), params)).toEqual(["dense", "relu", "dense"]);
    expect(Array.from(rebuilt.apply(params, x).value.data)).toEqual(
      Array.from(model.apply(params, x).value.data),
    );
  });

  it("refuses recorded fusions that do not name a dense layer followed by the built-in relu", () => {
    const base = sequential([dense(3, 4), "relu", dense(4, 2), relu({ subgradientAtZero: 0.5 })]).config;
    const withFusions = (fusions: unknown) => ({ ...base, fusions }) as typeof base;
    for (const fusions of [
      "dense_1",
      [{ layers: ["dense_2", "activation_2"], into: "dense+relu" }],
      [{ layers: ["activation_1", "dense_2"], into: "dense+relu" }],
      [{ layers: ["dense_1", "activation_1"], into: "conv+relu" }],
      [{ layers: ["dense_9", "activation_1"], into: "dense+relu" }],
      [
        { layers: ["dense_1", "activation_1"], into: "dense+relu" },
        { layers: ["dense_1", "activation_1"], into: "dense+relu" },
      ],
      [null],
    ]) {
      expect(() => layerFromConfig(withFusions(fusions)), JSON.stringify(fusions)).toThrow(/fusions/);
    }
  });

  it("writes ∂W and ∂b into ApplyOptions.allocateGradient's arrays, fused or not, with the same bits", () => {
    const x = randomTensor([32, 6], 7, "float32");
    for (const items of [
      [dense(6, 16), "relu", dense(16, 3)],
      [dense(6, 16), relu(), dense(16, 3)],
    ] as const) {
      const model = sequential(items);
      const params = model.init(8);
      const given = new Set<Float32Array | Float64Array>();
      const allocateGradient = (dtype: FloatDType, length: number) => {
        const array = dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
        given.add(array.fill(Number.NaN));
        return array;
      };
      const gradientsOf = (options: { allocateGradient?: typeof allocateGradient }) =>
        valueAndGrad((p: ParamTree) => sum(model.apply(p, x, options)))(params).gradients as ParamTree;
      const pooled = gradientsOf({ allocateGradient });
      const plain = gradientsOf({});
      for (const name of ["dense_1", "dense_2"]) {
        for (const leaf of ["weights", "bias"]) {
          const array = ((pooled[name] as ParamTree)[leaf] as TensorLike).data as Float32Array;
          expect(given.has(array)).toBe(true);
          expectSame(
            (pooled[name] as ParamTree)[leaf] as TensorLike,
            (plain[name] as ParamTree)[leaf] as TensorLike,
          );
        }
      }
    }
    expect(() =>
      dense(2, 3).apply(dense(2, 3).init(createRandom(0)), x, { allocateGradient: 1 as never }),
    ).toThrow(/allocateGradient is 1: pass a function/);
  });
});
