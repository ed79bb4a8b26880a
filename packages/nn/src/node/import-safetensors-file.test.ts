// importSafetensors from a path, and PyTorch interop both ways with torch itself: a descent folder loaded
// into torch.nn by examples/interop/load_in_torch.py, and state_dicts written by torch imported here.
// The torch tests exist only where `python3` imports torch (Debian: apt-get install python3-torch); elsewhere
// they are not registered, and the file prints why, so a run without torch never counts them as passed.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gelu } from "@descent/activations";
import { DescentError, Tensor } from "@descent/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { importSafetensors as importBytes } from "../io/import-safetensors.js";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.js";
import { mlp, mlpTensors, randomTensor, torchSafetensors, values } from "../io/test-torch-files.js";
import {
  activation,
  conv2d,
  dense,
  dropout,
  flatten,
  maxPool2d,
  sequential,
  softmax,
} from "../layers/index.js";
import { batchNorm, layerNorm } from "../layers/normalization.js";
import { predict } from "../training/evaluate.js";
import { saveModel } from "./files.js";
import { importSafetensors } from "./import-safetensors-file.js";

const folder = mkdtempSync(join(tmpdir(), "descent-interop-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("importSafetensors (node)", () => {
  it("reads the file at a path and gives what the bytes give", () => {
    const path = join(folder, "mlp.safetensors");
    writeFileSync(path, torchSafetensors(mlpTensors));
    expect(importSafetensors(path, mlp())).toEqual(importBytes(torchSafetensors(mlpTensors), mlp()));
  });

  it("names a file it cannot read", () => {
    const missing = join(folder, "missing.safetensors");
    expect(() => importSafetensors(missing, mlp())).toThrow(DescentError);
    expect(() => importSafetensors(missing, mlp())).toThrow(`cannot read ${missing} (ENOENT`);
  });
});

const interop = fileURLToPath(new URL("../../../../examples/interop/", import.meta.url));
// DESCENT_PYTHON names the one interpreter to try; otherwise python3 on the PATH, then Debian's (a pyenv or
// venv python3 on the PATH does not see Debian's python3-torch).
const candidates = process.env.DESCENT_PYTHON
  ? [process.env.DESCENT_PYTHON]
  : ["python3", "/usr/bin/python3"];
const python = candidates.find(
  (command) => spawnSync(command, ["-c", "import torch"], { stdio: "ignore" }).status === 0,
);

function run(script: string, args: string[]): string {
  const result = spawnSync(python!, [join(interop, script), ...args], { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${script} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function largestDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}

if (python === undefined) {
  console.log(
    `torch not importable (tried ${candidates.join(", ")}): apt-get install python3-torch — the PyTorch interop tests of this file are not registered, and not counted as passed`,
  );
} else {
  describe(`PyTorch interop with torch (${python})`, () => {
    it("load_in_torch.py builds a torch.nn module from a saveModel folder that matches descent's outputs to 1e-5, and its state_dict imports back exactly", () => {
      // "same" convolutions (one with stride 2: padding 0 before, 1 after), batch norm on images and on
      // flattened features, max pooling, gelu, layer norm, dropout and softmax.
      const model = sequential([
        conv2d(2, 4, 3, { padding: "same" }),
        batchNorm(4),
        "relu",
        maxPool2d(2),
        conv2d(4, 4, 2, { strides: 2, padding: "same" }),
        flatten(),
        batchNorm(16),
        dense(16, 8),
        activation(gelu()),
        layerNorm(8),
        dropout(0.3),
        dense(8, 3),
        softmax(),
      ]);
      const params = model.init(7);
      const state = {
        batchNorm_1: {
          runningMean: randomTensor(40, [4]),
          runningVariance: new Tensor(
            values(41, 4).map((v) => 1.2 + v),
            [4],
          ),
        },
        batchNorm_2: {
          runningMean: randomTensor(42, [16]),
          runningVariance: new Tensor(
            values(43, 16).map((v) => 1.2 + v),
            [16],
          ),
        },
      };
      const directory = join(folder, "descent-model");
      saveModel(directory, { architecture: model.config, params, state, seed: 7 });
      const inputs = new Tensor(
        values(44, 5 * 6 * 6 * 2).map((v) => 2 * v),
        [5, 6, 6, 2],
      );
      const outputs = predict(model, params, inputs, { state });
      writeFileSync(join(directory, "reference.safetensors"), encodeSafetensors({ inputs, outputs }));
      const stateDict = join(folder, "from-descent.safetensors");
      const printed = run("load_in_torch.py", [directory, "--save-state-dict", stateDict]);
      expect(printed).toMatch(/outputs \[5, 3\]: largest difference from descent/);
      const back = importSafetensors(stateDict, model, { inputShape: [6, 6, 2] });
      expect(back.params).toEqual(params);
      expect(back.state).toEqual(state);
    });

    it("imports a state_dict written by torch (Conv2d, BatchNorm2d, MaxPool2d, Flatten, Linear, BatchNorm1d) and predicts torch's outputs to 1e-5", () => {
      const directory = join(folder, "from-torch");
      run("torch_model_to_safetensors.py", [directory]);
      // The torch model of torch_model_to_safetensors.py, in descent.
      const model = sequential([
        conv2d(1, 4, 3, { padding: "same" }),
        batchNorm(4),
        "relu",
        maxPool2d(2),
        flatten(),
        dense(36, 10),
        "tanh",
        batchNorm(10),
        dense(10, 3),
      ]);
      const { params, state, names } = importSafetensors(join(directory, "state_dict.safetensors"), model, {
        inputShape: [6, 6, 1],
      });
      expect(names).toEqual({
        conv2d_1: "0",
        batchNorm_1: "1",
        dense_1: "5",
        batchNorm_2: "7",
        dense_2: "8",
      });
      const { tensors } = decodeSafetensors(readFileSync(join(directory, "reference.safetensors")));
      const predicted = predict(model, params, tensors.inputs!, { state });
      expect(largestDifference(predicted.data, tensors.outputs!.data)).toBeLessThan(1e-5);
    });
  });
}
