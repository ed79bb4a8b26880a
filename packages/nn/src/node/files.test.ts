import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adam } from "@descent/optimizers";
import type { ParamTree } from "@descent/spec";
import { createRandom, normal, Tensor } from "@descent/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { flattenTree } from "../io/parameter-names.js";
import { batchNorm, dense, sequential } from "../layers/index.js";
import { checkpointToDirectory, fit, loadModel, progressBar, saveModel, writeFileAtomic } from "../node.js";

const root = mkdtempSync(join(tmpdir(), "descent-nn-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const flat = (tree: ParamTree) =>
  flattenTree(tree).map(([path, t]) => [path, t.dtype, t.shape, Array.from(t.data)]);

describe("writeFileAtomic", () => {
  it("replaces the file and leaves no temporary file behind", () => {
    const path = join(root, "atomic.txt");
    writeFileAtomic(path, "first");
    writeFileAtomic(path, new TextEncoder().encode("second"));
    expect(readFileSync(path, "utf8")).toBe("second");
    expect(readdirSync(root).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("fails without touching the target when the folder does not exist", () => {
    expect(() => writeFileAtomic(join(root, "missing", "x.txt"), "data")).toThrow(/ENOENT/);
  });
});

describe("saveModel / loadModel", () => {
  const model = sequential([dense(4, 8), batchNorm(8), "relu", dense(8, 3)]);
  const params = model.init(createRandom(5), "float64");
  const state = model.initState("float64");

  it("round-trips a model and rebuilds it from its architecture", () => {
    const directory = join(root, "model");
    saveModel(directory, { architecture: model.config, params, state, seed: 5 });
    expect(readdirSync(directory).sort()).toEqual(["manifest.json", "model.1.safetensors"]);
    saveModel(directory, { architecture: model.config, params, state, seed: 5 });
    expect(readdirSync(directory).sort()).toEqual(["manifest.json", "model.2.safetensors"]);
    const loaded = loadModel(directory);
    expect(flat(loaded.params)).toEqual(flat(params));
    expect(flat(loaded.state!)).toEqual(flat(state));
    expect(loaded.seed).toBe(5);
    const x = normal(createRandom(1), [2, 4], { dtype: "float64" });
    expect(Array.from(loaded.model!.apply(loaded.params, x, { state: loaded.state! }).value.data)).toEqual(
      Array.from(model.apply(params, x, { state }).value.data),
    );
  });

  it("rejects missing, truncated and mismatched files with the file and field named", () => {
    const directory = join(root, "broken");
    expect(() => loadModel(directory)).toThrow(
      /manifest.json does not exist: expected a folder written by saveModel/,
    );
    saveModel(directory, { params, state });
    const weightsPath = join(
      directory,
      JSON.parse(readFileSync(join(directory, "manifest.json"), "utf8")).weights.file,
    );
    const good = readFileSync(weightsPath);
    writeFileSync(weightsPath, good.subarray(0, good.length - 10));
    expect(() => loadModel(directory)).toThrow(
      /model\.1\.safetensors has \d+ bytes but the manifest expects \d+: the file is truncated/,
    );
    writeFileSync(weightsPath, good);
    writeFileSync(join(directory, "manifest.json"), "{");
    expect(() => loadModel(directory)).toThrow(/manifest.json is not valid JSON/);
  });

  it("resumes from a checkpoint on disk bit-identically", () => {
    const random = createRandom(2);
    const inputs = normal(random, [40, 4]);
    const targets = new Tensor(
      Float32Array.from({ length: 40 }, (_, i) => i % 3),
      [40],
    );
    const data = { inputs, targets };
    const directory = join(root, "checkpoint");
    const options = {
      optimizer: adam({ learningRate: 0.01 }),
      loss: "softmaxCrossEntropyFromLogits" as const,
      epochs: 3,
      batchSize: 6,
      seed: 3,
      verbose: false,
    };
    const start = model.init(9);
    let checkpointed = false;
    const full = fit(model, start, data, {
      ...options,
      callbacks: [
        checkpointToDirectory(directory, 10),
        {
          name: "stopWatch",
          onStepEnd: (context) =>
            void (context.step === 10 && (checkpointed = existsSync(join(directory, "manifest.json")))),
        },
      ],
    });
    expect(checkpointed).toBe(true);
    // The last checkpoint is at step 20 (of 21): resume from it.
    const loaded = loadModel(directory);
    expect(loaded.training!.step).toBe(20);
    const resumed = fit(loaded.model!, loaded.params, data, {
      ...options,
      state: loaded.state!,
      resume: loaded.training!,
    });
    expect(flat(resumed.params)).toEqual(flat(full.params));
    expect(resumed.history).toEqual(full.history);
  });
});

describe("progressBar", () => {
  it("draws nothing when the stream is not a TTY or verbose is false", () => {
    const written: string[] = [];
    const stream = {
      isTTY: false,
      write: (text: string) => written.push(text),
    } as unknown as NodeJS.WriteStream;
    const model = sequential([dense(2, 2)]);
    const data = {
      inputs: new Tensor(new Float32Array([0, 1, 1, 0]), [2, 2]),
      targets: new Tensor(new Float32Array([0, 1]), [2]),
    };
    fit(model, model.init(0), data, {
      optimizer: adam(),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 2,
      callbacks: [progressBar({ stream })],
      verbose: false,
    });
    expect(written).toEqual([]);
    const ttyWritten: string[] = [];
    const tty = {
      isTTY: true,
      columns: 120,
      write: (text: string) => ttyWritten.push(text),
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
      on: () => tty,
      removeListener: () => tty,
    } as unknown as NodeJS.WriteStream;
    fit(model, model.init(0), data, {
      optimizer: adam(),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 2,
      callbacks: [progressBar({ stream: tty, verbose: false })],
      verbose: false,
    });
    expect(ttyWritten).toEqual([]);
    fit(model, model.init(0), data, {
      optimizer: adam(),
      loss: "softmaxCrossEntropyFromLogits",
      epochs: 2,
      callbacks: [progressBar({ stream: tty })],
      verbose: false,
    });
    expect(ttyWritten.join("")).toMatch(/epoch 2\/2: loss \d\.\d{4}/);
  });
});
