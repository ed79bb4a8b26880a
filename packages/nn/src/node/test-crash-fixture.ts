import type { ParamTree } from "@descent/spec";
import { Tensor, treeMap } from "@descent/tensor";
import type { ModelSnapshot } from "../io/model-files.js";
import { batchNorm, dense, sequential } from "../layers/index.js";
import type { TrainingCheckpoint } from "../training/types.js";

// Shared by crash-safety.test.ts and the child process it kills (test-crash-child.ts): the snapshot saved
// as version v is a pure function of v (and of one training checkpoint passed in), so the parent knows
// exactly what the folder must hold after each kill.

/** The model of the crash test: ~170,000 parameters (≈ 0.7 MB of weights), so a save takes a while. */
export const crashModel = sequential([
  dense(64, 512),
  "relu",
  dense(512, 256),
  batchNorm(256),
  dense(256, 10),
]);

const template = crashModel.init(0);
const stateTemplate = crashModel.initState();

function filled(tree: ParamTree, version: number, salt: number): ParamTree {
  let leaf = 0;
  return treeMap(tree, (tensor) => {
    const data = new Float32Array(tensor.data.length);
    const base = version * 1_000 + salt * 100 + leaf++;
    for (let i = 0; i < data.length; i++) data[i] = ((base * 7_919 + i * 104_729) % 65_521) / 65_521 - 0.5;
    return new Tensor(data, tensor.shape);
  });
}

/**
 * The snapshot saved as `version`: parameters and state filled from the version number; odd versions are
 * training checkpoints carrying `training`.
 */
export function crashSnapshot(version: number, training: TrainingCheckpoint): ModelSnapshot {
  return {
    architecture: crashModel.config,
    params: filled(template, version, 1),
    state: filled(stateTemplate, version, 2),
    seed: version,
    training: version % 2 === 1 ? training : null,
    metadata: { version },
  };
}
