/**
 * Why this exists: the float32 numbers `fit` produces are a contract. Reliability fixes and the redesign
 * of the fast paths (one backend, one training step) must not move a single bit on valid input. This test
 * trains with every built-in optimizer — alone, with a regularizer, with a constraint, with both — under
 * the JavaScript kernels and the WebAssembly SIMD kernels, and compares an FNV-1a hash of the final
 * parameters' bytes and of every step's loss with hashes stored from the build at 953ad34 (before that
 * work began). Regenerate only on purpose: `DESCENT_WRITE_GOLDEN=1 npx vitest run golden-numbers`, and
 * say why in the commit.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { ParamTree } from "@descent/spec";
import { type KernelName, useKernels } from "@descent/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { flattenTree } from "../io/parameter-names.js";
import { dense, sequential } from "../layers/index.js";
import { fit } from "./fit.js";
import { blobs, trainingExtras as extras, builtInOptimizers as optimizers } from "./test-fixtures.js";

const GOLDEN_FILE = new URL("./golden-numbers.json", import.meta.url);
const writing = process.env.DESCENT_WRITE_GOLDEN === "1";

const kernels: KernelName[] = ["js", "wasm-simd"];

/** FNV-1a (32-bit) over bytes, as 8 hex digits. */
function fnv1a(hash: number, bytes: Uint8Array): number {
  let h = hash;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

function hashRun(params: ParamTree, losses: readonly number[]): string {
  let hash = 0x811c9dc5;
  for (const [path, tensor] of flattenTree(params)) {
    hash = fnv1a(hash, new TextEncoder().encode(path));
    hash = fnv1a(hash, new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  }
  hash = fnv1a(hash, new Uint8Array(Float64Array.from(losses).buffer));
  return hash.toString(16).padStart(8, "0");
}

// 64-wide hidden layers and batches of 32 put the element-wise ops past the SIMD size threshold.
const data = blobs(40, 7);
const makeModel = () => sequential([dense(2, 64), "relu", dense(64, 64), "relu", dense(64, 3)]);

function train(optimizer: string, extra: string): string {
  const model = makeModel();
  const result = fit(model, model.init(11), data, {
    optimizer: optimizers[optimizer]!(),
    loss: "softmaxCrossEntropyFromLogits",
    epochs: 2,
    batchSize: 32,
    seed: 5,
    ...extras[extra]!(),
  });
  return hashRun(result.params, result.history.steps.loss);
}

const stored: Record<string, string> = writing ? {} : JSON.parse(readFileSync(GOLDEN_FILE, "utf8")).hashes;
const computed: Record<string, string> = {};

describe("fit's float32 numbers are bit-identical to the stored ones (953ad34)", () => {
  for (const kernel of kernels) {
    for (const optimizer of Object.keys(optimizers)) {
      it(`${kernel}: ${optimizer} with ${Object.keys(extras).join(", ")}`, () => {
        useKernels(kernel);
        try {
          for (const extra of Object.keys(extras)) {
            const key = `${kernel}/${optimizer}/${extra}`;
            computed[key] = train(optimizer, extra);
            if (!writing) expect({ key, hash: computed[key] }).toEqual({ key, hash: stored[key] });
          }
        } finally {
          useKernels("wasm-simd");
        }
      });
    }
  }

  afterAll(() => {
    if (writing) {
      writeFileSync(
        GOLDEN_FILE,
        `${JSON.stringify({ source: "fit at 953ad34, written by golden-numbers.test.ts", hashes: computed }, null, 2)}\n`,
      );
    }
  });
});
