import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Dataset } from "@descent/spec";
import { RELAXED_SIMD_FLAG, relaxedSimdNeedsFlag } from "../../relaxed-simd.js";
import { peerEnvironment } from "./environment.js";
import type { IsolatedSpec, PlainDataset, Reply, Request, RequestBody, Started } from "./protocol.js";
import type { GemmMeasured, GemmTurn, PeerTrainer } from "./types.js";

/** `dataset` as plain arrays, to send to another process. */
export function plainDataset(dataset: Dataset): PlainDataset {
  return {
    name: dataset.name,
    inputs: dataset.inputs.data as Float32Array,
    inputShape: [...dataset.inputs.shape],
    targets: dataset.targets.data as Float32Array | Int32Array,
    targetShape: [...dataset.targets.shape],
    ...(dataset.classes === undefined ? {} : { classes: dataset.classes }),
  };
}

/**
 * How to start the child: the built bench runs `dist/peer-child.js`; from source (the tests) it runs
 * `child.ts` through tsx, resolving workspace packages to their sources as the tests do.
 */
function childEntry(): { readonly module: string; readonly execArgv: readonly string[] } {
  const here = dirname(fileURLToPath(import.meta.url));
  if (!import.meta.url.endsWith(".ts")) return { module: join(here, "peer-child.js"), execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return { module: join(here, "child.ts"), execArgv: ["--conditions=source", "--import", tsx] };
}

/**
 * A JavaScript library as a peer in a Node process of its own (`child.ts`), driven over IPC, as PyTorch runs
 * in a python process of its own. Why: libraries that share one process share its heap, and the garbage one
 * library's turn leaves is then collected (with concurrent marking that competes for the 2 cores) inside the
 * next library's timed epoch. In its own process each library's epochs pay only for its own garbage.
 *
 * Epoch seconds, GEMM turns and per-op times are all timed inside the child, as the in-process trainer times
 * them; the parent only passes the shared order of rows and collects the figures. The child runs descent with
 * the parent's kernels (the relaxed-SIMD flag is passed on) and refuses to start on others.
 *
 * @example const trainer = await isolatedTrainer({ library: "tfjs-wasm", workload, train, test, weights, settings, seed, samplesPerEpoch });
 */
export async function isolatedTrainer(spec: IsolatedSpec): Promise<PeerTrainer> {
  const entry = childEntry();
  const relaxed = spec.kernels === "wasm-relaxed-simd" && relaxedSimdNeedsFlag();
  const child: ChildProcess = fork(entry.module, [], {
    execArgv: [...entry.execArgv, ...(relaxed ? [RELAXED_SIMD_FLAG] : [])],
    env: peerEnvironment(process.env),
    serialization: "advanced",
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const failed = (why: string) =>
    new Error(`${spec.library} peer process ${why}${stderr.trim() ? `: ${stderr.trim()}` : ""}`);
  let ended: Error | undefined;
  const end = (error: Error) => {
    ended ??= error;
    for (const { reject } of pending.values()) reject(ended);
    pending.clear();
  };
  child.on("message", (reply: Reply) => {
    const waiting = pending.get(reply.id);
    if (waiting === undefined) return;
    pending.delete(reply.id);
    if ("error" in reply) waiting.reject(new Error(reply.error));
    else waiting.resolve(reply.result);
  });
  child.on("error", (error) => end(failed(`failed: ${error.message}`)));
  child.on("exit", (code, signal) => end(failed(`exited (${signal ?? `code ${code}`})`)));
  let nextId = 0;
  const request = <T>(message: RequestBody) =>
    new Promise<T>((resolve, reject) => {
      if (ended !== undefined) return reject(ended);
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const wire: Request = { ...message, id };
      child.send(wire);
    });
  const dispose = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  };

  let started: Started;
  try {
    started = await request<Started>({ op: "start", spec });
  } catch (error) {
    dispose();
    throw error;
  }
  const trainer: PeerTrainer = {
    samplesPerEpoch: started.samplesPerEpoch,
    backend: () => started.backend,
    restart: () => request<void>({ op: "restart" }),
    epoch: (order) => request<number>({ op: "epoch", order }),
    testAccuracy: () => request<number>({ op: "accuracy" }),
    async gemm(size, runs, budgetSeconds) {
      const result = await request<GemmMeasured | { turn: true }>({ op: "gemm", size, runs, budgetSeconds });
      if ("gflops" in result) return result;
      const turn: GemmTurn = {
        prepare: () => request<void>({ op: "gemm-prepare" }),
        take: (calls) => request<number>({ op: "gemm-take", calls }),
        // The parent does not wait for the operands to be freed: the next request queues behind it.
        dispose: () => void request<void>({ op: "gemm-dispose" }).catch(() => {}),
      };
      return turn;
    },
    addMicroseconds: (shape) => request<number>({ op: "add", shape }),
    dispose,
  };
  return started.reusedAdd
    ? { ...trainer, addIntoReusedMicroseconds: (shape) => request<number>({ op: "add-reused", shape }) }
    : trainer;
}
