import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ParamTree } from "@descent/spec";
import { createRandom, ValueError } from "@descent/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { flattenTree } from "../io/parameter-names.js";
import { dense, sequential } from "../layers/index.js";
import { loadModel, loadSnapshot, saveModel } from "./files.js";

const root = mkdtempSync(join(tmpdir(), "descent-nn-snapshot-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const flat = (tree: ParamTree) => flattenTree(tree).map(([path, t]) => [path, t.shape, Array.from(t.data)]);

describe("loadModel always gives a model; loadSnapshot reads any save", () => {
  const model = sequential([dense(3, 4), "relu", dense(4, 2)]);
  const params = model.init(createRandom(1));

  it("loadModel refuses a folder without an architecture with a ValueError naming loadSnapshot", () => {
    const directory = join(root, "params-only");
    saveModel(directory, { params, seed: 7 });
    expect(() => loadModel(directory)).toThrow(ValueError);
    expect(() => loadModel(directory)).toThrow(
      `loadModel: ${join(directory, "manifest.json")} has no architecture (it was saved as saveModel(directory, { params })): read its parameters with loadSnapshot(directory), or save with { architecture: model.config, params } to load a model`,
    );
    const snapshot = loadSnapshot(directory);
    expect(snapshot.architecture ?? null).toBeNull();
    expect(snapshot.seed).toBe(7);
    expect(flat(snapshot.params)).toEqual(flat(params));
  });

  it("with an architecture, loadModel's model is the saved one and loadSnapshot gives the same snapshot", () => {
    const directory = join(root, "full");
    saveModel(directory, { architecture: model.config, params });
    const loaded = loadModel(directory);
    expect(loaded.model.config).toEqual(model.config);
    expect(flat(loaded.params)).toEqual(flat(params));
    const snapshot = loadSnapshot(directory);
    expect(snapshot.architecture).toEqual(model.config);
    expect(flat(snapshot.params)).toEqual(flat(params));
  });

  it("loadSnapshot checks its arguments like loadModel", () => {
    const directory = join(root, "full");
    expect(() => loadSnapshot("")).toThrow("loadSnapshot: directory must be a non-empty string");
    expect(() => loadSnapshot(directory, null as never)).toThrow(/loadSnapshot: options is null/);
    expect(() => loadSnapshot(directory, { custom: {} } as never)).toThrow(ValueError);
    expect(() => loadSnapshot(directory, { limits: { maxTensors: 1 } })).toThrow(/limits\.maxTensors/);
    expect(() => loadSnapshot(join(root, "missing"))).toThrow(/manifest\.json does not exist/);
  });
});
