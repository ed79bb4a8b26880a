import type { ParamTree, Tensor as TensorLike } from "@descent/spec";
import { Tensor } from "@descent/tensor";
import { describe, expect, it } from "vitest";
import { batchNorm, dense, modelFromConfig, sequential } from "../layers/index.js";
import { checksum, deserializeModel, packageVersions, serializeModel } from "./model-files.js";
import { flattenTree } from "./parameter-names.js";
import { encodeSafetensors } from "./safetensors.js";
import { decodeValue, encodeValue } from "./value-codec.js";

const model = sequential([dense(3, 4), batchNorm(4), "relu", dense(4, 2, { name: "head" })]);
const params = model.init(42);
const state = model.initState();

describe("serializeModel / deserializeModel", () => {
  it("round-trips architecture, parameters, state, seed and metadata exactly", () => {
    const files = serializeModel({
      architecture: model.config,
      params,
      state,
      seed: 42,
      metadata: { note: "test" },
    });
    const manifest = JSON.parse(files.manifest);
    expect(manifest.format).toBe("descent-model");
    expect(manifest.packages["@descent/nn"]).toBe(packageVersions()["@descent/nn"]);
    expect(Object.keys(manifest.packages)).toContain("@descent/tensor");
    expect(manifest.params["dense_1.weights"]).toEqual({ dtype: "float32", shape: [3, 4] });
    expect(manifest.state["batchNorm_1.runningVariance"]).toEqual({ dtype: "float32", shape: [4] });
    const loaded = deserializeModel(files);
    expect(loaded.seed).toBe(42);
    expect(loaded.metadata).toEqual({ note: "test" });
    const flat = (tree: ParamTree) =>
      flattenTree(tree).map(([path, t]) => [path, t.shape, Array.from(t.data)]);
    expect(flat(loaded.params)).toEqual(flat(params));
    expect(flat(loaded.state!)).toEqual(flat(state));
    const rebuilt = modelFromConfig(loaded.architecture!);
    expect(rebuilt.layerNames).toEqual(model.layerNames);
    const x = new Tensor(new Float32Array([1, 2, 3, -1, 0, 1]), [2, 3]);
    expect(Array.from(rebuilt.apply(loaded.params, x, { state: loaded.state! }).value.data)).toEqual(
      Array.from(model.apply(params, x, { state }).value.data),
    );
  });

  it("names parameters by path in the safetensors file, state under @state.", () => {
    const { weights } = serializeModel({ params, state });
    const headerLength = new DataView(weights.buffer).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(weights.subarray(8, 8 + headerLength)));
    expect(Object.keys(header).sort()).toEqual(
      [
        "__metadata__",
        "@state.batchNorm_1.runningMean",
        "@state.batchNorm_1.runningVariance",
        "batchNorm_1.beta",
        "batchNorm_1.gamma",
        "dense_1.bias",
        "dense_1.weights",
        "head.bias",
        "head.weights",
      ].sort(),
    );
  });

  it("rejects a weights file that does not match its manifest", () => {
    const files = serializeModel({ params, state });
    expect(() =>
      deserializeModel({ ...files, weights: files.weights.subarray(0, files.weights.length - 4) }),
    ).toThrow(/model.safetensors has \d+ bytes but the manifest expects \d+: the file is truncated/);
    const flipped = files.weights.slice();
    flipped[flipped.length - 1]! ^= 0xff;
    expect(() => deserializeModel({ ...files, weights: flipped })).toThrow(
      /checksum is fnv1a32:\w+ but the manifest expects/,
    );
    expect(() => deserializeModel({ ...files, manifest: "{ nope" })).toThrow(
      /manifest.json is not valid JSON/,
    );
    const wrongFormat = files.manifest.replace('"descent-model"', '"other"');
    expect(() => deserializeModel({ ...files, manifest: wrongFormat })).toThrow(
      /"format" is "other", expected "descent-model"/,
    );
  });

  it("rejects manifests whose tensor list disagrees with the file", () => {
    const other = serializeModel({
      params: { dense_1: { weights: new Tensor(new Float32Array(12), [4, 3]) } },
    });
    const manifest = JSON.parse(other.manifest);
    manifest.params["dense_1.weights"].shape = [3, 4];
    expect(() => deserializeModel({ ...other, manifest: JSON.stringify(manifest) })).toThrow(
      /params "dense_1.weights" has shape \[4,3\] but the manifest says \[3,4\]/,
    );
    manifest.params = {
      "dense_1.weights": { dtype: "float32", shape: [4, 3] },
      "dense_1.bias": { dtype: "float32", shape: [3] },
    };
    expect(() => deserializeModel({ ...other, manifest: JSON.stringify(manifest) })).toThrow(
      /params "dense_1.bias" is listed in the manifest but missing/,
    );
    manifest.params = {};
    expect(() => deserializeModel({ ...other, manifest: JSON.stringify(manifest) })).toThrow(
      /holds tensor "dense_1.weights", which the manifest does not list/,
    );
  });

  it("rejects a corrupt weights file inside a consistent manifest", () => {
    const files = serializeModel({ params });
    const bytes = encodeSafetensors({ "dense_1.weights": new Tensor(new Float32Array(3), [3]) });
    const manifest = JSON.parse(files.manifest);
    const broken = bytes.slice(0, bytes.length - 4);
    manifest.weights.bytes = broken.length;
    manifest.weights.checksum = checksum(broken);
    expect(() => deserializeModel({ manifest: JSON.stringify(manifest), weights: broken })).toThrow(
      /decodeSafetensors: .*truncated/,
    );
  });
});

describe("encodeValue / decodeValue", () => {
  it("round-trips optimizer-like state exactly, tensors out of the JSON", () => {
    const tensor = new Tensor(new Float32Array([1.5, -0]), [2]);
    const value = {
      count: 3,
      moments: [{ mu: { dense: { weights: tensor } } }],
      special: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0],
      rng: Int32Array.from([1, -2]),
      raw: Float64Array.from([Math.PI]),
      $weird: { $tensor: "not a tensor" },
      nothing: null,
    };
    const tensors: Record<string, TensorLike> = {};
    const json = JSON.parse(JSON.stringify(encodeValue(value, "t", tensors)));
    expect(Object.keys(tensors)).toEqual(["t.moments.0.mu.dense.weights", "t.raw"]);
    const decoded = decodeValue(json, tensors as Record<string, Tensor>) as typeof value;
    expect(decoded.count).toBe(3);
    expect(decoded.moments[0]!.mu.dense.weights).toBe(tensor);
    expect(decoded.special.map(String)).toEqual(["NaN", "Infinity", "-Infinity", "0"]);
    expect(Object.is(decoded.special[3], -0)).toBe(true);
    expect(Array.from(decoded.rng)).toEqual([1, -2]);
    expect(decoded.rng).toBeInstanceOf(Int32Array);
    expect(Array.from(decoded.raw)).toEqual([Math.PI]);
    expect(decoded.$weird).toEqual({ $tensor: "not a tensor" });
    expect(() => encodeValue(new Map(), "t", {})).toThrow(/^encodeValue: t is a Map object/);
    expect(() => decodeValue({ $tensor: "missing" }, {})).toThrow(
      /refers to tensor "missing", which is not in the weights file/,
    );
  });
});
