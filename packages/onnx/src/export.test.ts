import { mkdirSync, writeFileSync } from "node:fs";
import { activations, defineActivation } from "@descent/activations";
import {
  activation,
  avgPool2d,
  batchNorm,
  conv2d,
  dense,
  dropout,
  flatten,
  globalAveragePool2d,
  type Layer,
  layerNorm,
  type Model,
  maxPool2d,
  predict,
  sequential,
  softmax,
} from "@descent/nn";
import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { Tensor, ValueError } from "@descent/tensor";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, test } from "vitest";
import { exportableActivations, exportOnnx, UnsupportedLayerError } from "./index.js";
import { onnxType } from "./schema.js";

const TOLERANCE = 1e-5;
const BATCH = 6;

/** Seeded uniform numbers in [low, high) (mulberry32), so every run draws the same inputs. */
function uniform(seed: number, count: number, low: number, high: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = low + (high - low) * r;
  }
  return out;
}

/** The same tree with every tensor replaced by seeded random values in [low, high). */
function randomTree(tree: ParamTree, seed: number, low = -1, high = 1): ParamTree {
  const out: Record<string, ParamTree | TensorLike> = {};
  let n = 0;
  for (const [key, value] of Object.entries(tree)) {
    n++;
    if ("data" in value && "shape" in value) {
      const tensor = value as TensorLike;
      out[key] = new Tensor(uniform(seed * 131 + n, tensor.data.length, low, high), [...tensor.shape]);
    } else out[key] = randomTree(value as ParamTree, seed * 131 + n, low, high);
  }
  return out;
}

/** Batch-norm running statistics as training leaves them: means in [−1, 1), variances in [0.5, 2). */
function runningStatistics(initial: ParamTree, seed: number): ParamTree {
  return {
    runningMean: randomTree(initial, seed).runningMean!,
    runningVariance: randomTree(initial, seed + 1, 0.5, 2).runningVariance!,
  };
}

interface Row {
  readonly what: string;
  readonly ops: string;
  readonly difference: number;
}
const rows: Row[] = [];

interface CheckOptions {
  readonly inputShape: readonly number[];
  readonly params?: ParamTree;
  readonly state?: ParamTree;
  readonly opset?: number;
  readonly low?: number;
  readonly high?: number;
  /** Values placed at the start of the input (kinks, thresholds), the rest random. */
  readonly special?: readonly number[];
}

/** Exports `model`, runs it in onnxruntime and returns the largest |onnx − predict| over a random batch. */
async function check(what: string, model: Model, options: CheckOptions): Promise<number> {
  const params = options.params ?? randomTree(model.init(1), 7);
  const size = options.inputShape.reduce((product, axis) => product * axis, 1);
  const data = uniform(what.length * 977 + 3, BATCH * size, options.low ?? -4, options.high ?? 4);
  data.set((options.special ?? []).slice(0, data.length));
  const inputs = new Tensor(data, [BATCH, ...options.inputShape]);
  const expected = predict(model, params, inputs, options.state ? { state: options.state } : {});

  const bytes = exportOnnx(model, params, {
    inputShape: options.inputShape,
    ...(options.state ? { state: options.state } : {}),
    ...(options.opset ? { opset: options.opset } : {}),
  });
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({
    input: new ort.Tensor("float32", data, [BATCH, ...options.inputShape]),
  });
  const output = result.output!;
  expect(output.dims).toEqual(expected.shape);
  const actual = output.data as Float32Array;
  let difference = 0;
  for (let i = 0; i < actual.length; i++) {
    const gap = Math.abs(actual[i]! - expected.data[i]!);
    difference = Number.isNaN(gap) ? Number.POSITIVE_INFINITY : Math.max(difference, gap);
  }
  const graph = onnxType("ModelProto").decode(bytes) as unknown as {
    graph: { node: { opType: string }[] };
  };
  const ops = [...new Set(graph.graph.node.map((node) => node.opType))]
    .filter((op) => op !== "Identity" || what.includes("dropout") || what.includes("linear"))
    .join(", ");
  rows.push({ what, ops, difference });
  expect(difference).toBeLessThanOrEqual(TOLERANCE);
  return difference;
}

afterAll(() => {
  const lines = [
    "| layer / activation | ONNX op(s) | max abs difference |",
    "| --- | --- | --- |",
    ...rows.map((row) => `| ${row.what} | ${row.ops} | ${row.difference.toExponential(2)} |`),
  ];
  mkdirSync(".test-results", { recursive: true });
  writeFileSync(".test-results/onnx-comparison.md", `${lines.join("\n")}\n`);
  console.log(lines.join("\n"));
});

const KINKS = [0, -3, 3, 6, -6, 1, -1, 0.5, 20, 25, -25];

describe("exportOnnx: activations match predict in onnxruntime", () => {
  const cases: [string, string, Record<string, unknown>, number?][] = [
    ...Object.keys(activations).map((name): [string, string, Record<string, unknown>] => [name, name, {}]),
    ["leakyRelu alpha 0.2", "leakyRelu", { alpha: 0.2 }],
    ["elu alpha 0.5", "elu", { alpha: 0.5 }],
    ["celu alpha 2", "celu", { alpha: 2 }],
    ["gelu tanh", "gelu", { approximate: "tanh" }],
    ["hardTanh [-2, 0.5]", "hardTanh", { min: -2, max: 0.5 }],
    ["softplus beta 2 threshold 5", "softplus", { beta: 2, threshold: 5 }],
    ["gelu, opset 17 (Erf)", "gelu", {}, 17],
    ["gelu tanh, opset 17", "gelu", { approximate: "tanh" }, 17],
    ["mish, opset 17", "mish", {}, 17],
  ];
  test.each(cases)("%s", async (what, name, options, opset) => {
    const make = activations[name as keyof typeof activations] as (options?: object) => never;
    const model = sequential([activation(make(options))]);
    await check(what, model, {
      inputShape: [4, 5],
      special: KINKS,
      low: -8,
      high: 8,
      ...(opset ? { opset } : {}),
    });
  });

  test("every activation of @descent/activations' registry is listed as exportable", () => {
    expect(Object.keys(exportableActivations).sort()).toEqual(Object.keys(activations).sort());
  });

  test("softmax and logSoftmax along axis 1 of [batch, 3, 4]", async () => {
    await check("softmax axis 1", sequential([activation(activations.softmax({ axis: 1 }))]), {
      inputShape: [3, 4],
    });
    await check("logSoftmax axis 1", sequential([activation(activations.logSoftmax({ axis: 1 }))]), {
      inputShape: [3, 4],
    });
  });
});

describe("exportOnnx: layers match predict in onnxruntime", () => {
  test("dense", async () => {
    await check("dense", sequential([dense(5, 3)]), { inputShape: [5] });
    await check("dense, no bias", sequential([dense(5, 3, { useBias: false })]), { inputShape: [5] });
  });

  test('dense activation: "relu" and a fused [dense, "relu"] pair', async () => {
    await check('dense activation "relu"', sequential([dense(5, 4, { activation: "relu" })]), {
      inputShape: [5],
    });
    const fused = sequential([dense(5, 4), "relu", dense(4, 2)]);
    expect(fused.config.fusions).toEqual([{ layers: ["dense_1", "activation_1"], into: "dense+relu" }]);
    await check("dense + relu (fused)", fused, { inputShape: [5] });
  });

  test("conv2d (NHWC), valid and same padding, strides", async () => {
    await check("conv2d 3×3 valid", sequential([conv2d(2, 3, 3)]), { inputShape: [7, 6, 2] });
    await check(
      "conv2d 3×2 same, strides 2, no bias",
      sequential([conv2d(3, 4, [3, 2], { padding: "same", strides: 2, useBias: false })]),
      { inputShape: [7, 8, 3] },
    );
  });

  test('conv2d activation: "relu" and a fused [conv2d, "relu"] pair keep the relu', async () => {
    await check('conv2d activation "relu"', sequential([conv2d(2, 3, 3, { activation: "relu" })]), {
      inputShape: [6, 5, 2],
    });
    const fused = sequential([conv2d(2, 3, 3), "relu", flatten()]);
    expect(fused.config.fusions).toEqual([{ layers: ["conv2d_1", "activation_1"], into: "conv2d+relu" }]);
    await check("conv2d + relu (fused)", fused, { inputShape: [6, 5, 2] });
  });

  test("maxPool2d, valid and same", async () => {
    await check("maxPool2d 2", sequential([maxPool2d(2)]), { inputShape: [6, 6, 3] });
    await check("maxPool2d 3 same, strides 2", sequential([maxPool2d(3, { padding: "same", strides: 2 })]), {
      inputShape: [7, 5, 2],
    });
  });

  test("avgPool2d, valid and same (padding out of the count), strides ≠ pool size", async () => {
    await check("avgPool2d 2", sequential([avgPool2d(2)]), { inputShape: [6, 6, 3] });
    await check("avgPool2d 3 same, strides 2", sequential([avgPool2d(3, { padding: "same", strides: 2 })]), {
      inputShape: [7, 5, 2],
    });
    await check(
      "avgPool2d [2, 3] same, strides [1, 2]",
      sequential([avgPool2d([2, 3], { padding: "same", strides: [1, 2] })]),
      {
        inputShape: [5, 6, 4],
      },
    );
  });

  test("globalAveragePool2d, alone and after a convolution", async () => {
    await check("globalAveragePool2d", sequential([globalAveragePool2d()]), { inputShape: [5, 4, 3] });
    await check(
      "conv2d → globalAveragePool2d → dense",
      sequential([conv2d(2, 4, 3), globalAveragePool2d(), dense(4, 3)]),
      {
        inputShape: [6, 6, 2],
      },
    );
  });

  test("batchNorm on features, on images and on sequences, with trained-like running statistics", async () => {
    for (const [what, model, inputShape] of [
      ["batchNorm [N, C]", sequential([batchNorm(4)]), [4]],
      ["batchNorm [N, H, W, C]", sequential([batchNorm(3)]), [4, 5, 3]],
      ["batchNorm [N, T, C]", sequential([batchNorm(3)]), [5, 3]],
    ] as const) {
      // Running statistics as training leaves them: means around 0, variances around 1 (not the initial 0 and 1).
      const state = { batchNorm_1: runningStatistics(model.initState().batchNorm_1 as ParamTree, 3) };
      await check(what, model, { inputShape, state });
    }
  });

  test("layerNorm", async () => {
    await check("layerNorm", sequential([layerNorm(6)]), { inputShape: [3, 6] });
  });

  test("dropout is the identity", async () => {
    await check("dropout (inference)", sequential([dense(4, 4), dropout(0.5)]), { inputShape: [4] });
  });

  test("flatten of NHWC images, after a convolution", async () => {
    await check("flatten", sequential([flatten()]), { inputShape: [3, 4, 2] });
    await check("conv2d → flatten (order of NHWC)", sequential([conv2d(2, 3, 2), flatten()]), {
      inputShape: [4, 4, 2],
    });
  });

  test("softmax layer", async () => {
    await check("softmax layer", sequential([dense(5, 4), softmax()]), { inputShape: [5] });
  });

  test("a nested sequential", async () => {
    const inner = sequential([dense(4, 4), "tanh"], { name: "block" });
    await check("nested sequential", sequential([inner, dense(4, 2)]), { inputShape: [4] });
  });
});

describe("exportOnnx: whole models", () => {
  test("an MLP", async () => {
    const model = sequential([
      dense(8, 16),
      "relu",
      dropout(0.2),
      dense(16, 16, { activation: "relu" }),
      layerNorm(16),
      dense(16, 4),
      softmax(),
    ]);
    await check("MLP", model, { inputShape: [8] });
  });

  test("a small CNN", async () => {
    const model = sequential([
      conv2d(1, 4, 3, { padding: "same" }),
      "relu",
      maxPool2d(2),
      batchNorm(4),
      conv2d(4, 6, 3),
      activations.gelu(),
      flatten(),
      dense(24, 5),
      activations.logSoftmax(),
    ]);
    // Initialized weights (He/Glorot scale, as trained networks have), not uniform(−1, 1): outputs of a few
    // units, so float32 rounding of sums stays far below 1e-5.
    const state = { batchNorm_1: runningStatistics(model.initState().batchNorm_1 as ParamTree, 5) };
    await check("CNN", model, { inputShape: [8, 8, 1], state, params: model.init(1) });
  });
});

describe("exportOnnx: options", () => {
  test("batchSize, inputName and outputName shape the graph's signature; opset and IR version are written", async () => {
    const model = sequential([dense(3, 2), "sigmoid"]);
    const params = model.init(0);
    const bytes = exportOnnx(model, params, {
      batchSize: 2,
      inputName: "x",
      outputName: "probabilities",
      opset: 18,
    });
    const decoded = onnxType("ModelProto").toObject(onnxType("ModelProto").decode(bytes), {
      longs: Number,
    }) as {
      irVersion: number;
      opsetImport: { version: number }[];
      graph: {
        input: { name: string; type: { tensorType: { shape: { dim: { dimValue?: number }[] } } } }[];
        output: { name: string }[];
      };
    };
    expect(decoded.irVersion).toBe(8);
    expect(decoded.opsetImport[0]!.version).toBe(18);
    expect(decoded.graph.input[0]!.name).toBe("x");
    expect(decoded.graph.input[0]!.type.tensorType.shape.dim.map((dim) => dim.dimValue)).toEqual([2, 3]);
    expect(decoded.graph.output[0]!.name).toBe("probabilities");
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(["x"]);
    expect(session.outputNames).toEqual(["probabilities"]);
    await expect(
      session.run({ x: new ort.Tensor("float32", new Float32Array(9), [3, 3]) }),
    ).rejects.toThrow();
  });

  test("float64 parameters export as float32 and still match predict", async () => {
    const model = sequential([dense(4, 3), "tanh", dense(3, 2)]);
    await check("float64 parameters (rounded to float32)", model, {
      inputShape: [4],
      params: model.init(2, "float64"),
    });
  });
});

describe("exportOnnx: refusals", () => {
  const params = {};
  test("a custom layer type is refused with its name and why", () => {
    const custom: Layer = {
      type: "myLayer",
      name: undefined,
      hasParams: false,
      hasState: false,
      config: { type: "myLayer" },
      init: () => ({}),
      initState: () => ({}),
      apply: (_params, input) => activation("relu").apply({}, input),
      outputShape: (shape) => [...shape],
    };
    const model = sequential([dense(3, 3), custom]);
    let error: unknown;
    try {
      exportOnnx(model, model.init(0));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnsupportedLayerError);
    expect((error as UnsupportedLayerError).layer).toBe("myLayer_1");
    expect((error as Error).message).toMatch(
      /exportOnnx: layer "myLayer_1" cannot be exported: layer type "myLayer" has no ONNX lowering/,
    );
  });

  test("a custom activation object is refused with its layer and name", () => {
    const square = defineActivation(
      "square",
      {},
      {
        value: (x) => x * x,
        derivative: (x) => 2 * x,
        forward(input, output) {
          for (let i = 0; i < input.length; i++) output[i] = input[i]! * input[i]!;
        },
        backward(input, _output, gradient, inputGradient) {
          for (let i = 0; i < input.length; i++) inputGradient[i] = gradient[i]! * 2 * input[i]!;
        },
      },
    );
    const model = sequential([square]);
    expect(() => exportOnnx(model, params, { inputShape: [3] })).toThrow(UnsupportedLayerError);
    expect(() => exportOnnx(model, params, { inputShape: [3] })).toThrow(
      /layer "activation_1" cannot be exported: activation "square" is not one of @descent\/activations' registry/,
    );
  });

  test("an unknown input shape, a bad opset and missing parameters are ValueErrors naming the fix", () => {
    const images = sequential([conv2d(1, 2, 3)]);
    expect(() => exportOnnx(images, images.init(0))).toThrow(ValueError);
    expect(() => exportOnnx(images, images.init(0))).toThrow(/pass options\.inputShape/);
    const mlp = sequential([dense(3, 2)]);
    expect(() => exportOnnx(mlp, mlp.init(0), { opset: 12 })).toThrow(/use an opset from 17 to 21/);
    expect(() => exportOnnx(mlp, {})).toThrow(/parameters "dense_1" has no float tensor "weights"/);
  });
});
