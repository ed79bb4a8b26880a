import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ParamTree } from "@descent/spec";
import { DescentError, type Tensor, ValueError } from "@descent/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { serializeModel } from "../io/model-files.js";
import { flattenTree } from "../io/parameter-names.js";
import { dense, sequential } from "../layers/index.js";
import { loadModel, loadSnapshot, saveModel, writeFileAtomic } from "./files.js";

// Why this exists: the versioned-file design of saveModel (manifest.json as the one pointer, written
// last) has rules the crash test only meets by chance: older folders with model.safetensors still load
// and are migrated, only files saveModel owns are removed, a live process's temporary file is left
// alone, and a failed write leaves neither a temporary file nor a changed target.

const root = mkdtempSync(join(tmpdir(), "descent-save-folder-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const model = sequential([dense(2, 3)]);
const params = model.init(1);
const flat = (tree: ParamTree) => flattenTree(tree).map(([path, t]) => [path, Array.from(t.data)]);
const manifestOf = (directory: string) => JSON.parse(readFileSync(join(directory, "manifest.json"), "utf8"));

describe("saveModel folder rules", () => {
  it("loads a folder of the previous layout (model.safetensors) and migrates it on the next save", () => {
    const directory = join(root, "legacy");
    mkdirSync(directory);
    const files = serializeModel({ architecture: model.config, params });
    expect(JSON.parse(files.manifest).weights.file).toBe("model.safetensors");
    writeFileSync(join(directory, "manifest.json"), files.manifest);
    writeFileSync(join(directory, "model.safetensors"), files.weights);
    expect(flat(loadModel(directory).params)).toEqual(flat(params));
    saveModel(directory, { architecture: model.config, params });
    expect(readdirSync(directory).sort()).toEqual(["manifest.json", "model.1.safetensors"]);
    expect(flat(loadModel(directory).params)).toEqual(flat(params));
  });

  it("never reuses the file the manifest names, removes only its own stale files, and keeps a live process's temporary file", () => {
    const directory = join(root, "rules");
    saveModel(directory, { params });
    // Debris of crashed saves (dead pid 2^22 + 1 is above Linux's default pid_max), an orphan from a
    // save killed before its manifest, a temporary file of a running process (ours: the parent's pid),
    // and files that are not saveModel's.
    const dead = 4_194_305;
    const debris = [
      `.model.7.safetensors.${dead}.1.tmp`,
      `.manifest.json.${dead}.2.tmp`,
      "model.7.safetensors",
    ];
    const live = `.manifest.json.${process.ppid}.3.tmp`;
    const foreign = ["notes.txt", "weights.safetensors", `.other.${dead}.1.tmp`];
    for (const name of [...debris, live, ...foreign]) writeFileSync(join(directory, name), "x");
    saveModel(directory, { params });
    expect(manifestOf(directory).weights.file).toBe("model.8.safetensors");
    expect(readdirSync(directory).sort()).toEqual(
      ["manifest.json", "model.8.safetensors", live, ...foreign].sort(),
    );
  });

  it("writeFileAtomic leaves no temporary file and the old target when it fails", () => {
    const directory = join(root, "failing");
    mkdirSync(join(directory, "target"), { recursive: true });
    writeFileSync(join(directory, "target", "inside"), "kept");
    expect(() => writeFileAtomic(join(directory, "target"), "data")).toThrow(DescentError);
    expect(() => writeFileAtomic(join(directory, "target"), "data")).toThrow(
      /writeFileAtomic: cannot write .*target/,
    );
    expect(readdirSync(directory)).toEqual(["target"]);
    expect(readFileSync(join(directory, "target", "inside"), "utf8")).toBe("kept");
  });

  it("a save that fails to serialize leaves the folder as it was", () => {
    const directory = join(root, "unchanged");
    saveModel(directory, { params });
    const before = readdirSync(directory).sort();
    expect(() =>
      saveModel(directory, {
        params: { bad: { shape: [-1], dtype: "float32", data: new Float32Array(1) } } as never,
      }),
    ).toThrow(/serializeModel: snapshot\.params: flattenTree: tensor "bad"\.shape \[-1\] has size -1/);
    expect(readdirSync(directory).sort()).toEqual(before);
  });

  it("loadModel honours options.limits and names the limit to raise", () => {
    const directory = join(root, "limits");
    saveModel(directory, { params });
    expect(() => loadModel(directory, { limits: { maxTensors: 1 } })).toThrow(
      /has 2 entries, more than the limit of 1 \(limits\.maxTensors\); if the file is trusted, raise it/,
    );
    expect(() => loadModel(directory, { limits: { maxManifestBytes: 100 } })).toThrow(
      /limits\.maxManifestBytes/,
    );
    expect(() => loadModel(directory, { limits: { maxTensor: 5 } as never })).toThrow(
      /options\.limits\.maxTensor is not a limit/,
    );
    // Saved without an architecture: loadSnapshot reads it (loadModel refuses it, see load-snapshot.test.ts).
    expect(flat(loadSnapshot(directory, { limits: { maxTensors: 2 } }).params)).toEqual(flat(params));
  });

  it("names a weights file the manifest points to but the folder lacks", () => {
    const directory = join(root, "missing-weights");
    saveModel(directory, { params });
    rmSync(join(directory, manifestOf(directory).weights.file));
    expect(() => loadModel(directory)).toThrow(ValueError);
    expect(() => loadModel(directory)).toThrow(
      /model\.1\.safetensors does not exist but manifest\.json names it/,
    );
    expect(existsSync(join(directory, "manifest.json"))).toBe(true);
  });

  it("loads a model whose tensors the architecture checks, float64 too", () => {
    const directory = join(root, "float64");
    const params64 = model.init(2, "float64");
    saveModel(directory, { architecture: model.config, params: params64 });
    const loaded = loadModel(directory);
    expect(flat(loaded.params)).toEqual(flat(params64));
    expect(loaded.model?.layerNames).toEqual(model.layerNames);
    const bias = (params64.dense_1 as ParamTree).bias as Tensor;
    expect(bias.dtype).toBe("float64");
  });
});
