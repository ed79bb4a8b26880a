import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { ShapeError, Tensor, ValueError } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { conv2d, dense, flatten, sequential } from "../layers/index.js";
import { batchNorm, layerNorm } from "../layers/normalization.js";
import { predict } from "../training/evaluate.js";
import { importSafetensors } from "./import-safetensors.js";
import {
  conv2dReference,
  linearReference,
  mlp,
  mlpTensors,
  randomTensor,
  toChannelsFirst,
  torchSafetensors,
  values,
} from "./test-torch-files.js";

/** The tensor `tree[layer][key]`. */
const leaf = (tree: ParamTree, layer: string, key: string): TensorLike =>
  (tree[layer] as ParamTree)[key] as TensorLike;

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThan(tolerance);
}

describe("importSafetensors", () => {
  it("maps Linear weight [out, in] to dense weights [in, out]: predictions match x·Wᵀ + b computed by hand", () => {
    const { params, state, names } = importSafetensors(torchSafetensors(mlpTensors), mlp());
    expect(names).toEqual({ dense_1: "0", dense_2: "2" });
    expect(state).toEqual({});
    const x = values(5, 6 * 4);
    const hidden = linearReference(x, 6, mlpTensors["0.weight"], mlpTensors["0.bias"]).map((v) =>
      Math.max(v, 0),
    );
    const expected = linearReference(
      new Float32Array(hidden),
      6,
      mlpTensors["2.weight"],
      mlpTensors["2.bias"],
    );
    const output = predict(mlp(), params, new Tensor(x, [6, 4]));
    expectClose(output.data, expected);
  });

  it("maps Conv2d [out, in, kh, kw] to NHWC [kh, kw, in, out], BatchNorm to gamma/beta and running statistics, ignores num_batches_tracked, and reorders the Linear after a flatten from [C, H, W] to [H, W, C]", () => {
    // nn.Sequential(Conv2d(2, 3, 3, padding=1), BatchNorm2d(3), ReLU(), Flatten(), Linear(48, 5)), on 4×4 images.
    const torch = {
      "0.weight": randomTensor(10, [3, 2, 3, 3]),
      "0.bias": randomTensor(11, [3]),
      "1.weight": randomTensor(12, [3]),
      "1.bias": randomTensor(13, [3]),
      "1.running_mean": randomTensor(14, [3]),
      "1.running_var": new Tensor(
        values(15, 3).map((v) => 1.5 + v),
        [3],
      ),
      "1.num_batches_tracked": 7n,
      "4.weight": randomTensor(16, [5, 48]),
      "4.bias": randomTensor(17, [5]),
    };
    const model = sequential([
      conv2d(2, 3, 3, { padding: "same" }),
      batchNorm(3),
      "relu",
      flatten(),
      dense(48, 5),
    ]);
    const { params, state, names } = importSafetensors(torchSafetensors(torch), model, {
      inputShape: [4, 4, 2],
    });
    expect(names).toEqual({ conv2d_1: "0", batchNorm_1: "1", dense_1: "4" });
    expect(Object.keys(state)).toEqual(["batchNorm_1"]);
    const n = 2;
    const x = values(20, n * 4 * 4 * 2);
    const convolved = conv2dReference(
      toChannelsFirst(x, [n, 4, 4, 2]),
      [n, 2, 4, 4],
      torch["0.weight"],
      torch["0.bias"],
      1,
    );
    const normalized = convolved.map((v, k) => {
      const c = Math.floor(k / 16) % 3;
      const scaled =
        (v - torch["1.running_mean"].data[c]!) / Math.sqrt(torch["1.running_var"].data[c]! + 1e-5);
      return Math.max(scaled * torch["1.weight"].data[c]! + torch["1.bias"].data[c]!, 0);
    });
    // NCHW flattened per sample is torch's [C, H, W] order.
    const expected = linearReference(new Float32Array(normalized), n, torch["4.weight"], torch["4.bias"]);
    const output = predict(model, params, new Tensor(x, [n, 4, 4, 2]), { state });
    expectClose(output.data, expected, 1e-4);
  });

  it("orders modules by their numbers, not as strings (2 before 10), and by numbered names (fc2 before fc10)", () => {
    const tensors = (first: string, second: string) =>
      torchSafetensors({
        [`${first}.weight`]: mlpTensors["0.weight"],
        [`${first}.bias`]: mlpTensors["0.bias"],
        [`${second}.weight`]: mlpTensors["2.weight"],
        [`${second}.bias`]: mlpTensors["2.bias"],
      });
    expect(importSafetensors(tensors("2", "10"), mlp()).names).toEqual({ dense_1: "2", dense_2: "10" });
    expect(importSafetensors(tensors("fc2", "fc10"), mlp()).names).toEqual({
      dense_1: "fc2",
      dense_2: "fc10",
    });
    expect(importSafetensors(tensors("net.layer2.0", "net.layer10.0"), mlp()).names.dense_2).toBe(
      "net.layer10.0",
    );
  });

  it("refuses to guess the order of unnumbered modules, and takes it from options.names", () => {
    const bytes = torchSafetensors({
      "hidden.weight": mlpTensors["0.weight"],
      "hidden.bias": mlpTensors["0.bias"],
      "classifier.weight": mlpTensors["2.weight"],
      "classifier.bias": mlpTensors["2.bias"],
    });
    expect(() => importSafetensors(bytes, mlp())).toThrow(
      /"classifier" and "hidden" are not numbered.*options\.names/,
    );
    const { params } = importSafetensors(bytes, mlp(), {
      names: { dense_1: "hidden", dense_2: "classifier" },
    });
    const reference = importSafetensors(torchSafetensors(mlpTensors), mlp()).params;
    expect(params).toEqual(reference);
  });

  it("names a missing tensor, an extra module, an extra tensor and a mis-shaped tensor", () => {
    const { "2.bias": _dropped, ...withoutBias } = mlpTensors;
    expect(() => importSafetensors(torchSafetensors(withoutBias), mlp())).toThrow(
      /layer "dense_2" \(dense, PyTorch Linear\) from module "2" needs tensor "2\.bias" \[3\], missing/,
    );
    const extraModule = { ...mlpTensors, "4.weight": randomTensor(9, [3, 3]) };
    expect(() => importSafetensors(torchSafetensors(extraModule), mlp())).toThrow(
      /3 modules with tensors \("0", "2", "4"\) but the model has 2 layers with parameters.*modules "4" have no layer/,
    );
    const extraTensor = { ...mlpTensors, "2.weight_g": randomTensor(9, [3, 1]) };
    expect(() => importSafetensors(torchSafetensors(extraTensor), mlp())).toThrow(
      /tensor "2\.weight_g" is not one of a Linear's \(weight, bias\)/,
    );
    const transposed = { ...mlpTensors, "0.weight": randomTensor(1, [4, 8]) };
    const error = (() => {
      try {
        importSafetensors(torchSafetensors(transposed), mlp());
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ShapeError);
    expect((error as Error).message).toMatch(/tensor "0\.weight" is \[4,8\] but the layer needs \[8,4\]/);
  });

  it("asks for options.inputShape when a flatten comes before a layer with parameters, and rejects unknown options and layers", () => {
    const model = sequential([flatten(), dense(4, 8), "relu", dense(8, 3)]);
    expect(() => importSafetensors(torchSafetensors(mlpTensors), model)).toThrow(
      /follows "flatten_1".*options\.inputShape/,
    );
    expect(importSafetensors(torchSafetensors(mlpTensors), model, { inputShape: [2, 2] }).names.dense_1).toBe(
      "0",
    );
    expect(() => importSafetensors(torchSafetensors(mlpTensors), mlp(), { name: {} } as never)).toThrow(
      ValueError,
    );
    expect(() =>
      importSafetensors(torchSafetensors(mlpTensors), mlp(), { names: { dense_1: "0", dense_9: "2" } }),
    ).toThrow(/"dense_9", which is not a layer with parameters/);
    expect(() => importSafetensors(torchSafetensors(mlpTensors), mlp(), { names: { dense_1: "0" } })).toThrow(
      /no module for layer "dense_2"/,
    );
  });

  it("maps LayerNorm, reorders a BatchNorm1d after a flatten of images, and imports in float64 on request", () => {
    // Flatten of [2, 2, 3] images, then BatchNorm1d(12), Linear(12, 2), LayerNorm(2).
    const torch = {
      "1.weight": randomTensor(30, [12]),
      "1.bias": randomTensor(31, [12]),
      "1.running_mean": randomTensor(32, [12]),
      "1.running_var": randomTensor(33, [12]),
      "2.weight": randomTensor(34, [2, 12]),
      "2.bias": randomTensor(35, [2]),
      "3.weight": randomTensor(36, [2]),
      "3.bias": randomTensor(37, [2]),
    };
    const model = sequential([flatten(), batchNorm(12), dense(12, 2), layerNorm(2)]);
    const { params, state } = importSafetensors(torchSafetensors(torch), model, {
      inputShape: [2, 2, 3],
      dtype: "float64",
    });
    const gamma = leaf(params, "batchNorm_1", "gamma");
    expect(gamma.dtype).toBe("float64");
    // descent feature (s, c) = s·3 + c is torch feature c·4 + s.
    for (let s = 0; s < 4; s++)
      for (let c = 0; c < 3; c++) expect(gamma.data[s * 3 + c]).toBe(torch["1.weight"].data[c * 4 + s]);
    const runningMean = leaf(state, "batchNorm_1", "runningMean");
    expect(runningMean.data[1 * 3 + 2]).toBe(torch["1.running_mean"].data[2 * 4 + 1]);
    const weights = leaf(params, "dense_1", "weights");
    expect(weights.shape).toEqual([12, 2]);
    expect(weights.data[(3 * 3 + 1) * 2 + 1]).toBe(torch["2.weight"].data[1 * 12 + (1 * 4 + 3)]);
    expect(leaf(params, "layerNorm_1", "beta").data).toEqual(Float64Array.from(torch["3.bias"].data));
  });
});
