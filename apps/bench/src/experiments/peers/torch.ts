import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Dataset } from "@descent/spec";
import { peerEnvironment } from "./environment.js";
import { PeerUnavailable } from "./turns.js";
import type { InitialWeights, PeersSettings, PeerTrainer, PeerWorkload } from "./types.js";

const run = promisify(execFile);

/** How to get PyTorch for the `peers` rows (Debian / Ubuntu); OpenBLAS gives torch a real BLAS. */
export const TORCH_INSTALL = "apt-get install python3-torch libopenblas0-pthread";

/** The cell of a torch row when no python with torch was found. */
export const TORCH_NOT_INSTALLED =
  "not installed: apt-get install python3-torch (plus libopenblas0-pthread for a real BLAS)";

/** A python that imports torch, or the pythons tried. */
export type TorchPython = { readonly python: string } | { readonly missing: readonly string[] };

/**
 * The first python that imports torch, tried in order: `$DESCENT_PYTHON` when set (then only it, so that a
 * choice is never overridden), else `python3` on the PATH, then `/usr/bin/python3` (the system python, where
 * Debian's python3-torch lives when PATH's python3 is a pyenv or venv without it).
 *
 * @example const found = await findTorchPython(); if ("python" in found) …
 */
export async function findTorchPython(environment: NodeJS.ProcessEnv = process.env): Promise<TorchPython> {
  const chosen = environment.DESCENT_PYTHON;
  const candidates = chosen ? [chosen] : ["python3", "/usr/bin/python3"];
  for (const python of candidates) {
    try {
      await run(python, ["-c", "import torch"], { timeout: 120_000, env: environment });
      return { python };
    } catch {
      // Not there, or no torch in it: the next one.
    }
  }
  return { missing: candidates };
}

/** The python script shipped with descent-bench (`python/torch_peer.py`), found from this module upwards. */
function peerScript(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 5; level++) {
    const candidate = join(directory, "python", "torch_peer.py");
    if (existsSync(candidate)) return candidate;
    directory = dirname(directory);
  }
  throw new Error("python/torch_peer.py is missing from descent-bench's package");
}

/** What torch said about itself when it started. */
export interface TorchInfo {
  readonly torch: string;
  readonly blasInfo: string | null;
  /** The loaded BLAS, e.g. `libopenblasp-r0.3.21.so (pthread)`; null when none was found loaded. */
  readonly blas: string | null;
  /** The BLAS libraries the process loaded (resolved paths). */
  readonly blasLibraries: readonly string[];
  readonly mkldnn: boolean;
  readonly threads: number;
}

/** `torch 1.13.0, BLAS libopenblasp-r0.3.21.so (pthread), mkldnn, 2 threads`. */
export function torchBackend(info: TorchInfo): string {
  return (
    `torch ${info.torch}, BLAS ${info.blas ?? `${info.blasInfo ?? "unknown"} (none loaded)`}, ` +
    `${info.mkldnn ? "mkldnn" : "no mkldnn"}, ` +
    `${info.threads} thread${info.threads === 1 ? "" : "s"}`
  );
}

/** A PyTorch peer: a {@link PeerTrainer}, plus torch's description and its current weights (for tests). */
export interface TorchTrainer extends PeerTrainer {
  readonly info: TorchInfo;
  /** The current weights and biases, layer by layer, in descent's layouts (as {@link InitialWeights}). */
  weights(): Promise<InitialWeights>;
}

/** Bytes of a typed array, little-endian as the machine (x86 and ARM Linux are). */
const bytesOf = (array: Float32Array | Int32Array) =>
  Buffer.from(array.buffer, array.byteOffset, array.byteLength);

/**
 * PyTorch (CPU, eager) as a peer, in a child python process running `python/torch_peer.py`. The data, the
 * initial weights (descent's layouts; the script converts: dense `[in, out]` → `[out, in]`, conv
 * `[kh, kw, in, out]` → `[out, in, kh, kw]`, the first dense layer's rows from NHWC to NCHW flatten order)
 * and each epoch's order of rows go through a temporary directory of raw little-endian files; every request
 * (one epoch, the test accuracy, a GEMM, an add) is one JSON line on stdin answered by one on stdout, so torch
 * takes turns with the in-process libraries epoch by epoch. Epoch seconds are timed inside python (no IPC);
 * torch runs `threads` intra-op threads (descent's count).
 *
 * @example const trainer = await torchTrainer("/usr/bin/python3", mlpWorkload(settings), train, test, weights, settings, 2);
 */
export async function torchTrainer(
  python: string,
  workload: PeerWorkload,
  train: Dataset,
  test: Dataset,
  initial: InitialWeights,
  settings: Pick<PeersSettings, "overheadBudgetSeconds">,
  threads: number,
): Promise<TorchTrainer> {
  const directory = mkdtempSync(join(tmpdir(), "descent-torch-peer-"));
  const file = (name: string, array: Float32Array | Int32Array, shape: readonly number[]) => {
    writeFileSync(join(directory, name), bytesOf(array));
    return { file: name, dtype: array instanceof Float32Array ? "float32" : "int32", shape };
  };
  const rows = (dataset: Dataset) => dataset.inputs.shape[0]!;
  const spec = {
    workload: workload.id,
    batchSize: workload.batchSize,
    optimizer: workload.optimizer,
    threads,
    trainInputs: file("train-inputs.f32", train.inputs.data as Float32Array, [
      rows(train),
      ...workload.inputShape,
    ]),
    trainTargets: file("train-targets.i32", Int32Array.from(train.targets.data), [rows(train)]),
    testInputs: file("test-inputs.f32", test.inputs.data as Float32Array, [
      rows(test),
      ...workload.inputShape,
    ]),
    testTargets: file("test-targets.i32", Int32Array.from(test.targets.data), [rows(test)]),
    layers: initial.layers.map((layer, index) => ({
      kind: layer.kind,
      weights: file(`weights-${index}.f32`, layer.weights, layer.weightShape),
      bias: file(`bias-${index}.f32`, layer.bias, [layer.bias.length]),
      ...(layer.flattenHwc ? { flattenHwc: layer.flattenHwc } : {}),
    })),
  };
  writeFileSync(join(directory, "spec.json"), JSON.stringify(spec));

  let child: ChildProcessWithoutNullStreams;
  try {
    child = spawn(python, [peerScript(), directory], {
      stdio: ["pipe", "pipe", "pipe"],
      env: peerEnvironment(process.env),
    });
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  // A python that vanished since findTorchPython: the error ends stdout, and the next read reports it.
  child.on("error", (error) => {
    stderr += `${error.message}\n`;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const failed = (why: string) => new Error(`torch peer ${why}${stderr.trim() ? `: ${stderr.trim()}` : ""}`);
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done) throw failed(`exited (code ${child.exitCode ?? "none"})`);
    const reply = JSON.parse(line.value) as Record<string, unknown>;
    if (typeof reply.error === "string") throw failed(`failed: ${reply.error}`);
    return reply;
  };
  const request = async (message: Record<string, unknown>) => {
    child.stdin.write(`${JSON.stringify(message)}\n`);
    return next();
  };
  const dispose = () => {
    if (child.exitCode === null) {
      child.stdin.end(`${JSON.stringify({ op: "exit" })}\n`);
      child.kill();
    }
    rmSync(directory, { recursive: true, force: true });
  };

  let info: TorchInfo;
  try {
    info = (await next()) as unknown as TorchInfo;
  } catch (error) {
    dispose();
    throw error;
  }
  const number = (reply: Record<string, unknown>, key: string) => {
    const value = reply[key];
    if (typeof value !== "number")
      throw failed(`answered without a number "${key}": ${JSON.stringify(reply)}`);
    return value;
  };
  const read = (name: string) => {
    const bytes = readFileSync(join(directory, name));
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  };

  return {
    info,
    samplesPerEpoch: rows(train),
    backend: () => torchBackend(info),
    async restart() {
      await request({ op: "restart" });
    },
    async epoch(order) {
      writeFileSync(join(directory, "order.i32"), bytesOf(order));
      return number(await request({ op: "epoch", order: "order.i32" }), "seconds");
    },
    async testAccuracy() {
      return number(await request({ op: "accuracy" }), "accuracy");
    },
    async gemm(size, runs, budgetSeconds) {
      return { gflops: number(await request({ op: "gemm", size, runs, budget: budgetSeconds }), "gflops") };
    },
    async addMicroseconds(shape) {
      const reply = await request({ op: "add", shape, budget: settings.overheadBudgetSeconds });
      return number(reply, "microseconds");
    },
    async weights() {
      const { files } = (await request({ op: "weights" })) as unknown as {
        files: { weights: string; bias: string }[];
      };
      return {
        layers: initial.layers.map((layer, index) => ({
          ...layer,
          weights: read(files[index]!.weights),
          bias: read(files[index]!.bias),
        })),
      };
    },
    dispose,
  };
}

/**
 * {@link torchTrainer} with the python {@link findTorchPython} found; without one, a {@link PeerUnavailable}
 * whose message is the row's cell, {@link TORCH_NOT_INSTALLED}.
 *
 * @example const trainer = await torchPeer(await findTorchPython(), mlpWorkload(settings), train, test, weights, settings, 2);
 */
export async function torchPeer(
  found: TorchPython,
  workload: PeerWorkload,
  train: Dataset,
  test: Dataset,
  initial: InitialWeights,
  settings: Pick<PeersSettings, "overheadBudgetSeconds">,
  threads: number,
): Promise<TorchTrainer> {
  if (!("python" in found)) throw new PeerUnavailable(TORCH_NOT_INSTALLED);
  return torchTrainer(found.python, workload, train, test, initial, settings, threads);
}
